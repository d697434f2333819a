// An Open311 client through real HTTP, in both formats: discovery, services, a definition,
// filing by point and by address, the spec's errors, tokens, lookups and filters, a retried
// POST, the per-key rate limit; and the administrator's page that issues the keys.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { DEMO_ACCOUNTS } from '../../identity/index.js';
import { csrfFor, signIn, startTestApp, type TestApp } from '../../testing.js';
import type { AppealsApi } from '../types.js';
import { issueClient } from './clients.js';
import { childText, parseXml, record, type XmlNode } from './xml-reader.js';

let app: TestApp;
let appeals: AppealsApi;
let key: string;
const CITIZEN = DEMO_ACCOUNTS.find((a) => a.role === 'citizen')!;
const ADMIN = DEMO_ACCOUNTS.find((a) => a.role === 'admin')!;
const LOCAL = 'roads-potholes';
const V2 = '/open311/v2';
const TASHKENT = { lat: '41.3111', long: '69.2797' };

before(async () => {
  app = await startTestApp();
  appeals = (app.modules.find((m) => m.name === 'appeals') as unknown as { service: AppealsApi }).service;
  // The key comes the way an administrator hands it out: from the back office's page.
  const admin = await signIn(app, ADMIN.id, { audience: 'office' });
  const csrf = await csrfFor(app, '/en/office/open311', admin);
  const page = await app.server.inject({
    method: 'POST', url: '/en/office/open311/clients',
    headers: { cookie: `${admin}; ${csrf.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf.token, name: 'Mahalla app', contact: 'dev@mahalla.example' }).toString(),
  });
  assert.equal(page.statusCode, 201, page.body);
  key = /data-testid="open311-key">([^<]+)</.exec(page.body)![1]!;
});
after(() => app.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${app.url}${V2}${path}`, { headers });
function post(format: 'json' | 'xml', fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${app.url}${V2}/requests.${format}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString(),
  });
}
async function xml(response: Response): Promise<XmlNode> {
  assert.match(response.headers.get('content-type') ?? '', /^text\/xml; charset=utf-8/);
  return parseXml(await response.text());
}
async function json<T = Record<string, unknown>[]>(response: Response): Promise<T> {
  assert.match(response.headers.get('content-type') ?? '', /^application\/json; charset=utf-8/);
  return response.json() as Promise<T>;
}
const report = (extra: Record<string, string> = {}) => ({
  api_key: key, service_code: LOCAL, ...TASHKENT,
  description: 'A deep pothole in front of the school at the crossing; two cars broke a wheel this week.',
  'attribute[summary]': 'Deep pothole in front of school No. 110',
  email: 'reporter@example.uz', phone: '+998 90 765-43-21', first_name: 'Zarina', last_name: 'Ergasheva',
  ...extra,
});

test('discovery in both formats points at this API', async () => {
  const j = await json<{ endpoints: { specification: string; url: string; formats: string[]; type: string }[]; changeset: string }>(await get('/discovery.json'));
  assert.deepEqual(j.endpoints[0], { specification: 'http://wiki.open311.org/GeoReport_v2', url: `${app.url}/open311/v2`, changeset: j.changeset, type: 'production', formats: ['text/xml', 'application/json'] });
  const x = await xml(await get('/discovery.xml'));
  assert.equal(x.name, 'discovery');
  const endpoint = x.children.find((c) => c.name === 'endpoints')!.children[0]!;
  assert.equal(childText(endpoint, 'url'), `${app.url}/open311/v2`);
  assert.deepEqual(endpoint.children.find((c) => c.name === 'formats')!.children.map((c) => c.text), ['text/xml', 'application/json']);
});

test('services: every topic, named in the language asked, grouped by sphere', async () => {
  const list = await json<Record<string, unknown>[]>(await get('/services.json?locale=en'));
  assert.equal(list.length, appeals.topics().length);
  const potholes = list.find((s) => s.service_code === LOCAL)!;
  assert.deepEqual(Object.keys(potholes), ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group']);
  assert.equal(potholes.service_name, appeals.topic(LOCAL)!.name.en);
  assert.equal(potholes.metadata, true);
  assert.equal(potholes.type, 'realtime');
  assert.ok(typeof potholes.group === 'string' && potholes.group.length > 0 && potholes.group !== appeals.topic(LOCAL)!.sphereId, 'the sphere by name');
  const passport = list.find((s) => s.service_code === 'passport-delay')!;
  assert.match(String(passport.description), /^Goes to .+\.$/, 'an agency topic names its agency');
  const ru = await xml(await get('/services.xml', { 'accept-language': 'ru-RU,ru;q=0.9' }));
  assert.equal(ru.name, 'services');
  assert.equal(ru.children.length, list.length);
  assert.equal(childText(ru.children.find((s) => childText(s, 'service_code') === LOCAL)!, 'service_name'), appeals.topic(LOCAL)!.name.ru);
  const uz = await json<Record<string, unknown>[]>(await get('/services.json'));
  assert.equal(uz.find((s) => s.service_code === LOCAL)!.service_name, appeals.topic(LOCAL)!.name.uz, 'uz by default');
});

test('a service definition: the kind as a list, the summary required', async () => {
  const j = await json<{ service_code: string; attributes: Record<string, unknown>[] }>(await get(`/services/${LOCAL}.json?locale=en`));
  assert.equal(j.service_code, LOCAL);
  assert.deepEqual(j.attributes.map((a) => [a.code, a.datatype, a.required, a.order]), [['kind', 'singlevaluelist', false, 1], ['summary', 'string', true, 2]]);
  assert.deepEqual((j.attributes[0]!.values as { key: string }[]).map((v) => v.key), ['statement', 'proposal', 'complaint']);
  const x = await xml(await get(`/services/${LOCAL}.xml?locale=en`));
  assert.equal(x.name, 'service_definition');
  const kind = x.children.find((c) => c.name === 'attributes')!.children[0]!;
  assert.equal(kind.name, 'attribute');
  assert.deepEqual(record(kind.children.find((c) => c.name === 'values')!.children[2]!), { key: 'complaint', name: 'Complaint' });
  for (const format of ['json', 'xml'] as const) {
    const missing = await get(`/services/no-such-thing.${format}?locale=en`);
    assert.equal(missing.status, 404);
    const errors = format === 'json' ? await json(missing) : (await xml(missing)).children.map(record);
    assert.deepEqual(errors, [{ code: format === 'json' ? 404 : '404', description: 'There is no service “no-such-thing”.' }]);
  }
});

let byPoint: { service_request_id: string; token: string };

test('POST with lat/long files an ordinary appeal for the client, the author external', async () => {
  const response = await post('json', report());
  assert.equal(response.status, 200);
  const body = await json<{ service_request_id: string; token: string; service_notice: string; account_id: null }[]>(response);
  assert.equal(body.length, 1);
  byPoint = body[0]!;
  assert.match(byPoint.service_request_id, /^M-\d{4}-\d{7}$/);
  assert.ok(byPoint.token.length >= 20);
  assert.match(body[0]!.service_notice, new RegExp(byPoint.service_request_id));
  const row = await app.ctx.db.selectFrom('appeals_appeal').selectAll().where('number', '=', byPoint.service_request_id).executeTakeFirstOrThrow();
  const client = await app.ctx.db.selectFrom('appeals_client').selectAll().where('name', '=', 'Mahalla app').executeTakeFirstOrThrow();
  assert.equal(row.channel, 'open311');
  assert.equal(row.client_id, client.id);
  assert.equal(row.token, byPoint.token);
  assert.equal(row.author_kind, 'external');
  assert.equal(row.author_name, 'Zarina Ergasheva');
  assert.deepEqual(row.author_contact, { email: 'reporter@example.uz', phone: '+998 90 765-43-21' });
  assert.equal(row.kind, 'statement');
  assert.equal(row.locale, 'uz');
  assert.equal(row.region, 'tashkent-city', 'the district found from the point');
  assert.ok(row.agency_id.startsWith('hokimiyat'), row.agency_id);
  assert.equal(client.key_hash, createHash('sha256').update(key).digest('hex'), 'only the hash of the key is kept');
});

let byAddress: string;

test('POST with an address and a district (address_id), answered in XML', async () => {
  const response = await post('xml', report({
    lat: '', long: '', address_string: 'Amir Temur shoh koʻchasi 108, Yunusobod', address_id: 'yunusobod',
    'attribute[kind]': 'complaint', description: 'Street light <b>broken</b> & dark for a week; children walk here at night.', locale: 'en',
    email: '', phone: '', first_name: '', last_name: '',
  }));
  assert.equal(response.status, 200);
  const root = await xml(response);
  assert.equal(root.name, 'service_requests');
  const request = record(root.children[0]!);
  assert.deepEqual(Object.keys(request), ['service_request_id', 'token', 'service_notice', 'account_id']);
  assert.match(request.service_notice!, /^Registered as appeal M-/, 'in the locale the form asked for');
  byAddress = request.service_request_id!;
  const row = await app.ctx.db.selectFrom('appeals_appeal').selectAll().where('number', '=', byAddress).executeTakeFirstOrThrow();
  assert.deepEqual([row.kind, row.district, row.region, row.lat, row.address], ['complaint', 'yunusobod', 'tashkent-city', null, 'Amir Temur shoh koʻchasi 108, Yunusobod']);
  assert.equal(row.body, 'Street light <b>broken</b> & dark for a week; children walk here at night.', 'HTML kept as typed');
  assert.equal(row.author_name, 'Reporter via Mahalla app');
  assert.deepEqual(row.author_contact, {});
});

test('a bad or missing api_key is 403 in the spec format, and files nothing', async () => {
  const before = await countAppeals();
  for (const format of ['json', 'xml'] as const) {
    for (const [fields, text] of [[report({ api_key: 'o311_guess' }), 'api_key is not valid or has been revoked.'], [report({ api_key: '' }), 'api_key is required to file a request.']] as const) {
      const response = await post(format, { ...fields, locale: 'en' });
      assert.equal(response.status, 403);
      const errors = format === 'json' ? await json(response) : (await xml(response)).children.map(record);
      assert.deepEqual(errors, [{ code: format === 'json' ? 403 : '403', description: text }]);
    }
  }
  // A revoked key stops at once.
  const other = await issueClient(app.ctx.db, { name: 'Old app', contact: 'x@example.uz' });
  assert.equal((await post('json', report({ api_key: other.key, description: 'Another pothole near the market, deep enough to break a wheel.' }))).status, 200);
  await app.ctx.db.updateTable('appeals_client').set({ revoked_at: new Date() }).where('id', '=', other.id).execute();
  assert.equal((await post('json', report({ api_key: other.key }))).status, 403);
  assert.equal(await countAppeals(), before + 1);
});

test('a missing service_code is 400 in the spec format, in the language asked', async () => {
  const { service_code: _, ...fields } = report();
  const ru = await post('json', fields, { 'accept-language': 'ru' });
  assert.equal(ru.status, 400);
  assert.deepEqual(await json(ru), [{ code: 400, description: 'Нужен service_code.' }]);
  const x = await post('xml', { ...fields, locale: 'en' });
  assert.equal(x.status, 400);
  assert.deepEqual((await xml(x)).children.map(record), [{ code: '400', description: 'service_code is required.' }]);
});

test('a point outside the country, bad fields and a wrong body are 400, nothing filed', async () => {
  const before = await countAppeals();
  const paris = await post('json', report({ lat: '48.8566', long: '2.3522', locale: 'en' }));
  assert.equal(paris.status, 400);
  assert.deepEqual(await json(paris), [{ code: 400, description: 'lat/long: The point on the map lies outside Uzbekistan.' }]);
  const several = await post('xml', report({ description: 'short', 'attribute[summary]': 'ok', 'attribute[kind]': 'threat', locale: 'en' }));
  assert.equal(several.status, 400);
  const texts = (await xml(several)).children.map((e) => childText(e, 'description'));
  assert.deepEqual(texts, ['attribute[kind] cannot be “threat”; see the service definition for the allowed keys.'], 'our own checks come first');
  const short = await post('json', report({ description: 'short', 'attribute[summary]': 'ok', locale: 'en' }));
  const shortErrors = await json<{ description: string }[]>(short);
  assert.equal(short.status, 400);
  assert.ok(shortErrors.some((e) => e.description.startsWith('description: ')), JSON.stringify(shortErrors));
  assert.ok(shortErrors.some((e) => e.description.startsWith('attribute[summary]: ')), JSON.stringify(shortErrors));
  const asJson = await fetch(`${app.url}${V2}/requests.json?locale=en`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report()) });
  assert.equal(asJson.status, 400);
  assert.deepEqual(await json(asJson), [{ code: 400, description: 'Send the request as application/x-www-form-urlencoded.' }]);
  const huge = await post('json', report({ description: 'x'.repeat(70_000) }));
  assert.equal(huge.status, 413);
  assert.equal((await json<{ code: number }[]>(huge))[0]!.code, 413);
  assert.equal(await countAppeals(), before);
});

test('a retried POST makes one appeal: same body, or same Idempotency-Key', async () => {
  const fields = report({ description: 'Water has been off in our building since Monday morning; nobody answers the phone.', service_code: 'water-outage' });
  const first = (await json<{ service_request_id: string }[]>(await post('json', fields)))[0]!;
  const again = (await json<{ service_request_id: string }[]>(await post('json', fields)))[0]!;
  assert.equal(again.service_request_id, first.service_request_id);
  const headers = { 'idempotency-key': 'retry-7f3a' };
  const one = (await json<{ service_request_id: string }[]>(await post('json', report({ description: 'Heating is off in block 4 since yesterday evening, the flat is cold.', service_code: 'heating' }), headers)))[0]!;
  // A client that rebuilds its form (the text edited) but keeps its key: still the first appeal.
  const two = await xml(await post('xml', report({ description: 'Heating is off in block 4 since yesterday evening, the flat is cold!', service_code: 'heating' }), headers));
  assert.equal(childText(two.children[0]!, 'service_request_id'), one.service_request_id);
  assert.notEqual(first.service_request_id, one.service_request_id);
  assert.equal(await countAppeals({ numbers: [first.service_request_id] }), 1);
  const rows = await app.ctx.db.selectFrom('appeals_appeal').select('number').where('topic_id', 'in', ['heating', 'water-outage']).where('channel', '=', 'open311').execute();
  assert.deepEqual(rows.map((r) => r.number).sort(), [first.service_request_id, one.service_request_id].sort());
  // Two copies at once (a client that timed out and retried at the same moment): still one.
  const twin = report({ description: 'Garbage has not been collected in our street for nine days now.', service_code: 'roads-potholes' });
  const twins = await Promise.all([post('json', twin), post('json', twin)]);
  const numbers = await Promise.all(twins.map(async (r) => (await json<{ service_request_id: string }[]>(r))[0]!.service_request_id));
  assert.equal(numbers[0], numbers[1]);
  assert.equal(await countAppeals({ numbers }), 1);
  const badKey = await post('json', report(), { 'idempotency-key': 'k'.repeat(201) });
  assert.equal(badKey.status, 400);
});

test('tokens/{token} names the request; an unknown token is 404', async () => {
  assert.deepEqual(await json(await get(`/tokens/${byPoint.token}.json`)), [{ service_request_id: byPoint.service_request_id, token: byPoint.token }]);
  const x = await xml(await get(`/tokens/${byPoint.token}.xml`));
  assert.deepEqual([x.name, record(x.children[0]!)], ['service_requests', { service_request_id: byPoint.service_request_id, token: byPoint.token }]);
  const missing = await get('/tokens/nope.json?locale=en');
  assert.equal(missing.status, 404);
  assert.deepEqual(await json(missing), [{ code: 404, description: 'There is no request with this token yet.' }]);
});

test('requests/{id}: the request in full, HTML escaped in XML, no personal data', async () => {
  const [j] = await json<Record<string, unknown>[]>(await get(`/requests/${byAddress}.json?locale=en`));
  assert.deepEqual(Object.keys(j!), ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
    'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'lat', 'long', 'media_url']);
  assert.equal(j!.status, 'open');
  assert.equal(j!.service_code, LOCAL);
  assert.equal(j!.description, 'Street light <b>broken</b> & dark for a week; children walk here at night.');
  assert.equal(j!.address_id, 'yunusobod');
  assert.match(String(j!.requested_datetime), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:00$/);
  assert.ok(String(j!.agency_responsible).length > 0 && !String(j!.agency_responsible).startsWith('hokimiyat-'), 'the agency by name');
  const response = await get(`/requests/${byAddress}.xml?locale=en`);
  const text = await response.clone().text();
  assert.match(text, /<description>Street light &lt;b&gt;broken&lt;\/b&gt; &amp; dark for a week; children walk here at night\.<\/description>/);
  const x = await xml(response);
  assert.equal(childText(x.children[0]!, 'description'), 'Street light <b>broken</b> & dark for a week; children walk here at night.');
  const point = await (await get(`/requests/${byPoint.service_request_id}.json`)).text();
  for (const secret of ['reporter@example.uz', '765-43-21', 'Zarina', 'Ergasheva']) assert.ok(!point.includes(secret), `${secret} is not shown`);
  assert.match(point, /"lat":41\.3111,"long":69\.2797/);
  const missing = await get('/requests/M-1999-0000001.xml?locale=en');
  assert.equal(missing.status, 404);
  assert.deepEqual((await xml(missing)).children.map(record), [{ code: '404', description: 'There is no request “M-1999-0000001”.' }]);
});

test('an appeal from the portal is listed without its text, place or author', async () => {
  const filed = await appeals.file({
    kind: 'complaint', topicId: LOCAL, summary: 'Pothole near my house', body: 'My name is Aziz, I live at Navoi 5, flat 12; the road in front is broken.',
    locale: 'uz', author: { kind: 'person', personId: CITIZEN.id, name: 'Aziz' }, channel: 'portal',
    place: { lat: 41.3, lon: 69.25, address: 'Navoi 5, flat 12' }, idempotencyKey: 'portal-1',
  });
  const [j] = await json<Record<string, unknown>[]>(await get(`/requests/${filed.number}.json?locale=en`));
  assert.equal(j!.description, undefined);
  assert.equal(j!.lat, null);
  assert.equal(j!.long, null);
  assert.doesNotMatch(JSON.stringify(j), /Navoi|Aziz|flat 12/);
  assert.equal(j!.address_id, filed.district);
  assert.equal(j!.status, 'open');
});

test('requests: filters by id list, service_code, status and dates; the spec window by default', async () => {
  const ids = (list: Record<string, unknown>[]) => list.map((r) => r.service_request_id as string);
  const both = await json(await get(`/requests.json?service_request_id=${byPoint.service_request_id},${byAddress}`));
  assert.deepEqual(ids(both).sort(), [byPoint.service_request_id, byAddress].sort());

  const byService = await json(await get(`/requests.json?service_code=${LOCAL}`));
  assert.ok(byService.every((r) => r.service_code === LOCAL) && ids(byService).includes(byAddress));
  assert.ok(!ids(await json(await get('/requests.json?service_code=heating'))).includes(byAddress));

  // The address appeal is answered: closed to Open311, with the answer for its reporter.
  await app.ctx.db.updateTable('appeals_appeal').set({ state: 'answered', answered_at: new Date(), answer: 'The lamp was replaced on Tuesday.' }).where('number', '=', byAddress).execute();
  const open = ids(await json(await get('/requests.json?status=open')));
  const closed = await json(await get('/requests.json?status=closed&locale=en'));
  assert.ok(open.includes(byPoint.service_request_id) && !open.includes(byAddress));
  assert.deepEqual(ids(closed).includes(byAddress) && !ids(closed).includes(byPoint.service_request_id), true);
  const answered = closed.find((r) => r.service_request_id === byAddress)!;
  assert.equal(answered.status, 'closed');
  assert.match(String(answered.status_notes), /^Answered on .+ Answer: The lamp was replaced on Tuesday\.$/);
  assert.equal(answered.service_notice, null);
  assert.equal((await json(await get('/requests.json?status=open,closed'))).length >= 2, true);

  const hour = 3600_000;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  const around = await json(await get(`/requests.json?start_date=${iso(Date.now() - hour)}&end_date=${iso(Date.now() + hour)}`));
  assert.ok(ids(around).includes(byPoint.service_request_id));
  const earlier = await json(await get(`/requests.json?start_date=${iso(Date.now() - 30 * 24 * hour)}&end_date=${iso(Date.now() - 2 * hour)}`));
  assert.ok(!ids(earlier).includes(byPoint.service_request_id));
  // An offset with its + unencoded arrives as a space, and is still read.
  const local = new Date(Date.now() + 5 * hour - hour).toISOString().slice(0, 19);
  assert.ok(ids(await json(await get(`/requests.json?start_date=${local}+05:00`))).includes(byPoint.service_request_id));
  const x = await xml(await get(`/requests.xml?service_code=${LOCAL}&status=open`));
  assert.equal(x.name, 'service_requests');
  assert.ok(x.children.every((r) => r.name === 'request' && childText(r, 'status') === 'open'));

  for (const [query, text] of [
    ['status=pending', 'status cannot be “pending”: use open or closed.'],
    ['start_date=2026-01-01&end_date=2026-06-01', 'start_date and end_date may be at most 90 days apart.'],
    ['start_date=yesterday', 'start_date must be a w3c date, e.g. 2026-11-23T09:30:00+05:00.'],
    ['start_date=2026-06-01&end_date=2026-05-01', 'start_date must come before end_date.'],
    ['service_code=nope', 'There is no service with service_code “nope”.'],
  ]) {
    const response = await get(`/requests.json?${query}&locale=en`);
    assert.equal(response.status, 400, query);
    assert.deepEqual(await json(response), [{ code: 400, description: text }], query);
  }
});

test('an unknown jurisdiction or resource is 404 in the spec format', async () => {
  const response = await get('/services.json?jurisdiction_id=tashkent.gov&locale=en');
  assert.equal(response.status, 404);
  assert.deepEqual(await json(response), [{ code: 404, description: 'There is no jurisdiction “tashkent.gov”; this server serves “uz”.' }]);
  assert.equal((await get('/services.json?jurisdiction_id=uz')).status, 200);
  const nothing = await get('/nothing.xml?locale=en');
  assert.equal(nothing.status, 404);
  assert.deepEqual((await xml(nothing)).children.map(record), [{ code: '404', description: 'There is no such resource in this API.' }]);
});

test('a flood from one key is stopped with 429 in the spec format; other keys go on', async () => {
  const flood = await issueClient(app.ctx.db, { name: 'Flood', contact: 'f@example.uz' });
  const fields = report({ api_key: flood.key, description: 'The same report sent again and again by a client stuck in a loop.' });
  const statuses: number[] = [];
  for (let i = 0; i < 60; i++) statuses.push((await post('json', fields)).status);
  assert.deepEqual([...new Set(statuses)], [200]);
  const stopped = await post('xml', { ...fields, locale: 'en' });
  assert.equal(stopped.status, 429);
  assert.ok(Number(stopped.headers.get('retry-after')) > 0);
  const [error] = (await xml(stopped)).children.map(record);
  assert.equal(error!.code, '429');
  assert.match(error!.description!, /^Please wait \d+ seconds and try again\.$/);
  assert.equal((await post('json', report({ description: 'A different client reports a broken lamp on the corner of the park.' }))).status, 200);
  assert.equal(await countAppeals({ clientName: 'Flood' }), 1, 'the loop made one appeal');
});

test('the administrator page lists clients and revokes a key; others may not open it', async () => {
  const admin = await signIn(app, ADMIN.id, { audience: 'office' });
  const page = await app.server.inject({ url: '/ru/office/open311', headers: { cookie: admin } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Клиенты Open311/);
  assert.match(page.body, /Mahalla app/);
  assert.ok(!page.body.includes(key), 'the key is never shown again');
  const csrf = await csrfFor(app, '/en/office/open311', admin);
  const bad = await app.server.inject({
    method: 'POST', url: '/en/office/open311/clients',
    headers: { cookie: `${admin}; ${csrf.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf.token, name: 'x', contact: '' }).toString(),
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /error-summary/);
  assert.match(bad.body, /Give the application&#39;s name|Give the application's name/);
  const client = await app.ctx.db.selectFrom('appeals_client').select('id').where('name', '=', 'Mahalla app').executeTakeFirstOrThrow();
  const revoke = await app.server.inject({
    method: 'POST', url: `/en/office/open311/clients/${client.id}/revoke`,
    headers: { cookie: `${admin}; ${csrf.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `_csrf=${encodeURIComponent(csrf.token)}`,
  });
  assert.equal(revoke.statusCode, 303);
  assert.equal((await post('json', report())).status, 403, 'the revoked key is refused at once');
  const audit = await app.ctx.db.selectFrom('identity_audit').select('action').where('subject', '=', client.id).execute();
  assert.deepEqual(audit.map((a) => a.action).sort(), ['open311.client-issued', 'open311.client-revoked']);
  const officer = await signIn(app, DEMO_ACCOUNTS.find((a) => a.role === 'officer')!.id, { audience: 'office' });
  assert.equal((await app.server.inject({ url: '/en/office/open311', headers: { cookie: officer } })).statusCode, 403);
});

async function countAppeals(filter: { numbers?: string[]; clientName?: string } = {}): Promise<number> {
  let q = app.ctx.db.selectFrom('appeals_appeal').select((eb) => eb.fn.countAll<number>().as('n'));
  if (filter.numbers) q = q.where('number', 'in', filter.numbers);
  if (filter.clientName) q = q.where('client_id', 'in', app.ctx.db.selectFrom('appeals_client').select('id').where('name', '=', filter.clientName));
  return Number((await q.executeTakeFirstOrThrow()).n);
}
