import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { signIn, startTestApp, type TestApp } from '../../testing.js';
import { DEMO_ACCOUNTS } from '../../identity/index.js';
import { currentRevision, loadAgency, loadService } from '../catalog.store.js';
import { agencyToForm, serviceToForm, type FormValues } from './editor.forms.js';

// Four eyes: editor A (the demo editor) drafts, editor B (a person given the role here) publishes.

let app: TestApp;
const A = DEMO_ACCOUNTS.find((a) => a.role === 'editor')!.id;
const OFFICER = DEMO_ACCOUNTS.find((a) => a.role === 'officer')!.id;
let B: string;
const cookies: Record<'a' | 'b' | 'officer', string> = { a: '', b: '', officer: '' };

before(async () => {
  // A long poll: what the tests see after publishing is this process's own reload.
  app = await startTestApp({ CATALOG_POLL_MS: '600000' });
  const demoIds = DEMO_ACCOUNTS.map((a) => a.id as string);
  const person = await app.ctx.db.selectFrom('identity_person').select('id').where('id', 'not in', demoIds).orderBy('id').executeTakeFirstOrThrow();
  B = person.id;
  await app.ctx.db.insertInto('identity_role').values({
    id: randomUUID(), person_id: B, role: 'editor', agency_id: 'public-services', unit: null, region: null, district: null, position: null, granted_by: null, revoked_at: null,
  }).execute();
  cookies.a = await signIn(app, A, { audience: 'office' });
  cookies.b = await signIn(app, B, { audience: 'office' });
  cookies.officer = await signIn(app, OFFICER, { audience: 'office' });
});
after(() => app.close());

const get = (url: string, cookie?: string) => app.server.inject({ url, headers: cookie ? { cookie } : {} });

/** Opens a page with a form and returns what posting needs: the CSRF token and cookie, and the form's base fingerprint. */
async function open(url: string, cookie: string) {
  const page = await get(url, cookie);
  assert.equal(page.statusCode, 200, `${url}: ${page.statusCode}`);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(token, `no CSRF token on ${url}`);
  return { token, base: /name="_base" value="([^"]+)"/.exec(page.body)?.[1], cookie: [cookie, ...page.cookies.map((c) => `${c.name}=${c.value}`)].join('; '), body: page.body };
}

function encode(fields: FormValues): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
  return params.toString();
}

async function post(url: string, who: { token: string; cookie: string; base?: string }, fields: FormValues = {}) {
  return app.server.inject({
    method: 'POST', url, headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: encode({ _csrf: who.token, ...(who.base ? { _base: who.base } : {}), ...fields }),
  });
}

const editUrl = (id: string, l = 'en') => `/${l}/office/catalog/services/${id}/edit`;
const draftUrl = (id: string) => `/en/office/catalog/drafts/${id}`;

/** Saves a draft of a service as editor A with some fields changed; returns the draft id. */
async function draftService(id: string, change: (form: FormValues) => void, cookie = cookies.a): Promise<string> {
  const form = await open(editUrl(id), cookie);
  const fields = serviceToForm((await loadService(app.ctx.db, id))!);
  change(fields);
  const res = await post(editUrl(id), form, fields);
  assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
  const location = String(res.headers.location);
  assert.match(location, /^\/en\/office\/catalog\/drafts\/[\w-]+\?saved=1$/);
  return location.split('/').at(-1)!.split('?')[0]!;
}

