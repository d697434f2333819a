// Test support: a strict reader for the XML this API writes (elements, text and the five
// entities; no attributes, comments or CDATA). It throws on anything not well formed, so a
// test that reads an answer with it also proves the answer is XML.

export interface XmlNode { name: string; children: XmlNode[]; text: string }

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&([a-z]+);|&/g, (m, name: string | undefined) => {
    if (!name || !(name in ENTITIES)) throw new Error(`bad entity near "${m}"`);
    return ENTITIES[name]!;
  });
}

export function parseXml(xml: string): XmlNode {
  const body = xml.replace(/^<\?xml version="1\.0" encoding="utf-8"\?>\n/, '');
  if (body === xml) throw new Error('no XML declaration with encoding utf-8');
  const stack: XmlNode[] = [{ name: '#document', children: [], text: '' }];
  const token = /<(\/?)([A-Za-z_][\w.-]*)(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < body.length && (m = token.exec(body))) {
    at = token.lastIndex;
    const top = stack.at(-1)!;
    if (m[4] !== undefined) {
      if (m[4].includes('>')) throw new Error('a bare > in text');
      if (stack.length === 1) { if (m[4].trim()) throw new Error('text outside the root'); continue; }
      top.text += decode(m[4]);
    } else if (m[1]) {
      if (top.name !== m[2]) throw new Error(`</${m[2]}> closes <${top.name}>`);
      stack.pop();
    } else {
      const node = { name: m[2]!, children: [], text: '' };
      top.children.push(node);
      if (!m[3]) stack.push(node);
    }
  }
  if (at !== body.length) throw new Error(`not XML at ${at}: ${body.slice(at, at + 30)}`);
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (stack[0]!.children.length !== 1) throw new Error('not exactly one root element');
  return stack[0]!.children[0]!;
}

/** The text of the first child of that name, undefined when there is none. */
export function childText(node: XmlNode, name: string): string | undefined {
  return node.children.find((c) => c.name === name)?.text;
}

/** An element's children as a flat record of their texts (for leaf children). */
export function record(node: XmlNode): Record<string, string> {
  return Object.fromEntries(node.children.map((c) => [c.name, c.text]));
}
