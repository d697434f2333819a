// Writes src/locales/oz.json (Uzbek, Cyrillic script) from uz.json (Latin script) by the
// same transliteration the catalog uses; run after changing uz.json, then review.
import { readFileSync, writeFileSync } from 'node:fs';
import { latinToCyrillic } from '../src/catalog/index.js';

const convert = (node: unknown): unknown =>
  typeof node === 'string' ? latinToCyrillic(node)
    : Object.fromEntries(Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, convert(v)]));

const uz = JSON.parse(readFileSync('src/locales/uz.json', 'utf8'));
writeFileSync('src/locales/oz.json', `${JSON.stringify(convert(uz), null, 2)}\n`);
console.log('src/locales/oz.json written');
