// The result document as a PDF: A4, in the holder's language, DejaVu Sans embedded (a
// subset) so that Uzbek Latin (oʻ, gʻ), Uzbek Cyrillic (ў, қ, ғ, ҳ), Karakalpak (á, ı, ń, ǵ),
// Russian and English all render on any reader, with a QR code of the public check.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import QRCode from 'qrcode';
import { LOCALE_INFO, t, type Locale } from '../platform/index.js';
import { tashkentDate } from './dates.js';

export interface PdfContent {
  id: string;
  locale: Locale;
  agencyName: string;
  title: string;
  number: string;
  issuedAt: Date;
  /** Rows of the body: who the document is for first, then the caller's lines. */
  rows: [string, string][];
  decision: 'approved' | 'rejected' | 'answer';
  signedBy: string;
  /** The public check's address, in the QR code and printed. */
  verifyUrl: string;
}

const require = createRequire(import.meta.url);
let fonts: { regular: Uint8Array; bold: Uint8Array } | undefined;
/** DejaVu Sans, read once: it covers Latin with the Uzbek and Karakalpak letters, and Cyrillic. */
function fontFiles() {
  fonts ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return fonts;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const WIDTH = A4[0] - 2 * MARGIN;
const INK = rgb(0.09, 0.14, 0.25);
const GREY = rgb(0.38, 0.42, 0.48);
const RULE = rgb(0.8, 0.83, 0.87);
// The flag's colours, for the mark and the band under the header.
const BLUE = rgb(0, 0.6, 0.71);
const GREEN = rgb(0.12, 0.71, 0.23);
const RED = rgb(0.81, 0.07, 0.15);
const GOLD = rgb(0.8, 0.62, 0.12);
/** Height kept free at the bottom of the last page for the signature block and the QR code. */
const SIGNATURE_BLOCK = 190;
const FOOTER = 36;

/** Control characters would print as boxes or break lines: tabs become spaces, the rest go. */
const clean = (text: string) => text.replace(/\t/g, ' ').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '');

/** Splits text into lines that fit `width`; words longer than a line are cut. */
export function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of clean(text).split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/ +/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) { line = candidate; continue; }
      if (line) out.push(line);
      line = '';
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width) {
        // The longest head that fits, found by halving: a hostile 2,000-letter word stays cheap.
        let fits = 1, over = rest.length;
        while (over - fits > 1) {
          const mid = (fits + over) >> 1;
          if (font.widthOfTextAtSize(rest.slice(0, mid), size) <= width) fits = mid; else over = mid;
        }
        out.push(rest.slice(0, fits));
        rest = rest.slice(fits);
      }
      line = rest;
    }
    out.push(line);
  }
  return out;
}