const draftRow = (id: string) => app.ctx.db.selectFrom('catalog_draft').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const auditRows = (subject: string) => app.ctx.db.selectFrom('identity_audit').select(['action', 'actor', 'detail']).where('subject', '=', subject).orderBy('id').execute();
const countDrafts = async () => Number((await app.ctx.db.selectFrom('catalog_draft').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const portal = async (id: string) => (await get(`/en/services/${id}`)).body;
const api = async (id: string) => (await get(`/api/v1/services/${id}?lang=en`)).json() as { name: string; summary: string; documents: string[] };

test('the catalog page lists services and drafts for editors, and refuses everyone else', async () => {
  const page = await get('/en/office/catalog?q=passport', cookies.a);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /href="\/en\/office\/catalog\/services\/passport-travel\/edit"/);
  assert.equal(page.headers['cache-control'], 'no-store');
  for (const path of ['/agencies', '/spheres', '/services/new', '/services/passport-travel/edit', '/agencies/migration/edit', '/spheres/transport/edit']) {
    assert.equal((await get(`/en/office/catalog${path}`, cookies.b)).statusCode, 200, path);
  }
  assert.equal((await get('/en/office/catalog', cookies.officer)).statusCode, 403, 'an officer is no editor');
  assert.equal((await get(editUrl('passport-travel'), cookies.officer)).statusCode, 403);
  const anonymous = await get('/en/office/catalog');
  assert.equal(anonymous.statusCode, 303, 'no session: to sign-in');
  assert.equal((await get(editUrl('no-such-service'), cookies.a)).statusCode, 404);
  assert.equal((await get(draftUrl('no-such-draft'), cookies.a)).statusCode, 404);
});

test('an officer posting to the editor gets 403 and nothing is written', async () => {
  const before = await countDrafts();
  const form = await open('/en/office', cookies.officer);
  const fields = serviceToForm((await loadService(app.ctx.db, 'passport-travel'))!);
  const res = await post(editUrl('passport-travel'), form, { ...fields, 'name-en': 'Officer was here' });
  assert.equal(res.statusCode, 403);
  assert.equal(await countDrafts(), before);
});

test('a saved draft leaves the portal as it was; the author may not publish or reject it; another editor publishes and the portal shows it', async () => {
  const id = 'farm-registration';
  const oldName = (await api(id)).name;
  await portal(id); // the page is now in the cache
  const revision = await currentRevision(app.ctx.db);
  const draft = await draftService(id, (f) => {
    f['name-en'] = 'Registering a farm enterprise';
    f['summary-en'] = 'Edited summary: farmers with a long land lease register their farm.';
    f['documents-en'] = (f['documents-en'] as string).replace('charter', 'statute');
  });

  // Saved: a draft, nothing published.
  const row = await draftRow(draft);
  assert.equal(row.status, 'draft');
  assert.equal(row.author, A);
  assert.equal(row.kind, 'service');
  assert.equal(row.target_id, id);
  assert.equal((row.base as { name: { en: string } }).name.en, oldName);
  assert.equal(await currentRevision(app.ctx.db), revision);
  assert.equal((await api(id)).name, oldName);
  assert.ok(!(await portal(id)).includes('Registering a farm enterprise'));
  assert.deepEqual((await auditRows(draft)).map((r) => [r.action, r.actor]), [['catalog.draft.saved', A]]);

  // The review page shows the diff, field by field, in the changed language only.
  const mine = await get(draftUrl(draft), cookies.a);
  assert.equal(mine.statusCode, 200);
  assert.ok(mine.body.includes(oldName) && mine.body.includes('Registering a farm enterprise'));
  assert.ok(mine.body.includes('The farm&#39;s statute') || mine.body.includes('The farm\'s statute'));
  assert.ok(!mine.body.includes('Фермер хўжалигини давлат'), 'unchanged languages are not in the diff');
  assert.ok(!mine.body.includes('/publish"'), 'no publish button for the author');
  assert.ok(mine.body.includes('/withdraw"'));

  // The author may not decide on their own draft: 403, nothing changes.
  const a = await open(draftUrl(draft), cookies.a);
  assert.equal((await post(`${draftUrl(draft)}/publish`, a)).statusCode, 403);
  assert.equal((await post(`${draftUrl(draft)}/reject`, a, { reason: 'self-rejection' })).statusCode, 403);
  assert.equal((await draftRow(draft)).status, 'draft');
  assert.equal(await currentRevision(app.ctx.db), revision);
  assert.equal((await api(id)).name, oldName);

  // Another editor may not withdraw it, but publishes it.
  const b = await open(draftUrl(draft), cookies.b);
  assert.ok(b.body.includes('/publish"'));
  assert.equal((await post(`${draftUrl(draft)}/withdraw`, b)).statusCode, 403);
  const published = await post(`${draftUrl(draft)}/publish`, b);
  assert.equal(published.statusCode, 303);
  assert.equal(published.headers.location, draftUrl(draft));

  const done = await draftRow(draft);
  assert.equal(done.status, 'published');
  assert.equal(done.decided_by, B);
  assert.ok(done.decided_at);
  assert.equal(await currentRevision(app.ctx.db), revision + 1);
  const event = await app.ctx.db.selectFrom('outbox').select('payload').where('topic', '=', 'catalog.changed').orderBy('id', 'desc').executeTakeFirstOrThrow();
  assert.deepEqual(event.payload, { revision: revision + 1 });
  assert.deepEqual((await auditRows(draft)).map((r) => [r.action, r.actor]), [['catalog.draft.saved', A], ['catalog.draft.published', B]]);
  assert.deepEqual((await auditRows(draft))[1]!.detail, { draft, kind: 'service', target: id, revision: revision + 1 });

  // The page cache was emptied by the new revision: the portal and the API show the new text.
  const html = await portal(id);
  assert.ok(html.includes('Registering a farm enterprise'));
  assert.ok(html.includes('Edited summary: farmers'));
  const json = await api(id);
  assert.equal(json.name, 'Registering a farm enterprise');
  assert.ok(json.documents.includes('The farm\'s statute'));
  assert.ok((await get(`/ru/services/${id}`)).body.includes('Государственная регистрация фермерского хозяйства'), 'other languages as they were');

  // Decided: no second publish.
  assert.equal((await post(`${draftUrl(draft)}/publish`, b)).statusCode, 409);
});

test('a draft is rejected with a reason, which is required; the author withdraws their own', async () => {
  const sphereUrl = '/en/office/catalog/spheres/transport/edit';
  const form = await open(sphereUrl, cookies.a);
  const names = { 'name-uz': 'Transport', 'name-oz': 'Транспорт', 'name-kaa': 'Transport', 'name-ru': 'Транспорт и дороги', 'name-en': 'Transport and roads' };
  const saved = await post(sphereUrl, form, names);
  assert.equal(saved.statusCode, 303);
  const draft = String(saved.headers.location).split('/').at(-1)!.split('?')[0]!;

  const b = await open(draftUrl(draft), cookies.b);
  const noReason = await post(`${draftUrl(draft)}/reject`, b, { reason: '   ' });
  assert.equal(noReason.statusCode, 400);
  assert.ok(noReason.body.includes('Write why the draft is rejected'));
  assert.equal((await draftRow(draft)).status, 'draft');

  const rejected = await post(`${draftUrl(draft)}/reject`, b, { reason: 'The sphere covers more than roads.' });
  assert.equal(rejected.statusCode, 303);
  const row = await draftRow(draft);
  assert.equal(row.status, 'rejected');
  assert.equal(row.reason, 'The sphere covers more than roads.');
  assert.equal(row.decided_by, B);
  assert.ok(!(await get('/en/spheres')).body.includes('Transport and roads'), 'nothing published');
  assert.ok((await get(draftUrl(draft), cookies.a)).body.includes('The sphere covers more than roads.'), 'the author reads the reason');
  assert.deepEqual((await auditRows(draft)).map((r) => r.action), ['catalog.draft.saved', 'catalog.draft.rejected']);

  // Withdrawing: the author's own open draft only.
  const agencyUrl = '/en/office/catalog/agencies/migration/edit';
  const agencyForm = await open(agencyUrl, cookies.a);
  const fields = agencyToForm((await loadAgency(app.ctx.db, 'migration'))!);
  fields.email = 'migration@example.uz';
  const agencySaved = await post(agencyUrl, agencyForm, fields);
  assert.equal(agencySaved.statusCode, 303, agencySaved.body.slice(0, 3000));
  const agencyDraft = String(agencySaved.headers.location).split('/').at(-1)!.split('?')[0]!;
  const diff = (await get(draftUrl(agencyDraft), cookies.b)).body;
  assert.ok(diff.includes('migration@example.uz'));
  const a = await open(draftUrl(agencyDraft), cookies.a);
  assert.equal((await post(`${draftUrl(agencyDraft)}/withdraw`, a)).statusCode, 303);
  assert.equal((await draftRow(agencyDraft)).status, 'withdrawn');
  assert.deepEqual((await auditRows(agencyDraft)).map((r) => r.action), ['catalog.draft.saved', 'catalog.draft.withdrawn']);
  assert.equal((await post(`${draftUrl(agencyDraft)}/publish`, b)).statusCode, 409, 'a withdrawn draft is not published');
});

test('invalid input is refused with messages next to the fields, and no draft is written', async () => {
  const id = 'passport-travel';
  const before = await countDrafts();
  const service = (await loadService(app.ctx.db, id))!;
  const form = await open(editUrl(id), cookies.a);
  const cases: [string, (f: FormValues) => void, RegExp][] = [
    ['empty name in a locale', (f) => { f['name-kaa'] = '  '; }, /id="name-kaa-error">Enter the text</],
    ['negative fee', (f) => { f.fee = '-1'; }, /id="fee-error">Must be at least 0</],
    ['a fee that is no number', (f) => { f.fee = 'ten'; }, /id="fee-error">Enter a number/],
    ['unknown sphere', (f) => { f.sphere = 'no-such-sphere'; }, /id="sphere-error">There is no such sphere/],
    ['unknown agency', (f) => { f.agency = 'no-such-agency'; }, /id="agency-error">There is no such agency/],
    ['100 KB of text', (f) => { f['summary-en'] = 'x'.repeat(100_000); }, /id="summary-en-error">Must be at most 4000 characters</],
    ['100 KB of lines', (f) => { f['steps-ru'] = 'шаг\n'.repeat(25_000); }, /id="steps-ru-error">At most 40 lines</],
    ['lines that do not match between languages', (f) => { f['documents-ru'] = `${f['documents-ru']}\nЕщё один документ`; }, /id="documents-ru-error">Must have as many lines/],
    ['no steps', (f) => { for (const l of ['uz', 'oz', 'kaa', 'ru', 'en']) f[`steps-${l}`] = ''; }, /id="steps-uz-error"/],
    ['an unknown type', (f) => { f.type = 'magic'; }, /id="type-error">Must be one of/],
    ['no audience', (f) => { f.audience = []; }, /id="audience-error">/],
    ['a fraction of a day', (f) => { f['term-days'] = '1.5'; }, /id="term-days-error">Enter a whole number</],
    ['nothing changed', () => {}, /The form changes nothing/],
  ];
  for (const [what, change, message] of cases) {
    const fields = serviceToForm(service);
    change(fields);
    const res = await post(editUrl(id), form, fields);
    assert.equal(res.statusCode, 400, what);
    assert.match(res.body, message, what);
    assert.match(res.body, /class="error-summary"/, what);
  }
  // Several problems at once are all reported, and the summary links to each field.
  const many = serviceToForm(service);
  Object.assign(many, { 'name-uz': '', 'name-ru': '', 'result-en': '', fee: '-5', sphere: 'nowhere' });
  const res = await post(editUrl(id), form, many);
  assert.equal(res.statusCode, 400);
  for (const field of ['name-uz', 'name-ru', 'result-en', 'fee', 'sphere']) assert.match(res.body, new RegExp(`href="#${field}"`), field);
  assert.ok(res.body.includes('value="nowhere"') === false, 'the select shows the choices, not the bad value');

  // In the user's language.
  const ru = await open(editUrl(id, 'ru'), cookies.a);
  const ruFields = serviceToForm(service);
  ruFields['name-en'] = '';
  const inRussian = await post(editUrl(id, 'ru'), ru, ruFields);
  assert.equal(inRussian.statusCode, 400);
  assert.match(inRussian.body, /Введите текст/);

  // Hostile shapes: a list where a text is expected, and fields nobody asked for.
  const hostile = await app.server.inject({
    method: 'POST', url: editUrl(id), headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `${encode({ _csrf: form.token, _base: form.base!, ...serviceToForm(service) })}&name-en=a&name-en=b&status=withdrawn&popularity=1`,
  });
  assert.equal(hostile.statusCode, 400);
  assert.equal(await countDrafts(), before, 'no draft written');
  assert.equal((await loadService(app.ctx.db, id))!.name.en, service.name.en);
});

test('a change published meanwhile is never overwritten: a stale form and a stale draft are refused', async () => {
  const id = 'veterinary-certificate';
  const stale = await open(editUrl(id), cookies.a); // opened before anything changes
  const first = await draftService(id, (f) => { f['name-en'] = 'Veterinary certificate (first edit)'; });
  const second = await draftService(id, (f) => { f['summary-en'] = 'A second, competing edit.'; });

  // Both wait; the edit page says so.
  const editPage = (await get(editUrl(id), cookies.b)).body;
  assert.ok(editPage.includes(draftUrl(first)) && editPage.includes(draftUrl(second)));

  const b = await open(draftUrl(first), cookies.b);
  assert.equal((await post(`${draftUrl(first)}/publish`, b)).statusCode, 303);
  const revision = await currentRevision(app.ctx.db);

  // The second draft was made from what the first replaced: refused with a clear message.
  const page = await get(draftUrl(second), cookies.b);
  assert.ok(page.body.includes('The published record has changed since this draft was made'));
  assert.ok(!page.body.includes('/publish"'), 'no publish button on an outdated draft');
  const refused = await post(`${draftUrl(second)}/publish`, await open(draftUrl(second), cookies.b));
  assert.equal(refused.statusCode, 409);
  assert.ok(refused.body.includes('cannot be published'));
  assert.equal((await draftRow(second)).status, 'draft');
  assert.equal(await currentRevision(app.ctx.db), revision, 'the refused publish left the revision as it was');
  const now = (await loadService(app.ctx.db, id))!;
  assert.equal(now.name.en, 'Veterinary certificate (first edit)');
  assert.notEqual(now.summary.en, 'A second, competing edit.');

  // A form opened before the publish: saving it is refused (409), and nothing is written.
  const count = await countDrafts();
  const fields = serviceToForm(now);
  fields['name-en'] = 'Stale form edit';
  const staleSave = await post(editUrl(id), stale, fields);
  assert.equal(staleSave.statusCode, 409);
  assert.ok(staleSave.body.includes('Someone published a change to this record'));
  assert.equal(await countDrafts(), count);
  // The page now carries the published version's fingerprint: saving again goes through.
  const fresh = /name="_base" value="([^"]+)"/.exec(staleSave.body)![1]!;
  assert.equal((await post(editUrl(id), { ...stale, base: fresh }, fields)).statusCode, 303);
});

