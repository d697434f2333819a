import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApp, createModules, type App } from '../app.js';
import { DEMO_ACCOUNTS, type Session } from '../identity/index.js';
import { AppError, loadConfig, ValidationError, type Database } from '../platform/index.js';
import { testDatabase } from '../testing.js';
import type { ApplicationsModule } from '../applications/index.js';
import { DISTRICT_CENTRES, inUzbekistan, mayHandle, readTerms, type AppealsModule, type NewAppeal } from './index.js';
import { DEMO_APPEALS, DEMO_SURGE } from './seed.js';

const person = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!.id;
const CITIZEN = person('citizen');
const OTHER = person('representative');
const OFFICER = person('officer');
const HEAD = person('head');
const DAY = 86_400_000;

// The module's clock: tests move it (the deadline poller is also given its time).
let now = new Date('2026-11-23T06:00:00Z');
let app: App;
let database: Database;
let dataDir: string;
let appeals: AppealsModule['service'];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'darcha-appeals-'));
  database = await testDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PUBLIC_URL: 'http://127.0.0.1:9', RATE_LIMIT_PER_MINUTE: '100000' });
  // The whole platform, with a clock the tests move.
  const modules = createModules({ sms: { send: async () => undefined }, clock: () => now });
  app = await createApp(config, { database, modules });
  appeals = (modules.find((m) => m.name === 'appeals') as AppealsModule).service;
});
after(async () => {
  await app.close();
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const db = () => app.ctx.db;
const row = (id: string) => db().selectFrom('appeals_appeal').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const eventsOf = async (id: string, kind: string) => (await appeals.events(id)).filter((e) => e.kind === kind);
const notices = (personId: string, key: string) => db().selectFrom('identity_notification').select(['params', 'link']).where('person_id', '=', personId).where('message_key', '=', key).execute();

const appeal = (over: Partial<NewAppeal> = {}): NewAppeal => ({
  kind: 'complaint', topicId: 'roads-potholes', summary: 'Pothole on Amir Temur street', locale: 'en',
  body: 'A deep pothole by house 108 has broken two cars this week; please repair it.',
  author: { kind: 'person', personId: CITIZEN, name: 'Karimov Aziz Rustamovich' }, channel: 'portal',
  place: { region: 'tashkent-city', district: 'yunusobod' }, idempotencyKey: randomUUID(), ...over,
});

/** The field errors of a rejected filing, by pointer. */
async function fieldErrors(input: NewAppeal): Promise<Record<string, string>> {
  const before = await db().selectFrom('appeals_appeal').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const error = await appeals.file(input).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
  const after = await db().selectFrom('appeals_appeal').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(after.n), Number(before.n), 'nothing written');
  return Object.fromEntries(error.errors.map((e) => [e.pointer, e.detail]));
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'), Buffer.alloc(64)]);

// First, before other tests change the demo appeals (the deadline poller closes old answered ones).
test('the demo data: roles for the journey, the appeals with their surge', async () => {
  const roles = await db().selectFrom('identity_role').select(['person_id', 'role', 'agency_id', 'unit', 'region', 'district']).where('agency_id', '=', 'hokimiyat-tashkent-city').orderBy('role').execute();
  assert.deepEqual(roles, [
    { person_id: HEAD, role: 'head', agency_id: 'hokimiyat-tashkent-city', unit: null, region: null, district: null },
    { person_id: OFFICER, role: 'officer', agency_id: 'hokimiyat-tashkent-city', unit: 'appeals', region: 'tashkent-city', district: 'yunusobod' },
  ]);
  const seeded = await db().selectFrom('appeals_appeal').select(['state', 'topic_id', 'district', 'registered_at', 'due_at', 'rating']).where('idempotency_key', 'like', 'seed:%').execute();
  assert.equal(seeded.length, DEMO_APPEALS);
  const start = new Date('2026-11-23T06:00:00Z').getTime();
  assert.ok(seeded.every((s) => s.registered_at.getTime() <= start && s.registered_at.getTime() >= start - 90 * DAY));
  for (const state of ['open', 'assigned', 'answered', 'closed']) assert.ok(seeded.some((s) => s.state === state), state);
  assert.ok(seeded.some((s) => (s.state === 'open' || s.state === 'assigned') && s.due_at.getTime() < start), 'some overdue');
  assert.ok(seeded.some((s) => s.rating !== null), 'some rated');
  const surge = seeded.filter((s) => s.topic_id === DEMO_SURGE.topicId && s.district === DEMO_SURGE.district && s.registered_at.getTime() >= start - 3 * DAY);
  assert.ok(surge.length >= DEMO_SURGE.count);
});

describe('filing', () => {
  test('each bad field is named, in the author’s language, and nothing is written', async () => {
    const errors = await fieldErrors(appeal({
      kind: 'wish' as never, topicId: 'no-such-topic', summary: 'Hi', body: 'Too short', idempotencyKey: '', locale: 'ru', channel: 'pigeon' as never,
      place: { region: 'atlantis' },
    }));
    assert.deepEqual(Object.keys(errors).sort(), ['/body', '/channel', '/idempotencyKey', '/kind', '/place/region', '/summary', '/topicId']);
    assert.match(errors['/summary']!, /от 5 до 200/);
    assert.match(errors['/body']!, /от 20 до 10\s?000/);
    const missing = await fieldErrors(appeal({ summary: '   ', body: '' }));
    assert.match(missing['/summary']!, /Write the subject/);
    assert.match(missing['/body']!, /Write the text/);
    const long = await fieldErrors(appeal({ body: 'x'.repeat(10_001) }));
    assert.deepEqual(Object.keys(long), ['/body']);
    const external = await fieldErrors(appeal({ author: { kind: 'external', name: ' ', contact: {} }, channel: 'phone' }));
    assert.deepEqual(Object.keys(external), ['/author/name']);
  });

  test('a point outside the country, a district outside its region, a local matter without a place', async () => {
    const almaty = await fieldErrors(appeal({ place: { lat: 43.24, lon: 76.9 } }));
    assert.match(almaty['/place/lat']!, /outside Uzbekistan/);
    const nonsense = await fieldErrors(appeal({ place: { lat: Number.NaN, lon: 69.2 } }));
    assert.ok(nonsense['/place/lat']);
    const mixed = await fieldErrors(appeal({ place: { region: 'samarkand', district: 'yunusobod' } }));
    assert.deepEqual(Object.keys(mixed), ['/place/district']);
    const nowhere = await fieldErrors(appeal({ place: {} }));
    assert.match(nowhere['/place']!, /district administration/);
    const regionOnly = await fieldErrors(appeal({ place: { region: 'tashkent-city' } }));
    assert.deepEqual(Object.keys(regionOnly), ['/place/district']);
    // A matter of an agency needs no place.
    assert.equal((await appeals.file(appeal({ topicId: 'passport-delay', place: {} }))).agencyId, 'migration');
  });

  test('attachments: too many, too large, disguised; good ones stored with the type their content shows', async () => {
    const six = await fieldErrors(appeal({ attachments: Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.pdf`, mime: 'application/pdf', content: PDF })) }));
    assert.deepEqual(Object.keys(six), ['/attachments']);
    const huge = await fieldErrors(appeal({ attachments: [{ name: 'scan.png', mime: 'image/png', content: Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]) }] }));
    assert.match(huge['/attachments/0']!, /scan\.png is larger than 10 MB/);
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300, 1)]);
    const disguised = await fieldErrors(appeal({ attachments: [{ name: 'PDF', mime: 'application/pdf', content: PDF }, { name: 'scan.pdf', mime: 'application/pdf', content: exe }] }));
    assert.deepEqual(Object.keys(disguised), ['/attachments/1']);
    assert.match(disguised['/attachments/1']!, /not a PDF, JPEG or PNG/);
    const filed = await appeals.file(appeal({ attachments: [{ name: 'photo.pdf', mime: 'application/pdf', content: PNG }, { name: 'letter.pdf', mime: 'image/png', content: PDF }] }));
    const files = await db().selectFrom('appeals_attachment').select(['name', 'mime', 'size']).where('appeal_id', '=', filed.id).orderBy('name').execute();
    assert.deepEqual(files, [{ name: 'letter.pdf', mime: 'application/pdf', size: PDF.length }, { name: 'photo.pdf', mime: 'image/png', size: PNG.length }]);
  });

  test('HTML in the text is kept exactly as typed', async () => {
    const summary = '<b>Bold</b> & "quoted" subject';
    const body = '<script>alert("x")</script>\n  <img src=x onerror=alert(1)> — kept as typed, never rendered.  ';
    const filed = await appeals.file(appeal({ summary, body }));
    const stored = await appeals.get(filed.id);
    assert.equal(stored!.summary, summary);
    assert.equal(stored!.body, body);
  });

  test('the number, the term, the event and the author’s notification', async () => {
    const filed = await appeals.file(appeal());
    assert.match(filed.number, /^M-2026-\d{7}$/);
    assert.equal(filed.created, true);
    assert.equal(filed.token, null);
    const r = await row(filed.id);
    assert.equal(r.state, 'open');
    assert.equal(r.registered_at.getTime(), now.getTime());
    // 15 calendar days from 23 Nov 2026 is 8 Dec, Constitution Day: the term ends with the next working day, Tashkent time.
    assert.equal(r.due_at.toISOString(), '2026-12-09T18:59:59.999Z');
    assert.equal((await eventsOf(filed.id, 'registered')).length, 1);
    const told = (await db().selectFrom('identity_notification').select(['id', 'params', 'link']).where('person_id', '=', CITIZEN).where('message_key', '=', 'appeals.core.notice.registered').execute())
      .filter((n) => n.params.number === filed.number);
    assert.equal(told.length, 1);
    assert.equal(told[0]!.link, `/cabinet/appeals/${filed.id}`);
    assert.equal(told[0]!.params.date, '2026-12-09');
    // Queued for the author's channels by the same statement.
    const queued = await db().selectFrom('outbox').select('payload').where('topic', '=', 'identity.notify').execute();
    assert.ok(queued.some((e) => (e.payload as { notificationId: number }).notificationId === Number(told[0]!.id)));
    // A proposal has a month; an Open311 filing gets a token to poll.
    const proposal = await appeals.file(appeal({ kind: 'proposal' }));
    assert.ok((await row(proposal.id)).due_at.getTime() > r.due_at.getTime() + 10 * DAY);
    const open311 = await appeals.file(appeal({ author: { kind: 'external', name: 'Resident', contact: { phone: '+998901112233' } }, channel: 'open311', clientId: 'client-1' }));
    assert.match(open311.token!, /^[A-Za-z0-9_-]{24}$/);
    assert.equal((await appeals.byToken(open311.token!))?.id, open311.id);
    assert.equal((await appeals.byNumber(open311.number))?.id, open311.id);
  });

  test('the same submission twice, even at the same moment, makes one appeal', async () => {
    const input = appeal();
    const [a, b] = await Promise.all([appeals.file(input), appeals.file(input)]);
    assert.equal(a.id, b.id);
    assert.deepEqual([a.created, b.created].sort(), [false, true]);
    const again = await appeals.file(input);
    assert.deepEqual({ ...again, created: true }, { ...a, created: true });
    assert.equal(again.created, false);
    const made = await db().selectFrom('appeals_appeal').select('id').where('idempotency_key', '=', `${CITIZEN}:${input.idempotencyKey}`).execute();
    assert.equal(made.length, 1);
    assert.equal((await eventsOf(a.id, 'registered')).length, 1);
    // The same key from someone else is their own appeal.
    const other = await appeals.file({ ...input, author: { kind: 'person', personId: OTHER, name: 'Kim Timur' } });
    assert.notEqual(other.id, a.id);
  });
});

describe('routing', () => {
  test('local matters go to the administration of the region, to the district; others to the agency', async () => {
    const local = await appeals.file(appeal());
    assert.deepEqual([local.agencyId, local.region, local.district], ['hokimiyat-tashkent-city', 'tashkent-city', 'yunusobod']);
    const nukus = await appeals.file(appeal({ place: { district: 'nukus-city' } }));
    assert.deepEqual([nukus.agencyId, nukus.region, nukus.district], ['karakalpakstan-council', 'karakalpakstan', 'nukus-city']);
    const agency = await appeals.file(appeal({ topicId: 'gas-supply', place: { district: 'chilonzor' } }));
    assert.deepEqual([agency.agencyId, agency.region, agency.district], ['hududgaz', 'tashkent-city', 'chilonzor']);
  });

  test('a point alone finds the nearest district', async () => {
    const filed = await appeals.file(appeal({ place: { lat: 41.366, lon: 69.288 } }));
    assert.deepEqual([filed.agencyId, filed.region, filed.district], ['hokimiyat-tashkent-city', 'tashkent-city', 'yunusobod']);
    const withRegion = await appeals.file(appeal({ place: { region: 'tashkent-city', lat: 41.285, lon: 69.203 } }));
    assert.equal(withRegion.district, 'chilonzor');
    const samarkand = await appeals.file(appeal({ place: { lat: 39.655, lon: 66.96, address: 'Registon' } }));
    assert.deepEqual([samarkand.agencyId, samarkand.district], ['hokimiyat-samarkand', 'samarqand-city']);
    const r = await row(samarkand.id);
    assert.deepEqual([r.lat, r.lon, r.address], [39.655, 66.96, 'Registon']);
  });

  test('a complaint about a used service goes to its agency; someone else’s application is refused', async () => {
    const applications = app.modules.find((m) => m.name === 'applications') as ApplicationsModule;
    const submit = (personId: string) => applications.submit({
      draftId: randomUUID(), serviceId: 'housing-certificate', formVersion: 1, personId, businessId: null, answers: { purpose: 'bank' }, files: [], prefilled: [],
      idempotencyKey: randomUUID(), channel: 'portal', locale: 'en',
    });
    const mine = await submit(CITIZEN);
    const theirs = await submit(OTHER);
    const agency = (await db().selectFrom('applications_application').select('agency_id').where('id', '=', mine.applicationId).executeTakeFirstOrThrow()).agency_id;
    const filed = await appeals.file(appeal({ topicId: 'passport-delay', place: {}, applicationId: mine.applicationId }));
    assert.equal(filed.agencyId, agency);
    assert.equal((await row(filed.id)).application_id, mine.applicationId);
    const refused = await fieldErrors(appeal({ applicationId: theirs.applicationId }));
    assert.deepEqual(Object.keys(refused), ['/applicationId']);
    const unknown = await fieldErrors(appeal({ applicationId: randomUUID() }));
    assert.equal(unknown['/applicationId'], refused['/applicationId'], 'another’s application reads like an unknown one');
  });
});

const head = { id: HEAD, name: 'Yusupov Bahodir' };
const officer = { id: OFFICER, name: 'Saidova Gulnora' };

async function rejects(promise: Promise<unknown>, code: string, status?: number): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof AppError, `expected ${code}, got ${String(error)}`);
  assert.equal(error.code, code);
  if (status) assert.equal(error.status, status);
}

describe('the life of an appeal', () => {
  test('forward, assign, extend once, answer signed, rate, complain to a higher body', async () => {
    const filed = await appeals.file(appeal({ topicId: 'gas-supply', kind: 'statement' }));
    // Forwarding: a reason and a known body, else nothing changes.
    await rejects(appeals.forward(filed.id, head, { agencyId: 'hokimiyat-tashkent-city', reason: ' ' }), 'validation', 400);
    await rejects(appeals.forward(filed.id, head, { agencyId: 'ministry-of-nothing', reason: 'Not ours' }), 'validation', 400);
    assert.equal((await row(filed.id)).agency_id, 'hududgaz');
    await appeals.forward(filed.id, head, { agencyId: 'hokimiyat-tashkent-city', district: 'yunusobod', reason: 'The gas pipe in the yard is the district’s' });
    let r = await row(filed.id);
    assert.deepEqual([r.agency_id, r.region, r.district, r.state], ['hokimiyat-tashkent-city', 'tashkent-city', 'yunusobod', 'open']);
    const [forwarded] = await eventsOf(filed.id, 'forwarded');
    assert.equal(forwarded!.reason, 'The gas pipe in the yard is the district’s');
    assert.deepEqual(forwarded!.data.from, { agencyId: 'hududgaz', region: 'tashkent-city', district: 'yunusobod' });
    assert.ok((await notices(CITIZEN, 'appeals.core.notice.forwarded')).some((n) => n.params.number === filed.number));

    await appeals.assign(filed.id, head, { executor: officer, coExecutors: [{ id: person('editor'), name: 'Seytmuratova Aynura' }] });
    r = await row(filed.id);
    assert.deepEqual([r.state, r.executor_id, r.co_executors.map((c) => c.id)], ['assigned', OFFICER, [person('editor')]]);
    assert.ok((await notices(OFFICER, 'appeals.core.notice.assigned')).some((n) => n.params.number === filed.number));
    await rejects(appeals.assign(filed.id, head, { executor: officer }), 'appeals.state-changed', 409);

    await rejects(appeals.extend(filed.id, head, { days: 31, reason: 'Needs a site survey' }), 'validation', 400);
    await rejects(appeals.extend(filed.id, head, { days: 10, reason: '' }), 'validation', 400);
    const due = r.due_at;
    await appeals.extend(filed.id, head, { days: 10, reason: 'Needs a site survey' });
    r = await row(filed.id);
    assert.equal(r.extended, true);
    assert.ok(r.due_at.getTime() >= due.getTime() + 10 * DAY - 1 && r.due_at.getTime() <= due.getTime() + 13 * DAY);
    await rejects(appeals.extend(filed.id, head, { days: 5, reason: 'Again' }), 'appeals.already-extended', 409);
    assert.equal((await row(filed.id)).due_at.getTime(), r.due_at.getTime());

    await rejects(appeals.answer(filed.id, officer, { text: 'Done.' }), 'validation', 400);
    now = new Date(now.getTime() + 2 * DAY);
    const text = 'The pipe was repaired on 25 November; gas pressure is normal again. <b>Thank you</b>.';
    await appeals.answer(filed.id, officer, { text });
    r = await row(filed.id);
    assert.deepEqual([r.state, r.answer, r.answered_at?.getTime()], ['answered', text, now.getTime()]);
    const document = await db().selectFrom('documents_document').select(['subject', 'person_id', 'agency_id', 'decision', 'pdf']).where('id', '=', r.answer_document_id!).executeTakeFirstOrThrow();
    assert.deepEqual([document.subject, document.person_id, document.agency_id, document.decision], [filed.id, CITIZEN, 'hokimiyat-tashkent-city', 'answer']);
    assert.equal(Buffer.from(document.pdf).subarray(0, 5).toString(), '%PDF-');
    assert.ok((await notices(CITIZEN, 'appeals.core.notice.answered')).some((n) => n.params.number === filed.number));
    await rejects(appeals.answer(filed.id, officer, { text }), 'appeals.state-changed', 409);

    await rejects(appeals.rate(filed.id, OTHER, { stars: 5 }), 'not-found', 404);
    await rejects(appeals.rate(filed.id, CITIZEN, { stars: 6 }), 'validation', 400);
    await appeals.rate(filed.id, CITIZEN, { stars: 2, comment: 'Took long' });
    r = await row(filed.id);
    assert.deepEqual([r.state, r.rating, r.rating_comment], ['closed', 2, 'Took long']);
    await rejects(appeals.rate(filed.id, CITIZEN, { stars: 5 }), 'appeals.state-changed', 409);

    await rejects(appeals.complain(filed.id, OTHER, { reason: 'Not mine' }), 'not-found', 404);
    await appeals.complain(filed.id, CITIZEN, { reason: 'The pressure dropped again the next day' });
    r = await row(filed.id);
    // The district's appeal goes up to the region's administration.
    assert.deepEqual([r.state, r.agency_id, r.region, r.district, r.level, r.executor_id, r.answer, r.extended], ['open', 'hokimiyat-tashkent-city', 'tashkent-city', null, 1, null, null, false]);
    assert.ok(r.due_at > now);
    const [reopened] = await eventsOf(filed.id, 'reopened');
    assert.deepEqual(reopened!.data.to, { agencyId: 'hokimiyat-tashkent-city', district: null, level: 1 });
    assert.equal((await eventsOf(filed.id, 'answered'))[0]!.data.text, text, 'the first answer stays in the history');
    await rejects(appeals.complain(filed.id, CITIZEN, { reason: 'Twice' }), 'appeals.state-changed', 409);
  });

  test('a complaint goes to the parent agency; it may be made only within the term after the answer', async () => {
    const filed = await appeals.file(appeal({ topicId: 'passport-delay', place: {} }));
    await appeals.answer(filed.id, officer, { text: 'Your passport is ready at the migration office.' });
    await appeals.complain(filed.id, CITIZEN, { reason: 'It is not ready' });
    assert.equal((await row(filed.id)).agency_id, 'internal-affairs');
    // With no parent, the same agency answers one level up.
    await appeals.answer(filed.id, officer, { text: 'It is ready now; we apologise for the delay.' });
    await appeals.complain(filed.id, CITIZEN, { reason: 'Still not' });
    const r = await row(filed.id);
    assert.deepEqual([r.agency_id, r.level], ['internal-affairs', 2]);

    await appeals.answer(filed.id, officer, { text: 'Collected by the author on 30 November.' });
    const saved = now;
    now = new Date(now.getTime() + 32 * DAY);
    try {
      await rejects(appeals.complain(filed.id, CITIZEN, { reason: 'Too late' }), 'appeals.complaint-too-late', 409);
    } finally { now = saved; }
  });

  test('two heads assigning at once: one wins, the other is told', async () => {
    const filed = await appeals.file(appeal());
    const results = await Promise.allSettled([
      appeals.assign(filed.id, head, { executor: officer }),
      appeals.assign(filed.id, head, { executor: { id: person('editor'), name: 'Seytmuratova Aynura' } }),
    ]);
    assert.deepEqual(results.map((x) => x.status).sort(), ['fulfilled', 'rejected']);
    const failed = results.find((x) => x.status === 'rejected') as PromiseRejectedResult;
    assert.equal((failed.reason as AppError).code, 'appeals.state-changed');
    assert.equal((await eventsOf(filed.id, 'assigned')).length, 1);
  });

  test('an executor must be a person; an unknown appeal is not found', async () => {
    const filed = await appeals.file(appeal());
    await rejects(appeals.assign(filed.id, head, { executor: { id: randomUUID(), name: 'Nobody' } }), 'validation', 400);
    assert.equal((await row(filed.id)).state, 'open');
    await rejects(appeals.answer(randomUUID(), officer, { text: 'An answer to nothing at all here.' }), 'not-found', 404);
  });
});

describe('deadlines', () => {
  test('reminded once before the term, escalated once after it, closed after the time to complain', async () => {
    const filed = await appeals.file(appeal());
    await appeals.assign(filed.id, head, { executor: officer });
    const due = (await row(filed.id)).due_at;
    const early = await appeals.pollDeadlines(new Date(due.getTime() - 5 * DAY));
    assert.equal((await row(filed.id)).reminded_at, null, 'not yet');
    void early;
    const at = new Date(due.getTime() - 2 * DAY);
    await Promise.all([appeals.pollDeadlines(at), appeals.pollDeadlines(at)]);
    await appeals.pollDeadlines(new Date(at.getTime() + 3600_000));
    assert.equal((await row(filed.id)).reminded_at?.getTime(), at.getTime());
    assert.equal((await eventsOf(filed.id, 'reminded')).length, 1);
    assert.equal((await notices(OFFICER, 'appeals.core.notice.reminder')).filter((n) => n.params.number === filed.number).length, 1);

    const late = new Date(due.getTime() + 3600_000);
    await Promise.all([appeals.pollDeadlines(late), appeals.pollDeadlines(late)]);
    await appeals.pollDeadlines(new Date(late.getTime() + DAY));
    assert.equal((await row(filed.id)).escalated_at?.getTime(), late.getTime());
    assert.equal((await eventsOf(filed.id, 'escalated')).length, 1);
    // Every head of the agency is told, once.
    assert.equal((await notices(HEAD, 'appeals.core.notice.overdue')).filter((n) => n.params.number === filed.number).length, 1);

    await appeals.answer(filed.id, officer, { text: 'The pothole was filled on 10 December, sorry for the delay.' });
    const answeredAt = (await row(filed.id)).answered_at!;
    await appeals.pollDeadlines(new Date(answeredAt.getTime() + 20 * DAY));
    assert.equal((await row(filed.id)).state, 'answered');
    await appeals.pollDeadlines(new Date(answeredAt.getTime() + 40 * DAY));
    assert.equal((await row(filed.id)).state, 'closed');
    assert.equal((await eventsOf(filed.id, 'closed')).length, 1);
  });
});

describe('data and access', () => {
  test('terms: overrides by kind and agency; a broken file is named with line and path', () => {
    const terms = appeals.terms('statement', 'hududgaz');
    assert.deepEqual([terms.answer.days, terms.extension.days, terms.forward.days, terms.forward.kind], [15, 30, 5, 'working']);
    assert.equal(appeals.terms('proposal', 'hududgaz').answer.days, 30);
    assert.equal(appeals.terms('statement', 'cadastre').answer.days, 30);
    assert.match(terms.answer.basis, /ZRU-445/);
    const dir = mkdtempSync(join(tmpdir(), 'darcha-terms-'));
    try {
      const file = join(dir, 'terms.yaml');
      writeFileSync(file, 'law: { title: x, url: "https://lex.uz" }\ndefault:\n  answer: { days: 15, kind: calendar, basis: "ZRU-445" }\n  extension: { days: 30, kind: fortnightly, basis: "ZRU-445" }\n');
      assert.throws(() => readTerms(file), (e: Error) => /terms\.yaml:4: default\.extension\.kind/.test(e.message) && /default: missing forward, remindBefore, complainWithin/.test(e.message));
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  test('every district centre lies inside the outline; neighbours’ cities do not', () => {
    assert.equal(DISTRICT_CENTRES.length, 206);
    assert.deepEqual(DISTRICT_CENTRES.filter((c) => !inUzbekistan(c.lat, c.lon)).map((c) => c.id), []);
    for (const [lat, lon] of [[43.24, 76.9], [42.87, 74.6], [38.56, 68.78], [37.95, 58.38], [40.28, 69.62], [42.3, 69.6], [41.83, 59.96], [40.53, 72.8], [36.7, 67.1]]) {
      assert.equal(inUzbekistan(lat!, lon!), false, `${lat}, ${lon}`);
    }
  });

  test('who may handle an appeal', () => {
    const session = (roles: Partial<Session['roles'][number]>[]) => ({ roles: roles.map((r) => ({ role: 'officer', agencyId: null, unit: null, region: null, district: null, position: null, ...r })) }) as unknown as Session;
    const a = { agencyId: 'hokimiyat-tashkent-city', region: 'tashkent-city', district: 'yunusobod' };
    assert.equal(mayHandle(session([{ agencyId: a.agencyId, unit: 'appeals', region: 'tashkent-city', district: 'yunusobod' }]), a), true);
    assert.equal(mayHandle(session([{ agencyId: a.agencyId, unit: null, region: 'tashkent-city' }]), a), true);
    assert.equal(mayHandle(session([{ agencyId: a.agencyId, unit: 'appeals', region: 'tashkent-city', district: 'chilonzor' }]), a), false);
    assert.equal(mayHandle(session([{ agencyId: a.agencyId, unit: 'applications', region: 'tashkent-city' }]), a), false);
    assert.equal(mayHandle(session([{ agencyId: 'hududgaz', unit: 'appeals' }]), a), false);
    assert.equal(mayHandle(session([{ role: 'head', agencyId: a.agencyId }]), { ...a, district: null }), true);
  });

});
