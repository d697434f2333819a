import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { DEMO_ACCOUNTS } from '../identity/index.js';
import type { PaymentsModule } from '../payments/index.js';
import { csrfFor, signIn, startTestApp, type TestApp } from '../testing.js';
import type { WorkflowModule } from '../workflow/index.js';
import type { ApplicationsModule, Submission } from './index.js';

const person = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!.id;
const CITIZEN = person('citizen');
const OFFICER = person('officer');
const HEAD = person('head');
const BARAKA = '00000000-0000-4000-9000-000000000001';
// Others of the demo population, given roles here: an officer of another agency, one of another region.
const OTHER_AGENCY_OFFICER = person('editor');
const OTHER_REGION_OFFICER = person('admin');

let app: TestApp;
let applications: ApplicationsModule;
let workflow: WorkflowModule;
let payments: PaymentsModule;

before(async () => {
  app = await startTestApp();
  applications = app.modules.find((m) => m.name === 'applications') as ApplicationsModule;
  workflow = app.modules.find((m) => m.name === 'workflow') as unknown as WorkflowModule;
  payments = app.modules.find((m) => m.name === 'payments') as unknown as PaymentsModule;
  await app.ctx.db.insertInto('identity_role').values([
    { id: randomUUID(), person_id: OTHER_AGENCY_OFFICER, role: 'officer', agency_id: 'tax-committee', unit: 'applications', region: 'tashkent-city', district: null, position: null, granted_by: null, revoked_at: null },
    { id: randomUUID(), person_id: OTHER_REGION_OFFICER, role: 'officer', agency_id: 'public-services', unit: 'applications', region: 'samarkand', district: null, position: null, granted_by: null, revoked_at: null },
    // The demo officer also works for the migration service (residence registration, with a fee).
    { id: randomUUID(), person_id: OFFICER, role: 'officer', agency_id: 'migration', unit: 'applications', region: 'tashkent-city', district: null, position: null, granted_by: null, revoked_at: null },
  ]).execute();
});
after(() => app.close());

const submission = (over: Partial<Submission> = {}): Submission => {
  const key = over.idempotencyKey ?? randomUUID();
  return {
    draftId: key, serviceId: 'housing-certificate', formVersion: 1, personId: CITIZEN, businessId: null,
    answers: { purpose: 'bank' }, files: [], prefilled: [], idempotencyKey: key, channel: 'portal', locale: 'en', ...over,
  };
};

const row = (id: string) => app.ctx.db.selectFrom('applications_application').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** Runs the outbox now (routing, payment events) instead of waiting for its poll. */
async function drain() {
  for (let i = 0; i < 20 && (await app.ctx.outbox.dispatchDue()) > 0;) i++;
}

