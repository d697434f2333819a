// Writes every oz.json (Uzbek, Cyrillic script) from the uz.json beside it (Latin script)
// by the same transliteration the catalog uses; run after changing a uz.json, then review.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { latinToCyrillic } from '../src/catalog/index.js';
import { catalogueDirs } from '../src/platform/i18n.js';

const convert = (node: unknown): unknown =>
  typeof node === 'string' ? latinToCyrillic(node)
    : Object.fromEntries(Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, convert(v)]));

for (const dir of catalogueDirs()) {
  const uz = JSON.parse(readFileSync(join(dir, 'uz.json'), 'utf8'));
  writeFileSync(join(dir, 'oz.json'), `${JSON.stringify(convert(uz), null, 2)}\n`);
  console.log(`${join(dir, 'oz.json')} written`);
}
