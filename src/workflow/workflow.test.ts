import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { sql } from 'kysely';
import { pino } from 'pino';
import { testDatabase } from '../testing.js';
import { AppError, migrateToLatest, openDatabase, type AppContext, type Database, type Db } from '../platform/index.js';
import { actionLabel, addWorkingDays, DEMO_WORKFLOWS_DIR, stateLabel, workflowModule, type Actor, type WorkflowOptions } from './index.js';
import { workflowMigrations } from './workflow.tables.js';

// Both engines: PGlite in memory, or a fresh database on the server of DATABASE_URL.

const at = (local: string) => new Date(`${local}+05:00`);
const endOf = (day: string) => new Date(`${day}T23:59:59.999+05:00`);
const officer: Actor = { kind: 'officer', id: '00000000-0000-4000-8000-000000000005', name: 'Dilshod Karimov' };
const head: Actor = { kind: 'head', id: '00000000-0000-4000-8000-000000000006', name: 'Nodira Azimova' };
const applicant: Actor = { kind: 'applicant', id: '00000000-0000-4000-8000-000000000001' };
const system: Actor = { kind: 'system', id: null };
const STANDARD = { id: 'standard', version: 1 };

async function setup(t: TestContext) {
  const database = await testDatabase();
  t.after(() => database.close());
  await migrateToLatest(database.db, workflowMigrations);
  return database;
}

/** The module started on a database, as `src/app.ts` would (without its own poller running). */
async function started(t: TestContext, db: Db, options: WorkflowOptions = {}) {
  const workflow = workflowModule({ pollMs: 3_600_000, ...options });
  await workflow.start!({ db, log: pino({ level: 'silent' }) } as unknown as AppContext);
  t.after(() => workflow.stop!());
  return workflow;
}

/** Runs `fn` and returns the AppError it throws (failing when it throws nothing or something else). */
async function refusal(fn: () => Promise<unknown>): Promise<AppError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  assert.fail('the step was allowed');
}

test('transitions: allowed and refused by state and by actor, reasons, history with who, when and why', async (t) => {
  const { db } = await setup(t);
  const wf = await started(t, db);
  const subject = randomUUID();
  const step = (from: string, action: string, actor: Actor, when: string, reason?: string) =>
    db.transaction().execute((trx) => wf.transition(trx, { subject, definition: STANDARD, from, action, actor, reason, at: at(when) }));

  // Submitted on Friday 20 March 2026 (a holiday): a term of 1 working day ends on Tuesday 24.
  const begun = await db.transaction().execute((trx) => wf.begin(trx, { subject, definition: STANDARD, actor: { ...applicant, name: 'Aziz Rahimov' }, at: at('2026-03-20T10:00:00') }));
  assert.deepEqual(begun, { state: 'submitted', dueAt: endOf('2026-03-24') });
  // The same subject again (a double submit) changes nothing.
  assert.deepEqual(await db.transaction().execute((trx) => wf.begin(trx, { subject, definition: STANDARD, at: at('2026-03-21T10:00:00') })), begun);

  // Refused: not from this state, not by this kind of actor, an action the definition lacks.
  for (const [from, action, actor] of [
    ['submitted', 'approve', officer], ['submitted', 'take', applicant], ['submitted', 'take', system],
    ['submitted', 'withdraw', officer], ['submitted', 'destroy', head], ['approved', 'take', officer],
  ] as const) {
    const error = await refusal(() => step(from, action, actor, '2026-03-24T09:00:00'));
    assert.equal(error.code, 'workflow.not-allowed', `${actor.kind} ${action} from ${from}`);
    assert.equal(error.status, 409);
  }
  assert.equal((await wf.history(db, subject)).length, 1, 'refused steps record nothing');

  // Taken into review on Tuesday 24 March: 5 working days, to Tuesday 31 March.
  assert.deepEqual(await step('submitted', 'take', officer, '2026-03-24T09:00:00'), { state: 'in_review', dueAt: endOf('2026-03-31') });

  // A required reason: missing or blank is refused; given, it is kept.
  for (const reason of [undefined, '', '   ']) {
    const error = await refusal(() => step('in_review', 'request_info', officer, '2026-03-25T11:00:00', reason));
    assert.equal(error.code, 'workflow.reason-required');
    assert.equal(error.status, 400);
  }
  assert.equal((await refusal(() => step('in_review', 'request_info', officer, '2026-03-25T11:00:00', 'x'.repeat(4001)))).code, 'workflow.reason-too-long');
  assert.deepEqual(await step('in_review', 'request_info', officer, '2026-03-25T11:00:00', '  A copy of the lease, please.  '),
    { state: 'need_info', dueAt: addWorkingDays(at('2026-03-25T11:00:00'), 10) });

  // A stale `from` (the subject has moved on) is refused, even when the action would be allowed from it.
  assert.equal((await refusal(() => step('in_review', 'approve', officer, '2026-03-26T09:00:00'))).code, 'workflow.stale');

  assert.equal((await step('need_info', 'provide_info', applicant, '2026-03-27T18:00:00', 'Attached.')).state, 'in_review');
  assert.equal((await refusal(() => step('in_review', 'reject', head, '2026-03-30T10:00:00'))).code, 'workflow.reason-required');
  assert.deepEqual(await step('in_review', 'approve', head, '2026-03-30T10:00:00'), { state: 'approved', dueAt: null });
  assert.equal((await refusal(() => step('approved', 'withdraw', applicant, '2026-03-30T11:00:00'))).code, 'workflow.not-allowed');

  const history = await wf.history(db, subject);
  assert.deepEqual(history.map((h) => [h.from, h.to, h.action, h.actorKind]), [
    ['', 'submitted', 'begin', 'applicant'],
    ['submitted', 'in_review', 'take', 'officer'],
    ['in_review', 'need_info', 'request_info', 'officer'],
    ['need_info', 'in_review', 'provide_info', 'applicant'],
    ['in_review', 'approved', 'approve', 'head'],
  ]);
  assert.deepEqual(history[2]!.at, at('2026-03-25T11:00:00'));
  assert.equal(history[2]!.reason, 'A copy of the lease, please.');
  assert.equal(history[2]!.actorId, officer.id);
  assert.equal(history[2]!.actorName, 'Dilshod Karimov');
  assert.equal(history[0]!.actorName, 'Aziz Rahimov');
  assert.equal(history[1]!.reason, null);
  assert.deepEqual(history[1]!.dueAt, endOf('2026-03-31'));
  assert.equal(history[4]!.dueAt, null);
  const def = wf.definition('standard', 1);
  assert.equal(stateLabel(def, history[2]!.to, 'ru'), 'Нужны дополнительные сведения');
  assert.equal(actionLabel(def, history[4]!.action, 'uz'), 'Maʼqullash');
  assert.equal(actionLabel(def, history[0]!.action, 'en'), 'Application received');
});

