// The appeals service (issue #8): filing with validation, routing and idempotency, and the
// life of an appeal after it: forward, assign, extend, answer, rate, complain, deadlines.
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { CatalogSnapshot } from '../catalog/index.js';
import { districtById, notify, notifySteps } from '../identity/index.js';
import { AppError, local, t, ValidationError, DEFAULT_LOCALE, type Db, type Locale } from '../platform/index.js';
import { pollDeadlines } from './deadlines.js';
import { checkFiling, count, LIMITS, type CheckedFiling } from './filing.js';
import { higherBody, regionOfHokimiyat } from './routing.js';
import { countAppeals, findAppeal, findBy, insertEvents, listAppeals, listEvents, toAppeal, type AppealRow, type NewEvent } from './store.js';
import type { TermsBook } from './terms.js';
import type { Actor, Appeal, AppealEvent, AppealFilter, AppealKind, AppealsApi, FiledAppeal, NewAppeal, Terms, Topic } from './types.js';
import { tashkentDay } from './analytics/period.js';

// The limits and types of attachments, where the pages read them.
export { LIMITS, ATTACHMENT_TYPES } from './filing.js';

/** What the service needs of the documents module: the signed answer. */
export interface AnswerSigner {
  issue(trx: Db, input: {
    subject: string; personId: string; businessId: string | null; agencyId: string; locale: Locale; title: string; number: string;
    lines: [string, string][]; decision: 'answer'; signedBy: string;
  }): Promise<{ documentId: string }>;
}

export interface AppealServiceDeps {
  db: Db;
  log: Logger;
  catalog: () => CatalogSnapshot | undefined;
  topics: Topic[];
  terms: TermsBook;
  documents?: AnswerSigner;
  now: () => Date;
}

const OPEN = ['open', 'assigned'];

/** The Tashkent year (UTC+5): numbers carry it. */
const tashkentYear = (at: Date) => tashkentDay(at).slice(0, 4);

export class AppealService implements AppealsApi {
  private readonly byId: Map<string, Topic>;

  constructor(private readonly deps: AppealServiceDeps) {
    this.byId = new Map(deps.topics.map((topic) => [topic.id, topic]));
  }

  topics(): Topic[] { return this.deps.topics; }
  topic(id: string): Topic | undefined { return this.byId.get(id); }
  terms(kind: AppealKind, agencyId: string): Terms { return this.deps.terms.terms(kind, agencyId); }

  async get(id: string): Promise<Appeal | undefined> {
    const row = await findAppeal(this.deps.db, id);
    return row && toAppeal(row);
  }
  async byNumber(number: string): Promise<Appeal | undefined> {
    const row = await findBy(this.deps.db, 'number', number);
    return row && toAppeal(row);
  }
  async byToken(token: string): Promise<Appeal | undefined> {
    const row = await findBy(this.deps.db, 'token', token);
    return row && toAppeal(row);
  }
  async list(filter: AppealFilter): Promise<Appeal[]> { return (await listAppeals(this.deps.db, filter)).map(toAppeal); }
  count(filter: AppealFilter): Promise<number> { return countAppeals(this.deps.db, filter); }
  events(id: string): Promise<AppealEvent[]> { return listEvents(this.deps.db, id); }

  /**
   * Files an appeal: checks every field (all problems at once, in the author's language), finds
   * its place and its body, and registers it with one insert of the appeal and one of its event;
   * a person is notified. The same idempotency key from the same author gives the first appeal.
   */
  async file(input: NewAppeal, trx?: Db): Promise<FiledAppeal> {
    const checked = await checkFiling(input, trx ?? this.deps.db, (id) => this.topic(id));
    const run = (db: Db) => this.register(db, input, checked);
    if (trx) return run(trx);
    // Without attachments, registering is one statement: atomic without a transaction.
    if (checked.attachments.length === 0) return run(this.deps.db);
    return this.deps.db.transaction().execute(run);
  }