/** Renders the document; the bytes returned are what is signed and stored. */
export async function renderDocumentPdf(content: PdfContent): Promise<Uint8Array> {
  const l = content.locale;
  const doc = await PDFDocument.create({ updateMetadata: false });
  // A parsed font is not shared between documents: fontkit keeps per-document state in it.
  doc.registerFontkit(fontkit);
  const files = fontFiles();
  const regular = await doc.embedFont(files.regular, { subset: true });
  const bold = await doc.embedFont(files.bold, { subset: true });
  doc.setTitle(content.title, { showInWindowTitleBar: true });
  doc.setAuthor(content.agencyName);
  doc.setSubject(t(l, 'documents.pdf.number', { number: content.number }));
  doc.setKeywords([content.id, content.number]);
  doc.setCreator('Darcha');
  doc.setProducer('Darcha');
  doc.setLanguage(LOCALE_INFO[l].tag);
  doc.setCreationDate(content.issuedAt);
  doc.setModificationDate(content.issuedAt);

  let page = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  const text = (s: string, x: number, at: number, size: number, font = regular, color: RGB = INK) =>
    page.drawText(s, { x, y: at, size, font, color });
  const centred = (s: string, at: number, size: number, font = regular, color: RGB = INK) =>
    text(s, (A4[0] - font.widthOfTextAtSize(s, size)) / 2, at, size, font, color);
  /** Starts a new page when `height` does not fit above the bottom (and the signature block, if asked). */
  const room = (height: number, keep = 0) => {
    if (y - height >= MARGIN + FOOTER + keep) return;
    page = doc.addPage(A4);
    y = A4[1] - MARGIN;
  };

  // Header: the mark, the state, the agency, the flag's band.
  drawMark(page, A4[0] / 2, y - 28);
  y -= 72;
  centred(t(l, 'documents.pdf.republic').toUpperCase(), y, 9, bold, GREY);
  y -= 18;
  for (const line of wrap(content.agencyName, bold, 13, WIDTH - 40)) { centred(line, y, 13, bold); y -= 17; }
  y -= 4;
  drawBand(page, y);
  y -= 36;

  for (const line of wrap(content.title, bold, 18, WIDTH)) { room(24); centred(line, y, 18, bold); y -= 24; }
  y -= 6;
  text(t(l, 'documents.pdf.number', { number: content.number }), MARGIN, y, 10.5, bold);
  const date = t(l, 'documents.pdf.date', { date: tashkentDate(content.issuedAt) });
  text(date, A4[0] - MARGIN - regular.widthOfTextAtSize(date, 10.5), y, 10.5);
  y -= 24;

  // The body: label and value side by side, the value wrapping in its column.
  const labelWidth = 170, gap = 14, valueX = MARGIN + labelWidth + gap, valueWidth = WIDTH - labelWidth - gap;
  for (const [label, value] of content.rows) {
    const labels = wrap(label, regular, 10, labelWidth), values = wrap(value, regular, 10.5, valueWidth);
    const height = Math.max(labels.length, values.length) * 14 + 8;
    room(height);
    page.drawLine({ start: { x: MARGIN, y: y + 12 }, end: { x: A4[0] - MARGIN, y: y + 12 }, thickness: 0.5, color: RULE });
    labels.forEach((s, i) => text(s, MARGIN, y - i * 14, 10, regular, GREY));
    values.forEach((s, i) => text(s, valueX, y - i * 14, 10.5));
    y -= height;
  }
  page.drawLine({ start: { x: MARGIN, y: y + 12 }, end: { x: A4[0] - MARGIN, y: y + 12 }, thickness: 0.5, color: RULE });
  y -= 10;

  // The decision, boxed in green or red (an answer to an appeal in blue).
  const decision = `${t(l, 'documents.pdf.decision')}: ${t(l, `documents.decision.${content.decision}`)}`;
  room(40, SIGNATURE_BLOCK);
  const tone = content.decision === 'approved' ? GREEN : content.decision === 'answer' ? BLUE : RED;
  page.drawRectangle({ x: MARGIN, y: y - 14, width: WIDTH, height: 32, borderColor: tone, borderWidth: 1.5, color: rgb(1, 1, 1) });
  text(decision, MARGIN + 12, y - 3, 12, bold, tone);
  y -= 40;

  // The signature block at the bottom of the last page: who signed, the id, the QR code.
  room(SIGNATURE_BLOCK - FOOTER);
  const qrSize = 112, qrX = A4[0] - MARGIN - qrSize, qrY = MARGIN + FOOTER;
  drawQr(page, content.verifyUrl, qrX, qrY, qrSize);
  const leftWidth = WIDTH - qrSize - 20;
  let by = qrY + qrSize - 8;
  for (const line of wrap(t(l, 'documents.pdf.signed', { officer: content.signedBy, agency: content.agencyName }), bold, 10, leftWidth)) { text(line, MARGIN, by, 10, bold); by -= 14; }
  by -= 4;
  text(t(l, 'documents.pdf.id'), MARGIN, by, 9, regular, GREY); by -= 12;
  text(content.id, MARGIN, by, 9.5, bold); by -= 16;
  for (const line of wrap(t(l, 'documents.pdf.check', { url: content.verifyUrl }), regular, 9, leftWidth)) { text(line, MARGIN, by, 9); by -= 12; }
  for (const line of wrap(t(l, 'documents.pdf.check-how'), regular, 8.5, leftWidth)) { if (by < qrY) break; text(line, MARGIN, by, 8.5, regular, GREY); by -= 11; }

  const pages = doc.getPages();
  pages.forEach((p, i) => {
    p.drawLine({ start: { x: MARGIN, y: MARGIN + 14 }, end: { x: A4[0] - MARGIN, y: MARGIN + 14 }, thickness: 0.5, color: RULE });
    p.drawText(t(l, 'documents.pdf.footer'), { x: MARGIN, y: MARGIN, size: 8, font: regular, color: GREY });
    const label = t(l, 'documents.pdf.page', { page: i + 1, pages: pages.length });
    p.drawText(label, { x: A4[0] - MARGIN - regular.widthOfTextAtSize(label, 8), y: MARGIN, size: 8, font: regular, color: GREY });
  });
  return doc.save({ useObjectStreams: true });
}

/** A simple emblem-like mark: a golden ring around a blue disc with an eight-pointed star. */
function drawMark(page: PDFPage, cx: number, cy: number) {
  page.drawCircle({ x: cx, y: cy, size: 28, color: rgb(1, 1, 1), borderColor: GOLD, borderWidth: 2.5 });
  page.drawCircle({ x: cx, y: cy, size: 22, color: BLUE });
  const star = (radius: number, turn: number) => Array.from({ length: 4 }, (_, i) => {
    const a = turn + (i * Math.PI) / 2;
    return `${(radius * Math.cos(a)).toFixed(2)},${(-radius * Math.sin(a)).toFixed(2)}`;
  });
  // Two squares, one turned by 45°, make the star; SVG paths are drawn from (x, y) with y down.
  for (const turn of [0, Math.PI / 4]) {
    const [a, b, c, d] = star(15, turn);
    page.drawSvgPath(`M ${a} L ${b} L ${c} L ${d} Z`, { x: cx, y: cy, color: GOLD });
  }
  page.drawCircle({ x: cx, y: cy, size: 6, color: rgb(1, 1, 1) });
  page.drawCircle({ x: cx, y: cy, size: 3.2, color: GREEN });
}

/** The flag's band across the page: blue, white, green with thin red lines between. */
function drawBand(page: PDFPage, y: number) {
  const bands: [number, RGB | undefined][] = [[3, BLUE], [0.8, RED], [2, undefined], [0.8, RED], [3, GREEN]];
  let top = y;
  for (const [height, color] of bands) {
    if (color) page.drawRectangle({ x: MARGIN, y: top - height, width: WIDTH, height, color });
    top -= height;
  }
}

/** The QR code drawn as vector squares (runs of dark modules), with its quiet zone. */
function drawQr(page: PDFPage, text: string, x: number, y: number, size: number) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 2, cell = size / (modules.size + 2 * quiet);
  page.drawRectangle({ x, y, width: size, height: size, color: rgb(1, 1, 1) });
  for (let row = 0; row < modules.size; row++) {
    let start = -1;
    for (let col = 0; col <= modules.size; col++) {
      const dark = col < modules.size && modules.get(row, col);
      if (dark && start < 0) start = col;
      if (!dark && start >= 0) {
        page.drawRectangle({ x: x + (quiet + start) * cell, y: y + size - (quiet + row + 1) * cell, width: (col - start) * cell, height: cell, color: rgb(0, 0, 0) });
        start = -1;
      }
    }
  }
}