test('transitions are written in the caller\'s transaction, and one of two concurrent decisions wins', async (t) => {
  const { db } = await setup(t);
  const wf = await started(t, db);
  const subject = randomUUID();
  await db.transaction().execute((trx) => wf.begin(trx, { subject, definition: STANDARD, actor: applicant }));

  // The caller's change fails after the transition: neither is kept.
  await assert.rejects(db.transaction().execute(async (trx) => {
    await wf.transition(trx, { subject, definition: STANDARD, from: 'submitted', action: 'take', actor: officer });
    throw new Error('the application could not be saved');
  }), /could not be saved/);
  assert.equal((await wf.history(db, subject)).length, 1);
  const row = await db.selectFrom('workflow_due').select('state').where('subject', '=', subject).executeTakeFirstOrThrow();
  assert.equal(row.state, 'submitted');

  await db.transaction().execute((trx) => wf.transition(trx, { subject, definition: STANDARD, from: 'submitted', action: 'take', actor: officer }));
  // Two officers decide at the same moment: one approves, the other rejects. One wins, the other is stale.
  const results = await Promise.allSettled([
    db.transaction().execute((trx) => wf.transition(trx, { subject, definition: STANDARD, from: 'in_review', action: 'approve', actor: officer })),
    db.transaction().execute((trx) => wf.transition(trx, { subject, definition: STANDARD, from: 'in_review', action: 'reject', actor: head, reason: 'Incomplete' })),
  ]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.equal((failed.reason as AppError).code, 'workflow.stale');
  const decisions = (await wf.history(db, subject)).filter((h) => h.action === 'approve' || h.action === 'reject');
  assert.equal(decisions.length, 1, 'one decision recorded');

  // A subject the module was never told of begins in the state the caller gives.
  const other = randomUUID();
  const taken = await db.transaction().execute((trx) => wf.transition(trx, { subject: other, definition: STANDARD, from: 'submitted', action: 'take', actor: officer, term: { days: 15, kind: 'calendar' }, at: at('2026-03-02T10:00:00') }));
  // A service's own term replaces the state's: 15 calendar days from 2 March is Tuesday 17 March.
  assert.deepEqual(taken, { state: 'in_review', dueAt: endOf('2026-03-17') });
  await assert.rejects(db.transaction().execute((trx) => wf.transition(trx, { subject: other, definition: { id: 'standard', version: 7 }, from: 'in_review', action: 'approve', actor: officer })),
    (e: unknown) => e instanceof AppError && e.code === 'workflow.definition-not-found');
});

test('versions: a changed definition needs a new version, and subjects keep the version they began with', async (t) => {
  const { db } = await setup(t);
  const dir = mkdtempSync(join(tmpdir(), 'darcha-wf-versions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const v1 = readFileSync(join(DEMO_WORKFLOWS_DIR, 'standard.yaml'), 'utf8');
  writeFileSync(join(dir, 'standard.yaml'), v1);
  const first = await started(t, db, { dir });
  const old = randomUUID();
  await db.transaction().execute((trx) => first.begin(trx, { subject: old, definition: STANDARD, actor: applicant }));

  // The same version number with other content is refused at start.
  const changed = v1.replace('term: { days: 5, kind: working }', 'term: { days: 3, kind: working }');
  writeFileSync(join(dir, 'standard.yaml'), changed);
  await assert.rejects(started(t, db, { dir }), /"standard" version 1 differs .* needs a new version number/);

  // As version 2, with an action v1 lacks: the officer may return an application to the applicant.
  const v2 = changed.replace('version: 1', 'version: 2').replace('  approve:\n', [
    '  return:', '    from: [submitted]', '    to: withdrawn', '    who: [officer]', '    reason: required',
    '    label: { uz: Qaytarish, oz: Қайтариш, kaa: Qaytarıw, ru: Вернуть, en: Return }', '  approve:', '',
  ].join('\n'));
  writeFileSync(join(dir, 'standard.yaml'), v2);
  const second = await started(t, db, { dir });
  assert.equal(second.definition('standard').version, 2);
  assert.deepEqual(second.definition('standard', 1).states.in_review!.term, { days: 5, kind: 'working' }, 'version 1 is still there, from the database');
  assert.deepEqual(second.definition('standard', 2).states.in_review!.term, { days: 3, kind: 'working' });
  const versions = await db.selectFrom('workflow_definition').select(['id', 'version']).where('id', '=', 'standard').orderBy('version').execute();
  assert.deepEqual(versions.map((v) => v.version), [1, 2]);

  // The old subject follows version 1: no `return`, and 5 working days in review.
  const refused = await refusal(() => db.transaction().execute((trx) => second.transition(trx, { subject: old, definition: STANDARD, from: 'submitted', action: 'return', actor: officer, reason: 'Wrong office' })));
  assert.equal(refused.code, 'workflow.not-allowed');
  const taken = await db.transaction().execute((trx) => second.transition(trx, { subject: old, definition: STANDARD, from: 'submitted', action: 'take', actor: officer, at: at('2026-03-02T10:00:00') }));
  assert.deepEqual(taken.dueAt, endOf('2026-03-10'), '5 working days (Sunday 8 March a holiday, Monday 9 its moved day off)');
  // A new subject on version 2 may be returned.
  const fresh = randomUUID();
  await db.transaction().execute((trx) => second.begin(trx, { subject: fresh, definition: { id: 'standard', version: 2 }, actor: applicant }));
  assert.equal((await db.transaction().execute((trx) => second.transition(trx, { subject: fresh, definition: { id: 'standard', version: 2 }, from: 'submitted', action: 'return', actor: officer, reason: 'Wrong office' }))).state, 'withdrawn');
  // Telling it the wrong version for a subject is a programming error, not a silent switch.
  await assert.rejects(db.transaction().execute((trx) => second.transition(trx, { subject: old, definition: { id: 'standard', version: 2 }, from: 'in_review', action: 'approve', actor: officer })), /follows standard version 1/);
});

test('overdue: the handler is called once per subject and stay in a state, with a moved clock and concurrent pollers', async (t) => {
  const database = await setup(t);
  const { db } = database;
  let now = at('2026-03-20T10:00:00');
  const clock = () => now;
  // A second connection pool to the same database stands for a second process (PostgreSQL);
  // PGlite is one connection in one process, so both pollers share it there.
  let other: Database | undefined;
  if (database.engine === 'postgres') {
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${rows[0]!.name}`;
    other = await openDatabase({ url: url.toString(), poolSize: 5 });
    t.after(() => other!.close());
  }
  const options: WorkflowOptions = { clock, overdue: { batch: 3 } };
  const a = await started(t, db, options);
  const b = await started(t, other?.db ?? db, options);
  const calls: string[] = [];
  const handler = async (subject: string, overdue: { state: string; dueAt: Date }) => {
    calls.push(`${subject}:${overdue.state}`);
    // Slow enough for the other poller to run meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
  a.onOverdue(handler);
  b.onOverdue(handler);

  const subjects = Array.from({ length: 20 }, () => randomUUID());
  for (const subject of subjects) await db.transaction().execute((trx) => a.begin(trx, { subject, definition: STANDARD, actor: applicant }));
  // One finished before its term: never overdue.
  const done = subjects[0]!;
  await db.transaction().execute(async (trx) => {
    await a.transition(trx, { subject: done, definition: STANDARD, from: 'submitted', action: 'withdraw', actor: applicant });
  });

  // Due at the end of Tuesday 24 March: not yet on the Tuesday, overdue on the Wednesday.
  now = at('2026-03-24T23:00:00');
  assert.deepEqual(await Promise.all([a.pollOverdue(), b.pollOverdue()]), [0, 0]);
  assert.equal(calls.length, 0);
  now = at('2026-03-25T00:01:00');
  const counts = await Promise.all([a.pollOverdue(), b.pollOverdue(), a.pollOverdue(), b.pollOverdue()]);
  assert.equal(counts.reduce((x, y) => x + y, 0), 19);
  assert.equal(calls.length, 19, 'each overdue subject once');
  assert.equal(new Set(calls).size, 19);
  assert.ok(!calls.some((c) => c.startsWith(done)), 'a finished subject is not overdue');
  assert.ok(calls.every((c) => c.endsWith(':submitted')));
  // Later passes find nothing more, however the clock moves.
  now = at('2026-04-30T12:00:00');
  assert.deepEqual(await Promise.all([a.pollOverdue(), b.pollOverdue()]), [0, 0]);
  assert.equal(calls.length, 19);

  // A new stay in a state has its own term, and is escalated once more when it outlives it.
  const late = subjects[1]!;
  await db.transaction().execute((trx) => a.transition(trx, { subject: late, definition: STANDARD, from: 'submitted', action: 'take', actor: officer, at: at('2026-04-30T12:00:00') }));
  now = at('2026-05-07T12:00:00'); // Thursday: 5 working days from 30 April end on Thursday 7 May (1 May a Friday, not a holiday)
  assert.deepEqual(await Promise.all([a.pollOverdue(), b.pollOverdue()]), [0, 0]);
  now = at('2026-05-08T00:00:01');
  assert.equal((await Promise.all([a.pollOverdue(), b.pollOverdue()])).reduce((x, y) => x + y, 0), 1);
  assert.equal(calls.at(-1), `${late}:in_review`);
  assert.equal(calls.length, 20);
});

test('overdue: a failing handler is not lost: the subject is tried again when the claim runs out', async (t) => {
  const { db } = await setup(t);
  let now = at('2026-03-02T10:00:00');
  const wf = await started(t, db, { clock: () => now, overdue: { leaseMs: 5 * 60_000 } });
  const subject = randomUUID();
  await db.transaction().execute((trx) => wf.begin(trx, { subject, definition: STANDARD, actor: applicant }));
  // Nobody registered to hear it yet: nothing is claimed or marked.
  now = at('2026-03-04T10:00:00');
  assert.equal(await wf.pollOverdue(), 0);
  let attempts = 0;
  wf.onOverdue(async () => {
    attempts++;
    if (attempts === 1) throw new Error('the head of the unit could not be told');
  });
  assert.equal(await wf.pollOverdue(), 0);
  assert.equal(attempts, 1);
  assert.equal(await wf.pollOverdue(), 0, 'still claimed by the failed try');
  assert.equal(attempts, 1);
  now = new Date(now.getTime() + 6 * 60_000);
  assert.equal(await wf.pollOverdue(), 1);
  assert.equal(attempts, 2);
  assert.equal(await wf.pollOverdue(), 0);
  const row = await db.selectFrom('workflow_due').select(['escalated_at', 'claimed_until']).where('subject', '=', subject).executeTakeFirstOrThrow();
  assert.deepEqual(row.escalated_at, now);
  assert.equal(row.claimed_until, null);
});