  private async register(db: Db, input: NewAppeal, c: CheckedFiling): Promise<FiledAppeal> {
    const now = this.deps.now();
    const a = input.author;
    const scope = input.clientId ?? input.enteredBy?.id ?? (a.kind === 'business' ? a.businessId : a.kind === 'person' ? a.personId : 'external');
    const key = `${scope}:${input.idempotencyKey}`;
    const dueAt = this.deps.terms.end(now, this.terms(input.kind, c.route.agencyId).answer);
    const id = randomUUID();
    const token = input.channel === 'open311' ? randomBytes(18).toString('base64url') : null;
    const data = JSON.stringify({ agencyId: c.route.agencyId, region: c.route.region, district: c.route.district, dueAt: dueAt.toISOString(), channel: input.channel });
    // One statement registers the appeal, its first event and the author's notice; a key already
    // used inserts none of them.
    const appeal = db.insertInto('appeals_appeal').values({
      id, number: sql<string>`'M-' || ${String(tashkentYear(now))} || '-' || lpad(nextval('appeals_number_seq')::text, 7, '0')`,
      kind: input.kind, author_kind: a.kind, author_person_id: a.kind === 'external' ? null : a.personId,
      author_business_id: a.kind === 'business' ? a.businessId : null, author_name: a.name,
      author_contact: JSON.stringify(a.kind === 'external' ? a.contact ?? {} : {}), locale: input.locale, channel: input.channel,
      client_id: input.clientId ?? null, token, topic_id: c.topic.id, sphere_id: c.topic.sphereId, summary: input.summary, body: input.body,
      region: c.route.region, district: c.route.district, lat: c.place.lat, lon: c.place.lon, address: c.place.address,
      agency_id: c.route.agencyId, state: 'open', executor_id: null, executor_name: null, co_executors: '[]',
      registered_at: now, due_at: dueAt, reminded_at: null, escalated_at: null, answered_at: null, answer: null, answer_document_id: null,
      rating: null, rating_comment: null, rated_at: null, application_id: input.applicationId ?? null, idempotency_key: key, updated_at: now,
    }).onConflict((oc) => oc.column('idempotency_key').doNothing()).returning(['id', 'number']);
    const notice = a.kind === 'external' ? sql`` : sql`, ${notifySteps({
      personId: a.personId, businessId: a.kind === 'business' ? a.businessId : null, messageKey: 'appeals.core.notice.registered',
      params: sql`jsonb_build_object('number', made.number, 'date', ${tashkentDay(dueAt)}::text)`, link: sql`${`/cabinet/appeals/${id}`}::text`, when: 'made',
    })}`;
    const { rows: [made] } = await sql<{ number: string }>`
      with made as (${appeal}),
      logged as (
        insert into appeals_event (appeal_id, at, kind, actor_id, actor_name, reason, data)
        select id, ${now}::timestamptz, 'registered', ${input.enteredBy?.id ?? null}::text, ${input.enteredBy?.name ?? null}::text, null::text, ${data}::jsonb from made
      )${notice}
      select number from made`.execute(db);
    if (!made) {
      // The key made an appeal before (or a concurrent call just committed one): that one is the answer.
      const first = await findBy(db, 'idempotency_key', key);
      if (!first) throw new AppError('appeals.state-changed', 409);
      return { id: first.id, number: first.number, token: first.token, agencyId: first.agency_id, region: first.region, district: first.district, dueAt: first.due_at, created: false };
    }
    if (c.attachments.length > 0) {
      await db.insertInto('appeals_attachment').values(c.attachments.map((f) => ({ id: randomUUID(), appeal_id: id, ...f }))).execute();
    }
    return { id, number: made.number, token, agencyId: c.route.agencyId, region: c.route.region, district: c.route.district, dueAt, created: true };
  }

  /** Loads and locks an appeal for a change, in one of the states it may start from; 404 or 409 otherwise. */
  private async lock(trx: Db, id: string, from: string[]): Promise<AppealRow> {
    const row = await findAppeal(trx, id, { lock: true });
    if (!row) throw new AppError('not-found', 404);
    if (!from.includes(row.state)) throw new AppError('appeals.state-changed', 409);
    return row;
  }

