import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Pair, Scalar, isMap, isScalar, parseDocument, visit } from 'yaml';
import { latinToCyrillic } from './search/transliterate.js';

/**
 * Writes the Uzbek Cyrillic text (`oz`) from the Uzbek Latin (`uz`) wherever a
 * localised text lacks it, keeping the files' layout. Returns how many were filled.
 */
export async function fillCyrillic(dir: string): Promise<number> {
  const files = [
    ...(await readdir(dir)).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, f)),
    ...(await readdir(join(dir, 'services')).catch(() => [])).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, 'services', f)),
  ];
  let filled = 0;
  for (const file of files) {
    const doc = parseDocument(await readFile(file, 'utf8'));
    let changed = 0;
    visit(doc, {
      Map(_key, map) {
        if (!isMap(map) || !map.has('uz') || map.has('oz')) return;
        const uz = map.get('uz', true);
        if (!isScalar(uz) || typeof uz.value !== 'string') return;
        const at = map.items.findIndex((p) => isScalar(p.key) && p.key.value === 'uz');
        const value = new Scalar(latinToCyrillic(uz.value));
        value.type = uz.type === 'PLAIN' ? 'QUOTE_DOUBLE' : uz.type;
        map.items.splice(at + 1, 0, new Pair(new Scalar('oz'), value));
        changed++;
      },
    });
    if (changed > 0) {
      await writeFile(file, doc.toString({ lineWidth: 0, flowCollectionPadding: true }));
      filled += changed;
    }
  }
  return filled;
}