test('a new service: drafted by one editor, published by another, then on the portal and the API', async () => {
  const url = '/en/office/catalog/services/new';
  const form = await open(url, cookies.a);
  const text = (s: string) => Object.fromEntries(['uz', 'oz', 'kaa', 'ru', 'en'].map((l) => [l, `${s} (${l})`]));
  const fields: FormValues = {
    id: 'beekeeping-registration', sphere: 'agriculture', agency: 'public-services', type: 'interactive', audience: ['G2C', 'G2B'], channels: ['portal'],
    fee: '0,5', discount: '10', 'term-days': '3', 'term-kind': 'working', article: '7', url: 'https://lex.uz/docs/1',
  };
  for (const [key, value] of Object.entries({ name: text('Registering an apiary'), summary: text('Beekeepers register their apiary'), result: text('A registration record'), documents: text('Passport'), steps: text('Apply'), act: text('Law on beekeeping') })) {
    for (const [l, v] of Object.entries(value)) fields[`${key}-${l}`] = v;
  }
  const taken = await post(url, form, { ...fields, id: 'passport-travel' });
  assert.equal(taken.statusCode, 400);
  assert.match(taken.body, /A service with this identifier already exists/);
  const saved = await post(url, form, fields);
  assert.equal(saved.statusCode, 303, saved.body.slice(0, 3000));
  const draft = String(saved.headers.location).split('/').at(-1)!.split('?')[0]!;
  assert.equal((await get('/api/v1/services/beekeeping-registration')).statusCode, 404, 'not published yet');
  const b = await open(draftUrl(draft), cookies.b);
  assert.ok(b.body.includes('Registering an apiary (en)'));
  assert.equal((await post(`${draftUrl(draft)}/publish`, b)).statusCode, 303);
  const json = await api('beekeeping-registration');
  assert.equal(json.name, 'Registering an apiary (en)');
  assert.ok((await portal('beekeeping-registration')).includes('Beekeepers register their apiary (en)'));
});

test('the database itself refuses a draft decided by its author', async () => {
  const id = randomUUID();
  await app.ctx.db.insertInto('catalog_draft').values({
    id, kind: 'sphere', target_id: 'transport', payload: '{}', base: 'null', author: A, author_name: 'A', decided_by: null, decided_by_name: null, decided_at: null, reason: null,
  }).execute();
  await assert.rejects(app.ctx.db.updateTable('catalog_draft').set({ status: 'published', decided_by: A }).where('id', '=', id).execute());
  await app.ctx.db.deleteFrom('catalog_draft').where('id', '=', id).execute();
});