  private reasonOf(value: unknown, pointer = '/reason', l: Locale = DEFAULT_LOCALE): string {
    if (typeof value !== 'string' || count(value) < LIMITS.reason[0] || value.length > LIMITS.reason[1]) {
      throw new ValidationError([{ pointer, detail: t(l, 'appeals.core.invalid.reason', { max: LIMITS.reason[1] }) }]);
    }
    return value.trim();
  }

  private agencyName(agencyId: string, l: Locale): string {
    const agency = this.deps.catalog()?.agency(agencyId);
    return agency ? local(agency.name, l) : agencyId;
  }

  /** Tells the author (when a person) of a step, in the language they read their notifications in. */
  private async tellAuthor(db: Db, row: AppealRow, what: string, params: Record<string, string> = {}): Promise<void> {
    if (!row.author_person_id) return;
    await notify(db, { personId: row.author_person_id, businessId: row.author_business_id, messageKey: `appeals.core.notice.${what}`, params: { number: row.number, ...params }, link: `/cabinet/appeals/${row.id}` });
  }

  private event(row: AppealRow, at: Date, kind: string, actor: Actor | null, reason: string | null, data: Record<string, unknown>): NewEvent {
    return { appeal_id: row.id, at, kind, actor_id: actor?.id ?? null, actor_name: actor?.name ?? null, reason, data };
  }

