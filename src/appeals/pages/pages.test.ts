import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { ApplicationsModule } from '../../applications/index.js';
import { DEMO_ACCOUNTS } from '../../identity/index.js';
import { csrfFor, signIn, startTestApp, type TestApp } from '../../testing.js';
import type { AppealsModule } from '../index.js';

const person = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!.id;
const CITIZEN = person('citizen'); // lives in Tashkent city, Yunusabad
const FOREIGNER = person('foreigner');
const OFFICER = person('officer');
const HEAD = person('head');
const OTHER_DISTRICT = person('editor'); // given an officer role in another district below
const DIRECTOR = person('director');
const BARAKA = '00000000-0000-4000-9000-000000000001';
const HOKIMIYAT = 'hokimiyat-tashkent-city';
// Yunusabad, Tashkent: inside the country and the district.
const POINT = { lat: '41.3650', lon: '69.2850' };

let app: TestApp;
let appeals: AppealsModule;

before(async () => {
  app = await startTestApp();
  appeals = app.modules.find((m) => m.name === 'appeals') as AppealsModule;
  const role = (person_id: string, r: 'officer' | 'head', district: string | null, position: string | null) => ({
    id: randomUUID(), person_id, role: r, agency_id: HOKIMIYAT, unit: r === 'officer' ? 'appeals' : null, region: r === 'officer' ? 'tashkent-city' : null,
    district, position, granted_by: null, revoked_at: null,
  });
  await app.ctx.db.insertInto('identity_role').values([
    role(OFFICER, 'officer', 'yunusobod', 'Inspector'), role(HEAD, 'head', null, 'Deputy hokim'), role(OTHER_DISTRICT, 'officer', 'chilonzor', null),
  ]).execute();
});
after(() => app.close());

const cookieOf = async (id: string, office = false, actingFor?: string) => signIn(app, id, { audience: office ? 'office' : 'portal', actingFor });
const tokenFor = (cookie: string) => csrfFor(app, cookie.startsWith('osid=') ? '/en/office' : '/en/cabinet', cookie);

