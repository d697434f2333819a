// Reads back the text of a PDF this module wrote, as a text extractor or a screen reader
// does: glyph codes through each font's ToUnicode map. Used by the tests to prove that
// every language renders with real glyphs (none missing) and can be searched and copied.
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, decodePDFRawStream } from 'pdf-lib';

export interface PdfText {
  /** Each page's text, one shown string per line. */
  pages: string[];
  /** Codes shown with no glyph in the font (.notdef): letters that would print as boxes. */
  missingGlyphs: number;
  /** Names of the fonts used, each embedded with its program (FontFile2). */
  fonts: { name: string; embedded: boolean }[];
}

const decode = (stream: PDFRawStream) => Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');

function parseCmap(text: string): Map<number, string> {
  const map = new Map<number, string>();
  const hex = (h: string) => parseInt(h, 16);
  const chars = (h: string) => String.fromCodePoint(...(h.match(/.{4}/g) ?? []).map(hex));
  for (const block of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, unicode] of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(hex(code!), chars(unicode!));
  }
  for (const block of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, from, to, start] of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      for (let c = hex(from!), u = hex(start!); c <= hex(to!); c++, u++) map.set(c, String.fromCodePoint(u));
    }
  }
  return map;
}

export async function extractPdfText(bytes: Uint8Array): Promise<PdfText> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const result: PdfText = { pages: [], missingGlyphs: 0, fonts: [] };
  for (const page of doc.getPages()) {
    const fonts = new Map<string, Map<number, string>>();
    const fontDict = page.node.Resources()?.lookup(PDFName.of('Font'), PDFDict);
    for (const [name, ref] of fontDict?.entries() ?? []) {
      const font = doc.context.lookup(ref, PDFDict);
      const descendant = font.lookup(PDFName.of('DescendantFonts'), PDFArray).lookup(0, PDFDict);
      const descriptor = descendant.lookup(PDFName.of('FontDescriptor'), PDFDict);
      const key = name.asString().slice(1);
      if (!result.fonts.some((f) => f.name === key)) result.fonts.push({ name: key, embedded: descriptor.has(PDFName.of('FontFile2')) });
      fonts.set(key, parseCmap(decode(font.lookup(PDFName.of('ToUnicode')) as PDFRawStream)));
    }
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r) as PDFRawStream) : contents ? [contents as PDFRawStream] : [];
    const lines: string[] = [];
    let cmap: Map<number, string> | undefined;
    for (const stream of streams) {
      for (const [, font, shown] of decode(stream).matchAll(/\/(\S+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>\s*Tj/g)) {
        if (font) { cmap = fonts.get(font); continue; }
        const codes = (shown!.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16));
        result.missingGlyphs += codes.filter((c) => c === 0 || !cmap?.has(c)).length;
        lines.push(codes.map((c) => cmap?.get(c) ?? '\uFFFD').join(''));
      }
    }
    result.pages.push(lines.join('\n'));
  }
  return result;
}
