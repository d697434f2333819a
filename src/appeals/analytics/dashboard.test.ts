import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_ACCOUNTS, districtById } from '../../identity/index.js';
import { LOCALES } from '../../platform/index.js';
import { signIn, startTestApp, type TestApp } from '../../testing.js';
import { DEMO_SURGE } from '../seed.js';
import { insertAppeals } from './fixtures.js';

const HEAD = DEMO_ACCOUNTS.find((a) => a.role === 'head')!.id;
const OFFICER = DEMO_ACCOUNTS.find((a) => a.role === 'officer')!.id;
let app: TestApp;
let head: string;

before(async () => {
  app = await startTestApp();
  head = await signIn(app, HEAD, { audience: 'office' });
});
after(() => app.close());

const page = (url: string, cookie = head) => app.server.inject({ url, headers: { cookie } });
/** The first key figure: the appeals of the period. */
const total = (html: string) => Number(/<span class="count">([\d,\s ]+)<\/span>/.exec(html)?.[1]?.replace(/[^\d]/g, ''));

/** The agencies the demo head leads. */
async function headAgencies(): Promise<string[]> {
  const roles = await app.ctx.db.selectFrom('identity_role').select('agency_id').where('person_id', '=', HEAD).where('role', '=', 'head').where('revoked_at', 'is', null).execute();
  return roles.map((r) => r.agency_id!).sort();
}

test("a head sees the figures of their agencies only, with charts, tables and the district heat table", async () => {
  const agencies = await headAgencies();
  assert.ok(agencies.length > 0);
  const before = await page('/en/office/appeals/dashboard');
  assert.equal(before.statusCode, 200);
  const n = total(before.body);
  assert.ok(Number.isFinite(n), 'the total is shown');
  // Five appeals to the head's first agency and nine to an agency they do not lead, all today.
  const place = districtById('yunusobod')!;
  const at = new Date(Date.now() - 3600_000);
  await insertAppeals(app.ctx.db, [
    ...Array.from({ length: 5 }, () => ({ topic: 'roads-potholes', region: place.region, district: place.id, agency: agencies[0]!, registeredAt: at })),
    ...Array.from({ length: 9 }, () => ({ topic: 'roads-potholes', region: place.region, district: place.id, agency: 'defence', registeredAt: at })),
  ]);
  assert.ok(!agencies.includes('defence'));
  const after = await page('/en/office/appeals/dashboard');
  assert.equal(total(after.body), n + 5);
  for (const part of ['<svg', 'role="img"', '<details>', 'Appeals by district', 'Yunusabad district', 'By agency', 'Appeals per week over the last 12 weeks', 'How an alert is raised']) {
    assert.ok(after.body.includes(part), part);
  }
  assert.ok(!/appeals\.analytics\./.test(after.body), 'no text is missing');
});

test('the planted surge of the demo data is an alert at the top of the page', async () => {
  const res = await page('/en/office/appeals/dashboard');
  const alerts = res.body.slice(res.body.indexOf('id="hotspots"'), res.body.indexOf('id="filters"'));
  assert.ok(alerts.includes('class="notice"'), 'an alert is shown');
  assert.ok(alerts.includes(districtById(DEMO_SURGE.district)!.name.en), `the alert names ${DEMO_SURGE.district}`);
  assert.ok(res.body.indexOf('id="hotspots"') < res.body.indexOf('id="key-figures"'), 'alerts come first');
});

test('filters narrow the figures and keep their values', async () => {
  const all = total((await page('/en/office/appeals/dashboard?period=365')).body);
  const res = await page('/en/office/appeals/dashboard?period=365&region=tashkent-city&topic=roads-potholes');
  assert.equal(res.statusCode, 200);
  assert.ok(total(res.body) <= all && total(res.body) >= 5, `${total(res.body)} of ${all}`);
  assert.match(res.body, /<option value="365" selected/);
  assert.match(res.body, /<option value="tashkent-city" selected/);
  assert.match(res.body, /<option value="roads-potholes" selected/);
});

test('bad filters are named next to their field and in the summary, in the language of the page', async () => {
  const res = await page('/ru/office/appeals/dashboard?period=7&region=atlantis&topic=%3Cb%3E');
  assert.equal(res.statusCode, 400);
  for (const text of ['Выберите период: 30, 90 или 365 дней', 'Выберите регион из списка', 'Выберите тему из списка']) {
    assert.equal(res.body.split(text).length - 1, 2, `${text}: in the summary and beside the field`);
  }
  assert.match(res.body, /class="error-summary"/);
  assert.match(res.body, /aria-invalid="true"/);
  assert.ok(!res.body.includes('<b>'), 'the bad value is not echoed as HTML');
});

test('every language renders, and an officer who is no head is refused', async () => {
  for (const l of LOCALES) {
    const res = await page(`/${l}/office/appeals/dashboard?period=90`);
    assert.equal(res.statusCode, 200, l);
    assert.ok(!/appeals\.analytics\./.test(res.body), `${l}: no text is missing`);
  }
  assert.equal((await page('/en/office/appeals/dashboard', await signIn(app, OFFICER, { audience: 'office' }))).statusCode, 403);
  assert.equal((await app.server.inject({ url: '/en/office/appeals/dashboard' })).statusCode, 303);
});