async function post(url: string, cookie: string, form: Record<string, string | string[]>, withCsrf = true) {
  const csrf = await tokenFor(cookie);
  const body = new URLSearchParams(withCsrf ? { _csrf: csrf.token } : {});
  for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
  return app.server.inject({ method: 'POST', url, headers: { cookie: `${cookie}; ${csrf.cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
}

async function postForm(url: string, cookie: string, fields: Record<string, string>, files: { name: string; type: string; data: Buffer }[] = [], withCsrf = true) {
  const csrf = await tokenFor(cookie);
  const form = new FormData();
  if (withCsrf) form.set('_csrf', csrf.token);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  for (const f of files) form.append('attachments', new Blob([new Uint8Array(f.data)], { type: f.type }), f.name);
  const request = new Request('http://x/', { method: 'POST', body: form });
  return app.server.inject({
    method: 'POST', url: withCsrf ? `${url}?_csrf=${encodeURIComponent(csrf.token)}` : url, payload: Buffer.from(await request.arrayBuffer()),
    headers: { cookie: `${cookie}; ${csrf.cookie}`, 'content-type': request.headers.get('content-type')! },
  });
}

const complaint = (over: Record<string, string> = {}) => ({
  idempotency: randomUUID(), kind: 'complaint', topic: 'roads-potholes', summary: 'Pothole on Amir Temur street',
  body: 'A deep pothole in front of house 108 has damaged two cars this week. <b>Please</b> repair it.', region: 'tashkent-city', district: 'yunusobod',
  address: 'Amir Temur koʻchasi, 108', ...POINT, ...over,
});

/** Whether a tab lists the number, on any of its pages (the demo appeals fill the lists too). */
async function inTab(cookie: string, tab: string, number: string): Promise<boolean> {
  for (let page = 1; page < 50; page++) {
    const res = await app.server.inject({ url: `/en/office/appeals?tab=${tab}&page=${page}`, headers: { cookie } });
    assert.equal(res.statusCode, 200);
    if (res.body.includes(`>${number}</a>`)) return true;
    if (!res.body.includes('rel="next"')) return false;
  }
  return false;
}

/** Files an appeal through the portal's form; returns its id from the redirect. */
async function file(cookie: string, fields = complaint(), l = 'en'): Promise<string> {
  const res = await postForm(`/${l}/appeals/new`, cookie, fields);
  assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
  const id = /\/cabinet\/appeals\/([0-9a-f-]{36})\?done=filed$/.exec(String(res.headers.location))?.[1];
  assert.ok(id, String(res.headers.location));
  return id;
}

test('the new-appeal form: topics by sphere, the map with its script, a preselected topic, a fresh idempotency key each time', async () => {
  const cookie = await cookieOf(CITIZEN);
  const page = await app.server.inject({ url: '/en/appeals/new?topic=street-lighting', headers: { cookie } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<optgroup label="[^"]+">/);
  assert.match(page.body, /<option value="street-lighting" selected/);
  assert.match(page.body, /<svg[^>]+id="appeal-map"/);
  assert.match(page.body, /<script src="\/assets\/appeals-map\.js\?v=\w+" defer>/);
  assert.match(page.body, /enctype="multipart\/form-data"/);
  const key = /name="idempotency" value="([^"]+)"/.exec(page.body)?.[1];
  const again = await app.server.inject({ url: '/en/appeals/new', headers: { cookie } });
  assert.notEqual(/name="idempotency" value="([^"]+)"/.exec(again.body)?.[1], key);
  const script = await app.server.inject({ url: '/assets/appeals-map.js' });
  assert.equal(script.statusCode, 200);
  assert.equal((await app.server.inject({ url: '/en/appeals/new' })).statusCode, 303, 'to sign-in');
});

test('filing: redirect to the appeal with its number; the same form sent twice makes one appeal; HTML stays text', async () => {
  const cookie = await cookieOf(CITIZEN);
  const fields = complaint();
  const id = await file(cookie, fields);
  assert.equal(await file(cookie, fields), id, 'a double submit makes one appeal');
  const a = (await appeals.service.get(id))!;
  assert.equal(a.agencyId, HOKIMIYAT);
  assert.equal(a.district, 'yunusobod');
  assert.equal(a.lat, 41.365);
  assert.equal(a.authorKind, 'person');
  const page = await app.server.inject({ url: `/en/cabinet/appeals/${id}?done=filed`, headers: { cookie } });
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes(`Your appeal is registered under number ${a.number}`));
  assert.ok(page.body.includes('&lt;b>Please&lt;/b>') && !page.body.includes('<b>Please'), 'the text is shown as typed, not as HTML');
  assert.match(page.body, /class="appeal-map__point"[^>]*visibility="visible"/);
  const list = await app.server.inject({ url: '/en/cabinet/appeals', headers: { cookie } });
  assert.ok(list.body.includes(a.number));
  assert.match(list.body, /aria-current="page"><strong>My appeals/);
});

test('bad input is refused beside each field, in the user\'s language, and nothing is filed', async () => {
  const cookie = await cookieOf(CITIZEN);
  const before = await app.ctx.db.selectFrom('appeals_appeal').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const empty = await postForm('/ru/appeals/new', cookie, { idempotency: randomUUID() });
  assert.equal(empty.statusCode, 400);
  for (const text of ['Выберите вид обращения', 'Выберите тему из списка', 'Кратко опишите суть обращения', 'Напишите текст обращения']) assert.ok(empty.body.includes(text), text);
  assert.match(empty.body, /class="error-summary"/);
  assert.match(empty.body, /href="#summary"/);
  // A local matter without a place; a half point; a district of another region.
  const nowhere = await postForm('/en/appeals/new', cookie, complaint({ region: '', district: '', lat: '', lon: '' }));
  assert.equal(nowhere.statusCode, 400);
  assert.ok(nowhere.body.includes('Name the region and district, or mark the place on the map'));
  const half = await postForm('/en/appeals/new', cookie, complaint({ lon: '' }));
  assert.ok(half.body.includes('Give both the latitude and the longitude'));
  const wrong = await postForm('/en/appeals/new', cookie, complaint({ region: 'samarkand' }));
  assert.ok(wrong.body.includes('Choose a district of the chosen region'));
  // A point outside the country, in the page's language.
  const outside = await postForm('/uz/appeals/new', cookie, complaint({ region: '', district: '', lat: '48.85', lon: '2.35' }));
  assert.equal(outside.statusCode, 400);
  assert.match(outside.body, /id="lat-error">Nuqta Oʻzbekistondan tashqarida/);
  // The service's own check, beside the field: a file that is no PDF, whatever its name says; what was typed is kept.
  const disguised = await postForm('/en/appeals/new', cookie, complaint(), [{ name: 'photo.pdf', type: 'application/pdf', data: Buffer.from('MZ this is no PDF') }]);
  assert.equal(disguised.statusCode, 400);
  assert.match(disguised.body, /id="attachments-error"/);
  assert.doesNotMatch(disguised.body, /appeals\.core\./, 'the service\'s message, translated');
  assert.ok(disguised.body.includes('Pothole on Amir Temur street'));
  const after = await app.ctx.db.selectFrom('appeals_appeal').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(after.n), Number(before.n));
});

test('without the CSRF token a form is refused', async () => {
  const cookie = await cookieOf(CITIZEN);
  assert.equal((await postForm('/en/appeals/new', cookie, complaint(), [], false)).statusCode, 403);
  const id = await file(cookie);
  assert.equal((await post(`/en/cabinet/appeals/${id}/complain`, cookie, { reason: 'x' }, false)).statusCode, 403);
  const head = await cookieOf(HEAD, true);
  assert.equal((await post(`/en/office/appeals/${id}/assign`, head, { executor: OFFICER }, false)).statusCode, 403);
});

test('only the author sees an appeal; officers of another district do not; the status page shows no personal data', async () => {
  const cookie = await cookieOf(CITIZEN);
  const id = await file(cookie, complaint(), 'en');
  const a = (await appeals.service.get(id))!;
  const other = await cookieOf(FOREIGNER);
  assert.equal((await app.server.inject({ url: `/en/cabinet/appeals/${id}`, headers: { cookie: other } })).statusCode, 404);
  assert.equal((await post(`/en/cabinet/appeals/${id}/rate`, other, { stars: '5' })).statusCode, 404);
  const elsewhere = await cookieOf(OTHER_DISTRICT, true);
  assert.equal((await app.server.inject({ url: `/en/office/appeals/${id}`, headers: { cookie: elsewhere } })).statusCode, 404);
  assert.equal((await post(`/en/office/appeals/${id}/forward`, elsewhere, { agency: 'water-supply', 'forward-reason': 'Not ours' })).statusCode, 404);
  assert.ok(!(await inTab(elsewhere, 'all', a.number)), 'not in the other district\'s lists');
  const status = await app.server.inject({ url: `/en/appeals/status?number=${a.number}` });
  assert.equal(status.statusCode, 200);
  assert.ok(status.body.includes(a.number));
  assert.ok(!status.body.includes('Karimov') && !status.body.includes('Amir Temur'), 'neither the author nor the text');
  assert.equal((await app.server.inject({ url: '/en/appeals/status?number=M-2020-0000001' })).statusCode, 404);
  const bad = await app.server.inject({ url: '/ru/appeals/status?number=abc' });
  assert.ok(bad.body.includes('Номер обращения выглядит так'));
});

test('the whole life in the back office: new tab, the head assigns, a stale click is told, the executor answers, the author rates', async () => {
  const citizen = await cookieOf(CITIZEN);
  const id = await file(citizen);
  const a = (await appeals.service.get(id))!;
  const officer = await cookieOf(OFFICER, true);
  const head = await cookieOf(HEAD, true);

  assert.ok(await inTab(officer, 'new', a.number));
  const fresh = await app.server.inject({ url: '/en/office/appeals?tab=new', headers: { cookie: officer } });
  assert.match(fresh.body, /href="\/en\/office\/appeals" aria-current="page">Appeals</);
  const found = await app.server.inject({ url: `/en/office/appeals?q=${a.number.replace(/-0+/, '-')}`, headers: { cookie: officer } });
  assert.ok(found.body.includes(`/en/office/appeals/${id}`), 'search by a number without its zeros');

  // Opening it shows the author and is logged for them.
  const opened = await app.server.inject({ url: `/en/office/appeals/${id}`, headers: { cookie: officer } });
  assert.equal(opened.statusCode, 200);
  assert.ok(opened.body.includes('Karimov Aziz'));
  assert.ok(!opened.body.includes('Sign and send the answer'), 'not the executor yet');
  const logged = await app.ctx.db.selectFrom('identity_data_access').select(['purpose', 'accessor']).where('person_id', '=', CITIZEN).execute();
  assert.ok(logged.some((r) => r.purpose.includes(a.number)), 'the author sees who read it');

  // An officer may not assign; the head assigns the officer, with the other district's officer refused.
  assert.equal((await post(`/en/office/appeals/${id}/assign`, officer, { executor: OFFICER })).statusCode, 403);
  const page = await app.server.inject({ url: `/en/office/appeals/${id}`, headers: { cookie: head } });
  assert.match(page.body, new RegExp(`<option value="${OFFICER}"`));
  assert.ok(!page.body.includes(`value="${OTHER_DISTRICT}"`), 'only officers who may see it');
  assert.equal((await post(`/en/office/appeals/${id}/assign`, head, { executor: OTHER_DISTRICT })).statusCode, 400);
  assert.equal((await post(`/en/office/appeals/${id}/assign`, head, { executor: OFFICER })).statusCode, 303);
  const stale = await post(`/en/office/appeals/${id}/assign`, head, { executor: OFFICER });
  assert.equal(stale.statusCode, 409);
  assert.ok(stale.body.includes('The appeal changed while the page was open'));
  assert.ok(await inTab(officer, 'mine', a.number));
  assert.ok(!(await inTab(officer, 'new', a.number)));

  // The head extends once; the form is gone after.
  const noReason = await post(`/en/office/appeals/${id}/extend`, head, { days: '10', 'extend-reason': '' });
  assert.equal(noReason.statusCode, 400);
  assert.ok(noReason.body.includes('Write the reason'));
  assert.equal((await post(`/en/office/appeals/${id}/extend`, head, { days: '10', 'extend-reason': 'A site visit is needed' })).statusCode, 303);
  assert.ok(!(await app.server.inject({ url: `/en/office/appeals/${id}`, headers: { cookie: head } })).body.includes('Extend the term'));
  assert.equal((await post(`/en/office/appeals/${id}/extend`, head, { days: '5', 'extend-reason': 'Again' })).statusCode, 409);

  // The executor answers; too short first.
  const short = await post(`/en/office/appeals/${id}/answer`, officer, { 'answer-text': 'Done' });
  assert.equal(short.statusCode, 400);
  assert.ok(short.body.includes('Write the answer, at least 20 characters'));
  assert.equal((await post(`/en/office/appeals/${id}/answer`, officer, { 'answer-text': 'The pothole was repaired on 25 November by the road service.' })).statusCode, 303);
  const answered = (await appeals.service.get(id))!;
  assert.equal(answered.state, 'answered');

  // The author reads the answer with its signed document, and rates it.
  const cab = await app.server.inject({ url: `/en/cabinet/appeals/${id}`, headers: { cookie: citizen } });
  assert.ok(cab.body.includes('The pothole was repaired'));
  assert.ok(answered.answerDocumentId, 'the answer is signed');
  assert.ok(cab.body.includes(`/en/verify/${answered.answerDocumentId}`));
  assert.ok(cab.body.includes(`/en/cabinet/documents/${answered.answerDocumentId}.pdf`));
  for (const step of ['Registered', 'Executor assigned', 'Term extended', 'Answered']) assert.ok(cab.body.includes(step), step);
  assert.equal((await post(`/en/cabinet/appeals/${id}/rate`, citizen, { stars: '7' })).statusCode, 400);
  const rated = await post(`/en/cabinet/appeals/${id}/rate`, citizen, { stars: '4', comment: 'Quick' });
  assert.equal(rated.statusCode, 303);
  assert.equal(rated.headers.location, `/en/cabinet/appeals/${id}?done=rated`);
  const closed = (await appeals.service.get(id))!;
  assert.equal(closed.rating, 4);
  assert.equal(closed.state, 'closed');
  assert.equal((await post(`/en/cabinet/appeals/${id}/rate`, citizen, { stars: '5' })).statusCode, 409, 'rated once');
  const status = await app.server.inject({ url: `/en/appeals/status?number=${a.number}` });
  assert.match(status.body, /Answered on \d{4}-\d{2}-\d{2}/);
});

test('the author complains about the answer: reopened with a higher body', async () => {
  const citizen = await cookieOf(CITIZEN);
  const id = await file(citizen);
  await appeals.service.assign(id, { id: HEAD, name: 'Head' }, { executor: { id: OFFICER, name: 'Officer' } });
  await appeals.service.answer(id, { id: OFFICER, name: 'Officer' }, { text: 'We will look into it next year, thank you.' });
  const empty = await post(`/en/cabinet/appeals/${id}/complain`, citizen, { reason: ' ' });
  assert.equal(empty.statusCode, 400);
  assert.equal((await post(`/en/cabinet/appeals/${id}/complain`, citizen, { reason: 'Next year is too late' })).statusCode, 303);
  const a = (await appeals.service.get(id))!;
  assert.equal(a.state, 'open');
  assert.equal(a.level, 1);
  assert.equal(a.district, null, 'up to the city administration');
});

test('forwarding takes the appeal out of the officer\'s lists; overdue appeals show in their tab', async () => {
  const citizen = await cookieOf(CITIZEN);
  const officer = await cookieOf(OFFICER, true);
  const id = await file(citizen);
  const number = (await appeals.service.get(id))!.number;
  const noAgency = await post(`/en/office/appeals/${id}/forward`, officer, { agency: 'nowhere', 'forward-reason': 'Not ours' });
  assert.equal(noAgency.statusCode, 400);
  assert.match(noAgency.body, /id="agency-error"/);
  const moved = await post(`/en/office/appeals/${id}/forward`, officer, { agency: 'water-supply', 'forward-district': 'yunusobod', 'forward-reason': 'Water supply matter' });
  assert.equal(moved.statusCode, 303);
  assert.match(String(moved.headers.location), /\?done=forwarded&number=M-/);
  assert.equal((await appeals.service.get(id))!.agencyId, 'water-supply');
  assert.equal((await app.server.inject({ url: `/en/office/appeals/${id}`, headers: { cookie: officer } })).statusCode, 404);
  const cab = await app.server.inject({ url: `/en/cabinet/appeals/${id}`, headers: { cookie: citizen } });
  assert.ok(cab.body.includes('Water supply matter'), 'the author is told why');

  const late = await file(citizen);
  const lateNumber = (await appeals.service.get(late))!.number;
  await appeals.service.pollDeadlines(new Date(Date.now() + 40 * 86_400_000));
  const head = await cookieOf(HEAD, true);
  assert.ok(await inTab(head, 'overdue', lateNumber));
  assert.ok(!(await inTab(head, 'all', number)), 'forwarded elsewhere');
});

test('an officer enters an appeal received by phone; attachments download only for those who may see the appeal', async () => {
  const officer = await cookieOf(OFFICER, true);
  const form = await app.server.inject({ url: '/en/office/appeals/new', headers: { cookie: officer } });
  assert.equal(form.statusCode, 200);
  const noContact = await postForm('/en/office/appeals/new', officer, { ...complaint(), channel: 'phone', 'author-name': 'Olim Qodirov' });
  assert.equal(noContact.statusCode, 400);
  assert.ok(noContact.body.includes('Give a phone or a postal address'));
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  const made = await postForm('/en/office/appeals/new', officer, { ...complaint(), channel: 'phone', 'author-name': 'Olim Qodirov', 'author-phone': '+998 90 765-43-21' },
    [{ name: 'photo.pdf', type: 'application/pdf', data: pdf }]);
  assert.equal(made.statusCode, 303, made.body.slice(0, 1500));
  const id = /\/en\/office\/appeals\/([0-9a-f-]{36})$/.exec(String(made.headers.location))?.[1];
  assert.ok(id);
  const a = (await appeals.service.get(id))!;
  assert.equal(a.channel, 'phone');
  assert.equal(a.authorKind, 'external');
  const page = await app.server.inject({ url: `/en/office/appeals/${id}`, headers: { cookie: officer } });
  assert.ok(page.body.includes('+998 90 765-43-21'));
  const href = new RegExp(`/en/office/appeals/${id}/files/([0-9a-f-]{36})`).exec(page.body)?.[0];
  assert.ok(href, 'the file is listed');
  const download = await app.server.inject({ url: href, headers: { cookie: officer } });
  assert.equal(download.statusCode, 200);
  assert.match(String(download.headers['content-disposition']), /^attachment/);
  assert.equal(download.headers['content-type'], 'application/pdf');
  assert.equal((await app.server.inject({ url: href, headers: { cookie: await cookieOf(OTHER_DISTRICT, true) } })).statusCode, 404);
});

test('acting for a business the appeal is the business\'s; a complaint about a used service comes from the applications cabinet', async () => {
  const director = await cookieOf(DIRECTOR, false, BARAKA);
  const id = await file(director);
  const a = (await appeals.service.get(id))!;
  assert.equal(a.authorKind, 'business');
  assert.equal(a.authorBusinessId, BARAKA);
  const alone = await cookieOf(DIRECTOR);
  assert.equal((await app.server.inject({ url: `/en/cabinet/appeals/${id}`, headers: { cookie: alone } })).statusCode, 404, 'not among the person\'s own');
  assert.ok((await app.server.inject({ url: '/en/cabinet/appeals', headers: { cookie: director } })).body.includes(a.number));

  const applications = app.modules.find((m) => m.name === 'applications') as ApplicationsModule;
  const key = randomUUID();
  const made = await applications.submit({
    draftId: key, serviceId: 'housing-certificate', formVersion: 1, personId: CITIZEN, businessId: null,
    answers: { purpose: 'bank' }, files: [], prefilled: [], idempotencyKey: key, channel: 'portal', locale: 'en',
  });
  const citizen = await cookieOf(CITIZEN);
  const link = await app.server.inject({ url: `/en/cabinet/appeals?application=${made.applicationId}`, headers: { cookie: citizen } });
  assert.equal(link.statusCode, 303);
  assert.equal(link.headers.location, `/en/appeals/new?application=${made.applicationId}`);
  const form = await app.server.inject({ url: String(link.headers.location), headers: { cookie: citizen } });
  assert.equal(form.statusCode, 200);
  assert.ok(form.body.includes(`A complaint about application ${made.number}`));
  assert.equal((await app.server.inject({ url: String(link.headers.location), headers: { cookie: await cookieOf(FOREIGNER) } })).statusCode, 404);
  const filed = await file(citizen, complaint({ topic: 'passport-delay', region: '', district: '', lat: '', lon: '', application: made.applicationId }));
  const c = (await appeals.service.get(filed))!;
  assert.equal(c.applicationId, made.applicationId);
  assert.equal(c.kind, 'complaint');
});

test('the cabinet lists my appeals twenty to a page, and a page past the last shows the last', async () => {
  const topicId = appeals.service.topics()[0]!.id;
  const filed = new Set<string>();
  for (let i = 0; i < 23; i++) {
    const a = await appeals.service.file({
      kind: 'statement', topicId, summary: `A statement to page through, ${i}`, body: 'Enough statements to fill a second page of the list.', locale: 'en',
      author: { kind: 'person', personId: FOREIGNER, name: 'Foreigner' }, channel: 'portal', place: { region: 'tashkent-city', district: 'yunusobod' }, idempotencyKey: randomUUID(),
    });
    filed.add(a.number);
  }
  const total = await appeals.service.count({ authorPersonId: FOREIGNER, authorKind: 'person' });
  assert.ok(total >= 23 && total <= 40, `two pages: ${total}`);
  const cookie = await cookieOf(FOREIGNER);
  const numbers = async (query: string) => {
    const res = await app.server.inject({ url: `/en/cabinet/appeals${query}`, headers: { cookie } });
    assert.equal(res.statusCode, 200);
    return { body: res.body, numbers: new Set(res.body.match(/M-\d{4}-\d{7}/g)) };
  };
  const one = await numbers('');
  const two = await numbers('?page=2');
  assert.equal(one.numbers.size, 20);
  assert.equal(two.numbers.size, total - 20);
  assert.ok([...filed].every((n) => one.numbers.has(n) !== two.numbers.has(n)), 'each appeal on exactly one page');
  assert.match(one.body, /href="\/en\/cabinet\/appeals\?page=2" rel="next"/);
  assert.match(two.body, /rel="prev"/);
  assert.deepEqual((await numbers('?page=99')).numbers, two.numbers);
  assert.deepEqual((await numbers('?page=abc')).numbers, one.numbers);
});
