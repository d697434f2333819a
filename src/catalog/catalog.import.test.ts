import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { migrateToLatest, outboxMigrations } from '../platform/index.js';
import { testDatabase } from '../testing.js';
import { CatalogImportError, importCatalog, readCatalog } from './catalog.import.js';
import { fillCyrillic } from './catalog.fill-cyrillic.js';
import { loadServices } from './catalog.store.js';
import { catalogMigrations } from './catalog.tables.js';

const text = (en: string) => `{ uz: "${en} uz", oz: "${en} oz", kaa: "${en} kaa", ru: "${en} ru", en: "${en}" }`;

function service(id: string, extra = '') {
  return `  - id: ${id}
    agency: tax
    type: transactional
    audience: [G2C]
    channels: [portal]
    fee_bhm: 0.5
    term: { days: 5, kind: working }
    popularity: 10
    name: ${text(`Service ${id}`)}
    summary: ${text('Summary')}
    documents: []
    result: ${text('Result')}
    steps:
      - ${text('Step')}
    legal_basis:
      - act: ${text('Tax Code')}
        url: https://lex.uz/docs/1
${extra}`;
}

function writeCatalog(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'darcha-catalog-'));
  mkdirSync(join(dir, 'services'));
  const base: Record<string, string> = {
    'spheres.yaml': `- id: taxes\n  position: 1\n  icon: tax\n  name: ${text('Taxes')}\n`,
    'agencies.yaml': `- id: tax\n  kind: committee\n  region: republic\n  name: ${text('Tax Committee')}\n  address: ${text('Tashkent')}\n  phone: "+998 71 200-00-00"\n  email: info@soliq.uz\n  hours: ${text('9-18')}\n`,
    'bhm.yaml': `- valid_from: 2025-08-01\n  amount_sum: 412000\n  legal_basis:\n    act: ${text('Decree')}\n`,
    'services/taxes.yaml': `sphere: taxes\nservices:\n${service('tax-debts')}${service('tax-return')}`,
  };
  for (const [name, content] of Object.entries({ ...base, ...files })) writeFileSync(join(dir, name), content);
  return dir;
}

async function problemsOf(dir: string) {
  try {
    await readCatalog(dir);
  } catch (error) {
    assert.ok(error instanceof CatalogImportError);
    return error.problems.map((p) => `${p.file.split('/').slice(-2).join('/')}:${p.line}: ${p.message}`);
  }
  return [];
}

test('a valid catalog reads with fees in tiyin and the default online discount', async () => {
  const dir = writeCatalog({});
  const catalog = await readCatalog(dir);
  assert.equal(catalog.services.length, 2);
  assert.equal(catalog.services[0]!.onlineDiscount, 10);
  assert.equal(catalog.bhm[0]!.amountTiyin, 41200000);
  rmSync(dir, { recursive: true });
});

test('an invalid file is refused with its file, line and reason', async () => {
  const broken = `sphere: taxes\nservices:\n${service('tax-debts')}${service('bad', '').replace('type: transactional', 'type: magical').replace(/kaa: "Summary kaa", /, '')}`;
  const dir = writeCatalog({ 'services/taxes.yaml': broken });
  const problems = await problemsOf(dir);
  const lines = broken.split('\n');
  const typeLine = lines.findIndex((l) => l.includes('type: magical')) + 1;
  const summaryLine = lines.findIndex((l, i) => i > typeLine && l.includes('summary:')) + 1;
  assert.ok(problems.some((p) => p.startsWith(`services/taxes.yaml:${typeLine}: services[1] (bad).type`)), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith(`services/taxes.yaml:${summaryLine}: services[1] (bad).summary: missing kaa`)), problems.join('\n'));
  rmSync(dir, { recursive: true });
});

test('broken YAML, unknown references and duplicate ids are each named', async () => {
  const dir = writeCatalog({ 'agencies.yaml': '- id: tax\n  name: [unclosed\n' });
  const yamlProblems = await problemsOf(dir);
  assert.match(yamlProblems[0]!, /agencies\.yaml:\d+: YAML: /);
  rmSync(dir, { recursive: true });

  const refs = writeCatalog({ 'services/taxes.yaml': `sphere: taxes\nservices:\n${service('tax-debts')}${service('tax-debts')}`.replace(/agency: tax\n/, 'agency: nobody\n') });
  const problems = await problemsOf(refs);
  assert.ok(problems.some((p) => /services\/taxes\.yaml:4: services\[0\] \(tax-debts\)\.agency: no agency nobody/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /id tax-debts is also used/.test(p)), problems.join('\n'));
  rmSync(refs, { recursive: true });
});

test('import is all or nothing, and withdraws services no longer listed', async (t) => {
  const database = await testDatabase();
  t.after(() => database.close());
  await migrateToLatest(database.db, { ...outboxMigrations, ...catalogMigrations });

  const good = writeCatalog({});
  const first = await importCatalog(database.db, good);
  assert.deepEqual({ services: first.services, revision: first.revision }, { services: 2, revision: 1 });

  const bad = writeCatalog({ 'services/taxes.yaml': `sphere: taxes\nservices:\n${service('tax-debts')}${service('new-one').replace('fee_bhm: 0.5', 'fee_bhm: -1')}` });
  await assert.rejects(importCatalog(database.db, bad), CatalogImportError);
  assert.deepEqual((await loadServices(database.db)).map((s) => s.id).sort(), ['tax-debts', 'tax-return'], 'nothing of the bad import landed');

  const smaller = writeCatalog({ 'services/taxes.yaml': `sphere: taxes\nservices:\n${service('tax-debts')}` });
  const second = await importCatalog(database.db, smaller);
  assert.equal(second.withdrawn, 1);
  assert.deepEqual((await loadServices(database.db)).map((s) => s.id), ['tax-debts']);
  const events = await database.db.selectFrom('outbox').select('topic').execute();
  assert.deepEqual(events.map((e) => e.topic), ['catalog.changed', 'catalog.changed']);
  for (const dir of [good, bad, smaller]) rmSync(dir, { recursive: true });
});

test('fill-cyrillic writes oz from uz and keeps the rest of the file', async () => {
  const dir = writeCatalog({ 'spheres.yaml': '- id: taxes\n  position: 1\n  icon: tax\n  name: { uz: "Soliqlar va yigʻimlar", kaa: "Salıqlar", ru: "Налоги", en: "Taxes" }\n' });
  assert.equal(await fillCyrillic(dir), 1);
  const catalog = await readCatalog(dir);
  assert.equal(catalog.spheres[0]!.name.oz, 'Солиқлар ва йиғимлар');
  assert.equal(await fillCyrillic(dir), 0, 'a second run changes nothing');
  rmSync(dir, { recursive: true });
});
