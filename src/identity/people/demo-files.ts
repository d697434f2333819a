// Writes and reads demo/identity/people.yaml and businesses.yaml. The files are made by
// the generator, committed, and read by whoever needs the demo population (identity's
// seed, the registries); a test fails when they differ from what the generator makes.
//
//   node --import tsx scripts/demo-identity.ts          write the files
//   node --import tsx scripts/demo-identity.ts --check  exit 1 if they are stale
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, isMap, isPair, isScalar, isSeq, parse, visit } from 'yaml';
import { fromRoot } from '../../platform/index.js';
import { DEMO_AS_OF, DEMO_SEED, generatePopulation } from './demo-population.js';
import type { DemoBusiness, DemoPerson, DemoPopulation } from './people.types.js';

/** Where the committed demo population lives. */
export const DEMO_IDENTITY_DIR = fromRoot('demo', 'identity');

const HEAD = (what: string) => `${what}
Generated from seed "${DEMO_SEED}" as of ${DEMO_AS_OF} by
  node --import tsx scripts/demo-identity.ts
Do not edit by hand: change the generator (src/identity/people/) and run it again.`;

const PEOPLE_HEAD = HEAD(`Demo people: citizens (with PINFL) and foreigners (with a passport number).
The first eight are fixed, with stable ids, and carry demo.role: citizen, foreigner,
director, representative, officer, head, editor, admin (see demo/identity/README.md).
District ids, and the district codes inside PINFLs, are in src/identity/people/regions.ts.`);

const BUSINESSES_HEAD = HEAD(`Demo businesses: LLC (MChJ), JSC (AJ) and IE (YaTT). Director and representatives
are PINFLs of people in people.yaml. The first is fixed: "Baraka Savdo" MChJ, directed
by the fixed director and represented by the fixed representative.`);

const FLOW = new Set(['nameLatin', 'nameCyrillic', 'name', 'demo', 'representatives']);

function render(head: string, key: 'people' | 'businesses', pop: DemoPopulation): string {
  const doc = new Document({ seed: pop.seed, asOf: pop.asOf, [key]: pop[key] });
  doc.commentBefore = ' ' + head.replace(/\n/g, '\n ');
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && FLOW.has(String(pair.key.value)) && (isMap(pair.value) || isSeq(pair.value))) pair.value.flow = true;
    },
    Scalar(_, node) {
      // Numbers, phones, dates and ids stay strings for every YAML reader, 1.1 ones included.
      if (typeof node.value === 'string' && /^[+\d]|^[\da-f]{8}-[\da-f]{4}-/.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  const list = doc.get(key);
  if (isSeq(list)) for (const item of list.items.slice(1)) if (isMap(item)) item.spaceBefore = true;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

/** The text of people.yaml for a population. */
export function renderPeopleYaml(pop: DemoPopulation): string {
  return render(PEOPLE_HEAD, 'people', pop);
}

/** The text of businesses.yaml for a population. */
export function renderBusinessesYaml(pop: DemoPopulation): string {
  return render(BUSINESSES_HEAD, 'businesses', pop);
}

/** Writes both files for a population (the committed one by default). */
export async function writeDemoFiles(pop = generatePopulation(), dir = DEMO_IDENTITY_DIR): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'people.yaml'), renderPeopleYaml(pop));
  await writeFile(join(dir, 'businesses.yaml'), renderBusinessesYaml(pop));
}

/**
 * Reads the demo population back from its files. Shapes are taken on trust; run
 * `checkPopulation` on the result where a hand-edited copy may be loaded.
 */
export async function readDemoPopulation(dir = DEMO_IDENTITY_DIR): Promise<DemoPopulation> {
  const people = parse(await readFile(join(dir, 'people.yaml'), 'utf8')) as { seed: string; asOf: string; people: DemoPerson[] };
  const businesses = parse(await readFile(join(dir, 'businesses.yaml'), 'utf8')) as { businesses: DemoBusiness[] };
  if (!Array.isArray(people?.people) || !Array.isArray(businesses?.businesses)) throw new Error(`${dir}: not a demo population`);
  return { seed: people.seed, asOf: people.asOf, people: people.people, businesses: businesses.businesses };
}

/** True when the files hold exactly what the generator makes. */
export async function demoFilesAreCurrent(dir = DEMO_IDENTITY_DIR): Promise<boolean> {
  const pop = generatePopulation();
  const read = (name: string) => readFile(join(dir, name), 'utf8').catch(() => '');
  return (await read('people.yaml')) === renderPeopleYaml(pop) && (await read('businesses.yaml')) === renderBusinessesYaml(pop);
}