async function routed(id: string) {
  for (let i = 0; i < 50; i++) {
    await drain();
    const r = await row(id);
    if (r.region) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  return row(id);
}


/** A form's token from a page that always has a form (the cabinet's or the back office's sign-out). */
const tokenFor = (cookie: string) => csrfFor(app, cookie.startsWith('osid=') ? '/en/office' : '/en/cabinet', cookie);

async function post(url: string, cookie: string, form: Record<string, string>) {
  const csrf = await tokenFor(cookie);
  return app.server.inject({
    method: 'POST', url, headers: { cookie: `${cookie}; ${csrf.cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf.token, ...form }).toString(),
  });
}

async function postMultipart(url: string, cookie: string, fields: Record<string, string>, file: { field: string; name: string; type: string; data: Buffer } | undefined) {
  const csrf = await tokenFor(cookie);
  const form = new FormData();
  form.set('_csrf', csrf.token);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set(file.field, new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
  const request = new Request('http://x/', { method: 'POST', body: form });
  const payload = Buffer.from(await request.arrayBuffer());
  return app.server.inject({
    method: 'POST', url: `${url}?_csrf=${encodeURIComponent(csrf.token)}`, payload,
    headers: { cookie: `${cookie}; ${csrf.cookie}`, 'content-type': request.headers.get('content-type')! },
  });
}

test('the same draft submitted 20 times at once makes one application with one number', async () => {
  const one = submission();
  const results = await Promise.all(Array.from({ length: 20 }, () => applications.submit(one)));
  assert.equal(new Set(results.map((r) => r.applicationId)).size, 1);
  assert.equal(new Set(results.map((r) => r.number)).size, 1);
  const rows = await app.ctx.db.selectFrom('applications_application').select('id').where('idempotency_key', '=', one.idempotencyKey).execute();
  assert.equal(rows.length, 1);
  const history = await workflow.history(app.ctx.db, results[0]!.applicationId);
  assert.equal(history.length, 1, 'one first step of the workflow');
  const notices = await app.ctx.db.selectFrom('identity_notification').select('params').where('message_key', '=', 'applications.notice.received').execute();
  assert.equal(notices.filter((n) => (n.params as { number?: string }).number === results[0]!.number).length, 1, 'one notification');
});

/** Every number of the year so far, in order. */
const allSeqs = async () => (await app.ctx.db.selectFrom('applications_application').select('seq').orderBy('seq').execute()).map((r) => Number(r.seq));

test('50 different submissions at once: each its own number, and the numbers are 1…n without a gap', async () => {
  const results = await Promise.all(Array.from({ length: 50 }, () => applications.submit(submission())));
  assert.equal(new Set(results.map((r) => r.number)).size, 50);
  for (const r of results) assert.match(r.number, /^\d{4}-\d{6}$/);
  const seqs = await allSeqs();
  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1));
});

test('a failed submission gives its number back: the next one takes it', async () => {
  let lost = '';
  await assert.rejects(app.ctx.db.transaction().execute(async (trx) => {
    lost = (await applications.submit(submission(), trx)).number;
    throw new Error('the forms module failed after the handler');
  }), /forms module failed/);
  const next = await applications.submit(submission());
  assert.equal(next.number, lost);
  const seqs = await allSeqs();
  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1));
});

test('routing: the agency of the service, the region and district of the registered address, or the centre chosen', async () => {
  const made = await applications.submit(submission());
  const r = await routed(made.applicationId);
  assert.equal(r.agency_id, 'public-services');
  assert.equal(r.unit, 'applications');
  // Aziz Karimov is registered in Yunusobod, Tashkent (the population register through the exchange).
  assert.equal(r.region, 'tashkent-city');
  assert.equal(r.district, 'yunusobod');
  const atCentre = await applications.submit(submission({ channel: 'centre', centreId: 'psc-samarqand' }));
  const c = await row(atCentre.applicationId);
  assert.equal(c.region, 'samarkand');
  assert.equal(c.district, 'samarqand-city');
  await assert.rejects(applications.submit(submission({ channel: 'centre', centreId: 'nowhere' })), /centre-unknown/);
  await assert.rejects(applications.submit(submission({ serviceId: 'no-such-service' })), /service-unknown/);
});

test('who may open an application: its applicant, the business within the power, officers of the agency and region, the head', async () => {
  const own = await applications.submit(submission());
  await routed(own.applicationId);
  const director = person('director');
  const forBusiness = await applications.submit(submission({ personId: director, businessId: BARAKA, serviceId: 'housing-certificate' }));
  await routed(forBusiness.applicationId);
  // The representative's power covers another service only.
  await app.ctx.db.updateTable('identity_power').set({ scope: JSON.stringify(['trade-licence']) }).where('person_id', '=', person('representative')).execute();

  const portal = async (who: string, actingFor?: string) => signIn(app, who, { actingFor });
  const office = async (who: string) => signIn(app, who, { audience: 'office' });
  const status = async (url: string, cookie: string) => (await app.server.inject({ url, headers: { cookie } })).statusCode;
  const cab = (id: string) => `/en/cabinet/applications/${id}`;
  const back = (id: string) => `/en/office/applications/${id}`;

  assert.equal(await status(cab(own.applicationId), await portal(CITIZEN)), 200, 'the applicant');
  assert.equal(await status(cab(own.applicationId), await portal(person('foreigner'))), 404, 'another citizen');
  assert.equal(await status(cab(forBusiness.applicationId), await portal(director, BARAKA)), 200, 'the director acting for the business');
  assert.equal(await status(cab(forBusiness.applicationId), await portal(director)), 404, 'the director not acting for it');
  assert.equal(await status(cab(forBusiness.applicationId), await portal(person('representative'), BARAKA)), 404, 'a representative without the service in scope');
  assert.equal(await status(back(own.applicationId), await office(OFFICER)), 200, 'an officer of the agency and region');
  assert.equal(await status(back(own.applicationId), await office(OTHER_AGENCY_OFFICER)), 404, 'an officer of another agency, by URL');
  assert.equal(await status(back(own.applicationId), await office(OTHER_REGION_OFFICER)), 404, 'an officer of another region');
  assert.equal(await status(back(own.applicationId), await office(HEAD)), 200, 'the head of the agency');
  // Another agency's officer can change nothing either.
  const taken = await post(`${back(own.applicationId)}/claim`, await office(OTHER_AGENCY_OFFICER), {});
  assert.equal(taken.statusCode, 404);
  assert.equal((await row(own.applicationId)).assigned_to, null);
  // Lists follow the same rule.
  const list = await app.server.inject({ url: '/en/cabinet/applications', headers: { cookie: await portal(person('foreigner')) } });
  assert.ok(!list.body.includes(own.number), 'another citizen does not list it');
  const search = `/en/office/applications?q=${own.number}`;
  const queue = await app.server.inject({ url: search, headers: { cookie: await office(OTHER_AGENCY_OFFICER) } });
  assert.ok(!queue.body.includes(back(own.applicationId)), 'another agency does not find it');
  const mine = await app.server.inject({ url: search, headers: { cookie: await office(OFFICER) } });
  assert.ok(mine.body.includes(back(own.applicationId)), 'the officer finds it');
  // The officer's reading is in the citizen's "who looked at my data".
  const reads = await app.ctx.db.selectFrom('identity_data_access').selectAll().where('person_id', '=', CITIZEN).where('purpose', '=', `Application ${own.number}`).execute();
  assert.ok(reads.length >= 2, `reads logged: ${reads.length}`);
  assert.equal(reads[0]!.agency_id, 'public-services');
  assert.match(reads[0]!.accessor, /Saidova Gulnora/);
});

test('search by number or PINFL and the queue counts', async () => {
  const made = await applications.submit(submission());
  await routed(made.applicationId);
  const cookie = await signIn(app, OFFICER, { audience: 'office' });
  const short = made.number.replace(/-0+/, '-');
  const byNumber = await app.server.inject({ url: `/en/office/applications?q=${encodeURIComponent(short)}`, headers: { cookie } });
  assert.equal(byNumber.statusCode, 200);
  assert.ok(byNumber.body.includes(made.number));
  const byPinfl = await app.server.inject({ url: '/en/office/applications?q=31507901120014', headers: { cookie } });
  assert.ok(byPinfl.body.includes(made.number));
  const bad = await app.server.inject({ url: '/en/office/applications?q=hello', headers: { cookie } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Enter an application number/);
  const home = await app.server.inject({ url: '/en/office', headers: { cookie } });
  const count = Number(/href="\/en\/office\/applications\?queue=new"><span class="count">(\d+)</.exec(home.body)?.[1]);
  assert.ok(count >= 1, `new applications counted on the home page: ${count}`);
});

test('ask for information, the applicant answers with a file, the officer approves: a signed document and a notification', async () => {
  const made = await applications.submit(submission());
  await routed(made.applicationId);
  const officer = await signIn(app, OFFICER, { audience: 'office' });
  const page = `/en/office/applications/${made.applicationId}`;
  assert.equal((await post(`${page}/claim`, officer, {})).statusCode, 303);
  let r = await row(made.applicationId);
  assert.equal(r.state, 'in_review');
  assert.equal(r.assigned_to, OFFICER);
  // A request needs its text: the form says so, nothing changes.
  const empty = await post(`${page}/act`, officer, { action: 'request_info', 'act-request_info-reason': '' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Write what is needed/);
  assert.equal((await row(made.applicationId)).state, 'in_review');
  assert.equal((await post(`${page}/act`, officer, { action: 'request_info', 'act-request_info-reason': 'Send a copy of the lease' })).statusCode, 303);
  assert.equal((await row(made.applicationId)).state, 'need_info');

  const citizen = await signIn(app, CITIZEN);
  const cab = `/en/cabinet/applications/${made.applicationId}`;
  const asked = await app.server.inject({ url: cab, headers: { cookie: citizen } });
  assert.match(asked.body, /Send a copy of the lease/);
  // A disguised file (text named .pdf) is refused by its content.
  const disguised = await postMultipart(`${cab}/answer`, citizen, { 'answer-text': 'Here' }, { field: 'answer-file', name: 'lease.pdf', type: 'application/pdf', data: Buffer.from('not a pdf at all') });
  assert.equal(disguised.statusCode, 400);
  assert.match(disguised.body, /must be a PDF, JPEG or PNG/);
  assert.equal((await row(made.applicationId)).state, 'need_info');
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  const answered = await postMultipart(`${cab}/answer`, citizen, { 'answer-text': 'The lease is attached' }, { field: 'answer-file', name: 'lease.pdf', type: 'application/pdf', data: pdf });
  assert.equal(answered.statusCode, 303);
  r = await row(made.applicationId);
  assert.equal(r.state, 'in_review');
  const answer = await app.ctx.db.selectFrom('applications_message').selectAll().where('application_id', '=', r.id).where('kind', '=', 'answer').executeTakeFirstOrThrow();
  assert.equal(answer.file_mime, 'application/pdf');
  const file = await app.server.inject({ url: `${page}/messages/${answer.id}/file`, headers: { cookie: officer } });
  assert.equal(file.statusCode, 200);
  assert.deepEqual(file.rawPayload, pdf);

  assert.equal((await post(`${page}/act`, officer, { action: 'approve' })).statusCode, 303);
  r = await row(made.applicationId);
  assert.equal(r.state, 'approved');
  assert.equal(r.decision, 'approved');
  assert.equal(r.active, false);
  assert.ok(r.document_id);
  const doc = await app.ctx.db.selectFrom('documents_document').select(['decision', 'locale', 'number']).where('id', '=', r.document_id!).executeTakeFirstOrThrow();
  assert.deepEqual(doc, { decision: 'approved', locale: 'en', number: made.number });
  const notice = await app.ctx.db.selectFrom('identity_notification').select('link').where('person_id', '=', CITIZEN).where('message_key', '=', 'applications.notice.approved').orderBy('id', 'desc').executeTakeFirstOrThrow();
  assert.equal(notice.link, `/cabinet/applications/${made.applicationId}`);
  const history = await workflow.history(app.ctx.db, made.applicationId);
  assert.deepEqual(history.map((h) => h.action), ['begin', 'take', 'request_info', 'provide_info', 'approve']);
  assert.equal(history[2]!.actorId, OFFICER);
  assert.equal(history[2]!.reason, 'Send a copy of the lease');
  // Deciding twice is refused; the citizen now rates, once.
  assert.equal((await post(`${page}/act`, officer, { action: 'reject', reason_code: 'other' })).statusCode, 409);
  assert.equal((await post(`${cab}/rate`, citizen, { stars: '9' })).statusCode, 400);
  assert.equal((await post(`${cab}/rate`, citizen, { stars: '4', 'rate-comment': 'Quick' })).statusCode, 303);
  await post(`${cab}/rate`, citizen, { stars: '1' });
  const ratings = await app.server.inject({ url: '/api/v1/services/housing-certificate/ratings' });
  assert.deepEqual({ count: ratings.json().count, average: ratings.json().average }, { count: 1, average: 4 });
  assert.equal((await app.server.inject({ url: '/api/v1/services/nope/ratings' })).statusCode, 404);
});

test('a paid application that is rejected is refunded; the refusal is a signed document with the reason', async () => {
  // Residence registration has a fee: the application waits for it.
  const made = await applications.submit(submission({ serviceId: 'residence-registration' }));
  let r = await routed(made.applicationId);
  assert.equal(r.state, 'awaiting_payment');
  assert.equal(r.active, false);
  const [invoice] = await payments.invoicesOf(app.ctx.db, made.applicationId);
  assert.ok(invoice);
  const service = (app.modules.find((m) => m.name === 'catalog') as unknown as { catalog: { snapshot: { service(id: string): unknown; fee(s: unknown): { onlineTiyin: number; fullTiyin: number } } } }).catalog.snapshot;
  const fee = service.fee(service.service('residence-registration'));
  assert.equal(invoice.amountTiyin, fee.onlineTiyin, 'the online price');
  assert.equal(invoice.fullAmountTiyin, fee.fullTiyin);
  const paid = await payments.channel!.standin!.payWithClick(invoice.id, invoice.amountTiyin);
  assert.ok(paid.ok);
  await drain();
  r = await row(made.applicationId);
  assert.equal(r.state, 'submitted', 'the payment moved it on');
  assert.equal(r.active, true);

  const officer = await signIn(app, OFFICER, { audience: 'office' });
  const page = `/en/office/applications/${made.applicationId}`;
  await post(`${page}/claim`, officer, {});
  const noReason = await post(`${page}/act`, officer, { action: 'reject', 'act-reject-reason': 'Why' });
  assert.equal(noReason.statusCode, 400, 'a reason from the list is required');
  assert.equal((await post(`${page}/act`, officer, { action: 'reject', reason_code: 'data-mismatch', 'act-reject-reason': 'The address differs' })).statusCode, 303);
  r = await row(made.applicationId);
  assert.equal(r.state, 'rejected');
  assert.equal(r.decision, 'rejected');
  assert.ok(r.document_id);
  const [after] = await payments.invoicesOf(app.ctx.db, made.applicationId);
  assert.equal(after!.status, 'refunded');
  const history = await workflow.history(app.ctx.db, made.applicationId);
  assert.equal(history.at(-1)!.reason, 'The information does not match the state registries. The address differs');
  const cab = await app.server.inject({ url: `/en/cabinet/applications/${made.applicationId}`, headers: { cookie: await signIn(app, CITIZEN) } });
  assert.match(cab.body, /has been refunded/);
  assert.match(cab.body, /The address differs/);
});

test('past the term: escalated to the heads of the agency; unpaid: cancelled (a test clock)', async () => {
  const made = await applications.submit(submission());
  const unpaid = await applications.submit(submission({ serviceId: 'residence-registration' }));
  await routed(made.applicationId);
  const later = new Date(Date.now() + 40 * 86_400_000);
  await workflow.pollOverdue(later);
  const r = await row(made.applicationId);
  assert.ok(r.escalated_at, 'marked escalated');
  const told = await app.ctx.db.selectFrom('identity_notification').select(['link', 'params']).where('person_id', '=', HEAD).where('message_key', '=', 'applications.notice.overdue').execute();
  assert.ok(told.some((n) => n.link === `/office/applications/${made.applicationId}`));
  const u = await row(unpaid.applicationId);
  assert.equal(u.state, 'cancelled');
  const [invoice] = await payments.invoicesOf(app.ctx.db, unpaid.applicationId);
  assert.equal(invoice!.status, 'cancelled');
  // Past the term shows in its queue.
  const cookie = await signIn(app, HEAD, { audience: 'office' });
  const past = await app.server.inject({ url: '/en/office/applications?queue=past-term', headers: { cookie } });
  assert.equal(past.statusCode, 200);
});

test('the applicant withdraws; hostile input is refused without a change', async () => {
  const made = await applications.submit(submission());
  const citizen = await signIn(app, CITIZEN);
  const cab = `/en/cabinet/applications/${made.applicationId}`;
  const long = await postMultipart(`${cab}/message`, citizen, { 'message-text': 'x'.repeat(5000) }, undefined);
  assert.equal(long.statusCode, 400);
  assert.equal((await post(`${cab}/withdraw`, citizen, {})).statusCode, 303);
  assert.equal((await row(made.applicationId)).state, 'withdrawn');
  assert.equal((await post(`${cab}/withdraw`, citizen, {})).statusCode, 409);
  const other = await signIn(app, person('foreigner'));
  assert.equal((await post(`${cab}/withdraw`, other, {})).statusCode, 404);
});

test('a head hands an application over to an officer of the agency; an officer may not', async () => {
  const made = await applications.submit(submission());
  await routed(made.applicationId);
  const page = `/en/office/applications/${made.applicationId}`;
  const officer = await signIn(app, OFFICER, { audience: 'office' });
  assert.equal((await post(`${page}/reassign`, officer, { officer: OFFICER })).statusCode, 403);
  const head = await signIn(app, HEAD, { audience: 'office' });
  assert.equal((await post(`${page}/reassign`, head, { officer: OTHER_AGENCY_OFFICER })).statusCode, 400, 'not an officer of this agency');
  assert.equal((await post(`${page}/reassign`, head, { officer: OFFICER })).statusCode, 303);
  const r = await row(made.applicationId);
  assert.equal(r.assigned_to, OFFICER);
  assert.match(r.assigned_name ?? '', /Saidova Gulnora/);
  const mine = await app.server.inject({ url: '/en/office/applications?queue=mine', headers: { cookie: officer } });
  assert.ok(mine.body.includes(page), 'in the officer\'s own queue');
});

test('the payment event, delivered twice, moves the application once', async () => {
  const made = await applications.submit(submission({ serviceId: 'residence-registration' }));
  const [invoice] = await payments.invoicesOf(app.ctx.db, made.applicationId);
  await applications.service!.onPaid({ invoiceId: invoice!.id, subject: made.applicationId });
  await applications.service!.onPaid({ invoiceId: invoice!.id, subject: made.applicationId });
  const history = await workflow.history(app.ctx.db, made.applicationId);
  assert.deepEqual(history.map((h) => h.action), ['begin', 'paid']);
  assert.equal((await row(made.applicationId)).state, 'submitted');
});

test('the ratings API is described in the OpenAPI document, and its page shows the summary', async () => {
  const doc = (await app.server.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
  assert.ok(doc.paths['/api/v1/services/{id}/ratings']);
  const page = await app.server.inject({ url: '/en/services/housing-certificate/ratings' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /out of 5 from \d+ rating/);
  assert.equal((await app.server.inject({ url: '/en/services/no-such/ratings' })).statusCode, 404);
});