  async forward(id: string, actor: Actor, to: { agencyId: string; district?: string | null; reason: string }): Promise<void> {
    const reason = this.reasonOf(to.reason);
    const catalog = this.deps.catalog();
    if (typeof to.agencyId !== 'string' || !catalog?.agency(to.agencyId)) throw new ValidationError([{ pointer: '/agencyId', detail: t(DEFAULT_LOCALE, 'appeals.core.invalid.agency') }]);
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.lock(trx, id, OPEN);
      const l = row.locale as Locale;
      // Forwarded to a local administration, the appeal takes its region; a district must lie in it.
      const region = regionOfHokimiyat(to.agencyId) ?? row.region;
      let district = to.district === undefined ? (region === row.region ? row.district : null) : to.district;
      if (district && districtById(district)?.region !== region) throw new ValidationError([{ pointer: '/district', detail: t(l, 'appeals.core.invalid.district') }]);
      district ??= null;
      if (to.agencyId === row.agency_id && district === row.district) throw new ValidationError([{ pointer: '/agencyId', detail: t(l, 'appeals.core.invalid.same-agency') }]);
      const now = this.deps.now();
      // The term runs from the day the competent body receives the appeal (ZRU-445, art. 19).
      const dueAt = this.deps.terms.end(now, this.terms(row.kind as AppealKind, to.agencyId).answer);
      const late = now > this.deps.terms.end(row.registered_at, this.terms(row.kind as AppealKind, row.agency_id).forward);
      await trx.updateTable('appeals_appeal').set({
        agency_id: to.agencyId, region, district, state: 'open', executor_id: null, executor_name: null, co_executors: '[]',
        due_at: dueAt, extended: false, reminded_at: null, escalated_at: null, updated_at: now,
      }).where('id', '=', id).execute();
      await insertEvents(trx, [this.event(row, now, 'forwarded', actor, reason, {
        from: { agencyId: row.agency_id, region: row.region, district: row.district }, to: { agencyId: to.agencyId, region, district }, dueAt: dueAt.toISOString(), late,
      })]);
      await this.tellAuthor(trx, row, 'forwarded', { agency: this.agencyName(to.agencyId, l), reason });
    });
  }

  async assign(id: string, actor: Actor, input: { executor: Actor; coExecutors?: Actor[] }): Promise<void> {
    const people = [input.executor, ...(input.coExecutors ?? [])];
    if (!input.executor?.id || people.some((p) => typeof p?.id !== 'string' || typeof p.name !== 'string' || !p.name.trim())) {
      throw new ValidationError([{ pointer: '/executor', detail: t(DEFAULT_LOCALE, 'appeals.core.invalid.executor') }]);
    }
    const co = (input.coExecutors ?? []).filter((p, i, all) => p.id !== input.executor.id && all.findIndex((q) => q.id === p.id) === i);
    await this.deps.db.transaction().execute(async (trx) => {
      // Only from open: a second click, or a head on a stale page, is told that it changed.
      const row = await this.lock(trx, id, ['open']);
      const known = await trx.selectFrom('identity_person').select('id').where('id', 'in', [input.executor.id, ...co.map((p) => p.id)]).execute();
      if (known.length !== co.length + 1) throw new ValidationError([{ pointer: '/executor', detail: t(row.locale as Locale, 'appeals.core.invalid.executor') }]);
      const now = this.deps.now();
      await trx.updateTable('appeals_appeal').set({
        state: 'assigned', executor_id: input.executor.id, executor_name: input.executor.name, co_executors: JSON.stringify(co.map(({ id: pid, name }) => ({ id: pid, name }))), updated_at: now,
      }).where('id', '=', id).where('state', '=', 'open').execute();
      await insertEvents(trx, [this.event(row, now, 'assigned', actor, null, { executor: { id: input.executor.id, name: input.executor.name }, coExecutors: co })]);
      for (const p of [input.executor, ...co]) {
        await notify(trx, { personId: p.id, messageKey: 'appeals.core.notice.assigned', params: { number: row.number, date: tashkentDay(row.due_at) }, link: `/office/appeals/${row.id}` });
      }
    });
  }

  async extend(id: string, actor: Actor, input: { days: number; reason: string }): Promise<void> {
    const reason = this.reasonOf(input.reason);
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.lock(trx, id, OPEN);
      const l = row.locale as Locale;
      if (row.extended) throw new AppError('appeals.already-extended', 409);
      const rule = this.terms(row.kind as AppealKind, row.agency_id).extension;
      if (!Number.isInteger(input.days) || input.days < 1 || input.days > rule.days) {
        throw new ValidationError([{ pointer: '/days', detail: t(l, 'appeals.core.invalid.days', { max: rule.days }) }]);
      }
      const now = this.deps.now();
      const dueAt = this.deps.terms.end(row.due_at, { days: input.days, kind: rule.kind });
      const changed = await trx.updateTable('appeals_appeal').set({ due_at: dueAt, extended: true, reminded_at: null, escalated_at: null, updated_at: now })
        .where('id', '=', id).where('extended', '=', false).executeTakeFirst();
      if (Number(changed.numUpdatedRows) !== 1) throw new AppError('appeals.already-extended', 409);
      await insertEvents(trx, [this.event(row, now, 'extended', actor, reason, { from: row.due_at.toISOString(), to: dueAt.toISOString(), days: input.days })]);
      await this.tellAuthor(trx, row, 'extended', { date: tashkentDay(dueAt), reason });
    });
  }

  async answer(id: string, actor: Actor, input: { text: string }): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.lock(trx, id, OPEN);
      const l = row.locale as Locale;
      const text = input.text;
      if (typeof text !== 'string' || count(text) < LIMITS.answer[0] || [...text].length > LIMITS.answer[1]) {
        throw new ValidationError([{ pointer: '/text', detail: t(l, 'appeals.core.invalid.answer', { min: LIMITS.answer[0], max: LIMITS.answer[1] }) }]);
      }
      const now = this.deps.now();
      let documentId: string | null = null;
      if (this.deps.documents && row.author_person_id) {
        const topic = this.topic(row.topic_id);
        const lines: [string, string][] = [
          [t(l, 'appeals.core.doc.topic'), topic ? local(topic.name, l) : row.topic_id],
          [t(l, 'appeals.core.doc.registered'), tashkentDay(row.registered_at)],
          [t(l, 'appeals.core.doc.summary'), row.summary],
          // A document line holds at most 2000 characters: a long answer takes several.
          ...chunks(text.trim(), 2000).map((part, i): [string, string] => [i === 0 ? t(l, 'appeals.core.doc.answer') : '…', part]),
        ];
        ({ documentId } = await this.deps.documents.issue(trx, {
          subject: row.id, personId: row.author_person_id, businessId: row.author_business_id, agencyId: row.agency_id, locale: l,
          title: t(l, 'appeals.core.doc.title', { number: row.number }), number: row.number, lines, decision: 'answer', signedBy: actor.name || '—',
        }));
      }
      await trx.updateTable('appeals_appeal').set({
        state: 'answered', answer: text, answered_at: now, answer_document_id: documentId, updated_at: now,
        executor_id: row.executor_id ?? actor.id, executor_name: row.executor_name ?? actor.name,
      }).where('id', '=', id).execute();
      await insertEvents(trx, [this.event(row, now, 'answered', actor, null, { text, documentId, level: Number(row.level) })]);
      await this.tellAuthor(trx, row, 'answered');
    });
  }

  /** The author's appeal, locked, in a state it may start from; someone else's is not found. */
  private async lockForAuthor(trx: Db, id: string, personId: string, from: string[]): Promise<AppealRow> {
    const row = await findAppeal(trx, id, { lock: true });
    if (!row || row.author_person_id !== personId) throw new AppError('not-found', 404);
    if (!from.includes(row.state)) throw new AppError('appeals.state-changed', 409);
    return row;
  }

  async rate(id: string, personId: string, input: { stars: number; comment?: string }): Promise<void> {
    if (!Number.isInteger(input.stars) || input.stars < 1 || input.stars > 5) throw new ValidationError([{ pointer: '/stars', detail: t(DEFAULT_LOCALE, 'appeals.core.invalid.stars') }]);
    const comment = input.comment?.trim() || null;
    if (comment && comment.length > LIMITS.comment) throw new ValidationError([{ pointer: '/comment', detail: t(DEFAULT_LOCALE, 'appeals.core.invalid.comment', { max: LIMITS.comment }) }]);
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await this.lockForAuthor(trx, id, personId, ['answered']);
      const now = this.deps.now();
      await trx.updateTable('appeals_appeal').set({ rating: input.stars, rating_comment: comment, rated_at: now, state: 'closed', updated_at: now })
        .where('id', '=', id).execute();
      await insertEvents(trx, [this.event(row, now, 'rated', { id: personId, name: row.author_name }, null, { stars: input.stars, comment })]);
    });
  }

  async complain(id: string, personId: string, input: { reason: string }): Promise<void> {
    const reason = this.reasonOf(input.reason);
    await this.deps.db.transaction().execute(async (trx) => {
      // A rated answer may still be complained about while the term runs; closing by time ends it.
      const row = await this.lockForAuthor(trx, id, personId, ['answered', 'closed']);
      const now = this.deps.now();
      const rule = this.terms(row.kind as AppealKind, row.agency_id).complainWithin;
      if (!row.answered_at || now > this.deps.terms.end(row.answered_at, rule)) throw new AppError('appeals.complaint-too-late', 409, { days: rule.days });
      const parentOf = (agencyId: string) => this.deps.catalog()?.agency(agencyId)?.parentId;
      const to = higherBody({ agencyId: row.agency_id, region: row.region, district: row.district }, parentOf);
      const level = Number(row.level) + 1;
      const dueAt = this.deps.terms.end(now, this.terms(row.kind as AppealKind, to.agencyId).answer);
      await trx.updateTable('appeals_appeal').set({
        agency_id: to.agencyId, region: to.region, district: to.district, level, state: 'open', executor_id: null, executor_name: null, co_executors: '[]',
        due_at: dueAt, extended: false, reminded_at: null, escalated_at: null, answered_at: null, answer: null, answer_document_id: null,
        rating: null, rating_comment: null, rated_at: null, updated_at: now,
      }).where('id', '=', id).execute();
      await insertEvents(trx, [this.event(row, now, 'reopened', { id: personId, name: row.author_name }, reason, {
        from: { agencyId: row.agency_id, district: row.district, level: Number(row.level) }, to: { agencyId: to.agencyId, district: to.district, level }, dueAt: dueAt.toISOString(),
      })]);
      await this.tellAuthor(trx, row, 'reopened', { agency: this.agencyName(to.agencyId, row.locale as Locale) });
    });
  }

  /** One pass of the deadline poller (see deadlines.ts). */
  pollDeadlines(at: Date = this.deps.now()): Promise<{ reminded: number; escalated: number; closed: number }> {
    return this.deps.db.transaction().execute((trx) => pollDeadlines(trx, this.deps.terms, at));
  }
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}
