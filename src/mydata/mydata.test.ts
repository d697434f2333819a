import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { DEMO_ACCOUNTS } from '../identity/index.js';
import { setRegistryFault } from '../registries/faults.js';
import { signIn, startTestApp, type TestApp } from '../testing.js';

let app: TestApp;
const citizen = DEMO_ACCOUNTS[0];
const other = DEMO_ACCOUNTS[2];
const foreigner = DEMO_ACCOUNTS[1];

before(async () => { app = await startTestApp(); });
afterEach(() => setRegistryFault('tax-committee', null));
after(() => app.close());

const page = async (personId: string, l = 'en') => app.server.inject({ url: `/${l}/cabinet/state`, headers: { cookie: await signIn(app, personId) } });
/** The HTML of one section of the page. */
const section = (html: string, key: string) => {
  const m = new RegExp(`<section[^>]*id="state-${key}"[\\s\\S]*?</section>`).exec(html);
  assert.ok(m, `section ${key} is on the page`);
  return m[0];
};

test('the demo citizen sees their fine, gas account and tax debt, each with its source, in so\'m', async () => {
  const res = await page(citizen.id);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['cache-control'], 'no-store');
  const html = res.body;
  assert.match(section(html, 'fines'), /RR26101807/);
  assert.match(section(html, 'fines'), /412,000 soʻm/);
  assert.match(section(html, 'gas'), /0100120014/);
  const tax = section(html, 'tax');
  assert.match(tax, /Property tax \(individuals\)/);
  assert.match(tax, /209,680 soʻm/, 'the total owed, from tiyin');
  assert.match(tax, /Source: The tax committee/);
  assert.match(section(html, 'property'), /01:12:07:15:03:0108:0012/);
  assert.match(section(html, 'residence'), /Amir Temur/);
  assert.match(html, /href="\/en\/cabinet\/state"[^>]*aria-current="page"/, 'in the cabinet navigation');
  // In Russian: the registry's Russian text and the Russian currency name.
  const ru = (await page(citizen.id, 'ru')).body;
  assert.match(section(ru, 'tax'), /Налог на имущество физических лиц/);
  assert.match(section(ru, 'tax'), /сум/);
});

test('another citizen does not see the demo citizen\'s records', async () => {
  const res = await page(other.id);
  assert.equal(res.statusCode, 200);
  assert.doesNotMatch(res.body, /RR26101807|0100120014|01:12:07:15:03:0108:0012/);
});

test('a foreigner without a PINFL is told why there is nothing to show', async () => {
  const res = await page(foreigner.id);
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /know citizens by their personal identification number/);
  assert.doesNotMatch(res.body, /id="state-tax"/);
});

test('the tax committee down: the page still shows, the tax section says so, the fines show', async () => {
  setRegistryFault('tax-committee', 'down');
  const res = await page(citizen.id);
  assert.equal(res.statusCode, 200);
  assert.match(section(res.body, 'tax'), /The tax committee(’|'|&#39;|&#x27;)s system (did not answer in time|is not available right now)\. Try again later\./);
  assert.match(section(res.body, 'fines'), /RR26101807/);
  const uz = await page(citizen.id, 'uz');
  assert.match(section(uz.body, 'tax'), /Soliq qoʻmitasi tizimi/);
});

test('the tax committee slow: the page answers within the time limit, with the tax section\'s note', async () => {
  setRegistryFault('tax-committee', 'slow', { delayMs: 6000 });
  const started = Date.now();
  const res = await page(citizen.id);
  const took = Date.now() - started;
  assert.equal(res.statusCode, 200);
  assert.ok(took < 5000, `took ${took} ms`);
  assert.match(section(res.body, 'tax'), /did not answer in time|not available right now/);
  assert.match(section(res.body, 'fines'), /RR26101807/);
});

test('each successful read is in "who looked at my data"', async () => {
  const before = await app.ctx.db.selectFrom('identity_data_access').select(['agency_id', 'accessor', 'purpose', 'accessor_kind'])
    .where('person_id', '=', citizen.id).execute();
  await page(citizen.id);
  const rows = await app.ctx.db.selectFrom('identity_data_access').select(['agency_id', 'accessor', 'purpose', 'accessor_kind'])
    .where('person_id', '=', citizen.id).execute();
  const added = rows.length - before.length;
  assert.equal(added, 9, 'one per registry answered');
  const agencies = new Set(rows.map((r) => r.agency_id));
  for (const code of ['tax-committee', 'road-safety', 'hududgaz', 'cadastre', 'migration']) assert.ok(agencies.has(code), code);
  const row = rows.find((r) => r.agency_id === 'road-safety')!;
  assert.equal(row.accessor_kind, 'system');
  assert.equal(row.purpose, 'You viewed your data');
  const cabinet = await app.server.inject({ url: '/en/cabinet', headers: { cookie: await signIn(app, citizen.id) } });
  assert.match(cabinet.body, /Darcha portal \(on your request\)/);
});

test('anonymous visitors are sent to sign in', async () => {
  const res = await app.server.inject({ url: '/en/cabinet/state' });
  assert.equal(res.statusCode, 303);
  assert.match(res.headers.location as string, /^\/en\/signin\?next=%2Fen%2Fcabinet%2Fstate/);
});
