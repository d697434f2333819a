import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../testing.js';

let app: TestApp;
before(async () => { app = await startTestApp(); });
after(() => app.close());

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(app.url + path, { headers });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body };
};

test('GET /api/v1/spheres lists the 24 spheres with their service counts', async () => {
  const { status, body } = await get('/api/v1/spheres?lang=en');
  assert.equal(status, 200);
  assert.equal(body.length, 24);
  const total = body.reduce((sum: number, s: { services: number }) => sum + s.services, 0);
  assert.ok(total >= 300, `at least 300 services, got ${total}`);
  assert.ok(body.every((s: { services: number }) => s.services > 0), 'every sphere has services');
});

test('GET /api/v1/services filters, pages and speaks the language asked for', async () => {
  const page1 = (await get('/api/v1/services?per_page=5&audience=G2F&lang=ru')).body;
  assert.equal(page1.items.length, 5);
  assert.equal(page1.page, 1);
  assert.ok(page1.total > 5);
  assert.ok(page1.items.every((s: { audience: string[] }) => s.audience.includes('G2F')));
  assert.match(page1.items[0].name, /[а-яё]/i, 'Russian text');
  const page2 = (await get('/api/v1/services?per_page=5&page=2&audience=G2F')).body;
  assert.notDeepEqual(page2.items.map((s: { id: string }) => s.id), page1.items.map((s: { id: string }) => s.id));
  const sorted = (await get('/api/v1/services?sphere=transport&per_page=100')).body.items;
  assert.ok(sorted.every((s: { sphere: { id: string } }) => s.sphere.id === 'transport'));
  assert.deepEqual(sorted.map((s: { popularity: number }) => s.popularity), [...sorted.map((s: { popularity: number }) => s.popularity)].sort((a, b) => b - a), 'most used first');
});

test('GET /api/v1/services/{id} gives fee with the online discount, term and legal basis', async () => {
  const { status, body } = await get('/api/v1/services/passport-travel?lang=en');
  assert.equal(status, 200);
  assert.equal(body.id, 'passport-travel');
  assert.ok(body.legal_basis.length > 0);
  assert.ok(body.steps.length > 0);
  if (body.fee && body.fee.bhm > 0) {
    assert.equal(body.fee.amount_tiyin, Math.round(body.fee.bhm * body.fee.bhm_tiyin));
    assert.equal(body.fee.online_amount_tiyin, Math.round(body.fee.amount_tiyin * (100 - body.fee.online_discount_percent) / 100));
  }
});

test('GET /api/v1/agencies and /agencies/{id}', async () => {
  const list = (await get('/api/v1/agencies?per_page=100&lang=en')).body;
  assert.ok(list.total >= 50);
  const migration = (await get('/api/v1/agencies/migration?lang=en')).body;
  assert.equal(migration.parent.id, 'internal-affairs');
  assert.ok(migration.services > 0);
});

test('GET /api/v1/search finds a service whatever the script or language', async () => {
  for (const q of ['pasport', 'паспорт', 'passport', 'pasprot', 'ПАСПОРТ']) {
    const { status, body } = await get(`/api/v1/search?q=${encodeURIComponent(q)}&per_page=5`);
    assert.equal(status, 200, q);
    assert.ok(body.items.some((s: { id: string }) => s.id.startsWith('passport') || s.id.startsWith('id-card')), `${q}: ${body.items.map((s: { id: string }) => s.id)}`);
  }
});

test('bad input gets a clear problem, never a 500 and never an echo that executes', async () => {
  const cases: [string, number, string][] = [
    [`/api/v1/search?q=${'a'.repeat(10000)}`, 400, 'validation'],
    ['/api/v1/search?q=', 400, 'validation'],
    ['/api/v1/search?q=pasport&lang=xx', 400, 'validation'],
    ['/api/v1/services?page=abc', 400, 'validation'],
    ['/api/v1/services?page=-1', 400, 'validation'],
    ['/api/v1/services?per_page=1000', 400, 'validation'],
    ['/api/v1/services?sphere=nope', 400, 'catalog.bad-filter'],
    ['/api/v1/services/no-such-service', 404, 'catalog.service-not-found'],
    ['/api/v1/agencies/no-such-agency', 404, 'catalog.agency-not-found'],
  ];
  for (const [path, status, code] of cases) {
    const res = await get(path);
    assert.equal(res.status, status, path.slice(0, 80));
    assert.match(res.type, /application\/problem\+json/, path.slice(0, 80));
    assert.equal(res.body.code, code, path.slice(0, 80));
    assert.ok(res.body.title && res.body.detail, path.slice(0, 80));
  }
  for (const q of ["'; drop table catalog_service; --", '<script>alert(1)</script>', 'pas\u0000port\u0007', '%%%', '\u202e']) {
    const res = await get(`/api/v1/search?q=${encodeURIComponent(q)}`);
    assert.ok(res.status === 200 || res.status === 400, `${q}: ${res.status}`);
  }
  assert.equal((await get('/api/v1/services/passport-travel')).status, 200, 'the table is still there');
});

test('OpenAPI 3.1 describes the API and the docs page shows it', async () => {
  const { body } = await get('/api/openapi.json');
  assert.equal(body.openapi, '3.1.0');
  for (const path of ['/api/v1/spheres', '/api/v1/agencies', '/api/v1/agencies/{id}', '/api/v1/services', '/api/v1/services/{id}', '/api/v1/search']) {
    assert.ok(body.paths[path]?.get, path);
  }
  const docs = await get('/api/docs', { accept: 'text/html' });
  assert.equal(docs.status, 200);
  assert.match(docs.body, /\/api\/v1\/search/);
});
