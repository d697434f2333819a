// The registry's queries: plain functions taking the database or the transaction first.
import { sql, type Expression, type ExpressionBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Db, Schema } from '../platform/index.js';
import type { AppealsTables } from './appeals.tables.js';
import type { Appeal, AppealEvent, AppealFilter } from './types.js';

export type AppealRow = Selectable<AppealsTables['appeals_appeal']>;

export const MAX_LIST = 1000;

/** A row as pages and Open311 read it. */
export function toAppeal(r: AppealRow): Appeal {
  return {
    id: r.id, number: r.number, kind: r.kind as Appeal['kind'], state: r.state as Appeal['state'], channel: r.channel as Appeal['channel'],
    authorKind: r.author_kind as Appeal['authorKind'], authorPersonId: r.author_person_id, authorBusinessId: r.author_business_id,
    authorName: r.author_name, authorContact: r.author_contact, locale: r.locale as Appeal['locale'], clientId: r.client_id, token: r.token,
    topicId: r.topic_id, sphereId: r.sphere_id, summary: r.summary, body: r.body,
    region: r.region, district: r.district, lat: r.lat, lon: r.lon, address: r.address,
    agencyId: r.agency_id, executorId: r.executor_id, executorName: r.executor_name, coExecutors: r.co_executors,
    registeredAt: r.registered_at, dueAt: r.due_at, extended: r.extended, remindedAt: r.reminded_at, escalatedAt: r.escalated_at,
    answeredAt: r.answered_at, answer: r.answer, answerDocumentId: r.answer_document_id,
    rating: r.rating, ratingComment: r.rating_comment, ratedAt: r.rated_at, level: Number(r.level),
    applicationId: r.application_id, updatedAt: r.updated_at,
  };
}

/** One appeal by id; `lock` takes its row for the rest of the transaction. */
export async function findAppeal(db: Db, id: string, options: { lock?: boolean } = {}): Promise<AppealRow | undefined> {
  let query = db.selectFrom('appeals_appeal').selectAll().where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function findBy(db: Db, column: 'number' | 'token' | 'idempotency_key', value: string): Promise<AppealRow | undefined> {
  return db.selectFrom('appeals_appeal').selectAll().where(column, '=', value).executeTakeFirst();
}

/** Appeals matching every given condition, newest first. */
export async function listAppeals(db: Db, f: AppealFilter): Promise<AppealRow[]> {
  const limit = Math.max(1, Math.min(MAX_LIST, Math.floor(f.limit ?? 100)));
  return db.selectFrom('appeals_appeal').selectAll().where(matching(f))
    .orderBy('registered_at', 'desc').orderBy('id', 'desc').limit(limit).offset(Math.max(0, Math.floor(f.offset ?? 0))).execute();
}

export async function countAppeals(db: Db, f: AppealFilter): Promise<number> {
  const row = await db.selectFrom('appeals_appeal').select(sql<string>`count(*)`.as('n')).where(matching(f)).executeTakeFirstOrThrow();
  return Number(row.n);
}

function matching(f: AppealFilter) {
  return (eb: ExpressionBuilder<Schema, 'appeals_appeal'>) => {
    const all: Expression<SqlBool>[] = [];
    if (f.ids) all.push(eb('id', 'in', f.ids.length ? f.ids : ['']));
    if (f.numbers) all.push(eb('number', 'in', f.numbers.length ? f.numbers : ['']));
    if (f.topicIds) all.push(eb('topic_id', 'in', f.topicIds.length ? f.topicIds : ['']));
    if (f.states) all.push(eb('state', 'in', f.states.length ? f.states : ['']));
    if (f.agencyIds) all.push(eb('agency_id', 'in', f.agencyIds.length ? f.agencyIds : ['']));
    if (f.region) all.push(eb('region', '=', f.region));
    if (f.district) all.push(eb('district', '=', f.district));
    if (f.from) all.push(eb('registered_at', '>=', f.from));
    if (f.to) all.push(eb('registered_at', '<', f.to));
    if (f.authorPersonId) all.push(eb('author_person_id', '=', f.authorPersonId));
    if (f.authorBusinessId) all.push(eb('author_business_id', '=', f.authorBusinessId));
    if (f.authorKind) all.push(eb('author_kind', '=', f.authorKind));
    if (f.clientId) all.push(eb('client_id', '=', f.clientId));
    return eb.and(all);
  };
}

export async function listEvents(db: Db, appealId: string): Promise<AppealEvent[]> {
  const rows = await db.selectFrom('appeals_event').selectAll().where('appeal_id', '=', appealId).orderBy('id').execute();
  return rows.map((r) => ({ id: Number(r.id), at: r.at, kind: r.kind, actorId: r.actor_id, actorName: r.actor_name, reason: r.reason, data: r.data }));
}

export interface NewEvent { appeal_id: string; at: Date; kind: string; actor_id: string | null; actor_name: string | null; reason: string | null; data: Record<string, unknown> }

export async function insertEvents(db: Db, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.insertInto('appeals_event').values(events.map((e) => ({ ...e, data: JSON.stringify(e.data) }))).execute();
}

/** The heads of an agency now in force, by agency (for escalation). */
export async function headsOf(db: Db, agencyIds: string[]): Promise<Map<string, string[]>> {
  const heads = new Map<string, string[]>();
  if (agencyIds.length === 0) return heads;
  const rows = await db.selectFrom('identity_role').select(['agency_id', 'person_id'])
    .where('role', '=', 'head').where('agency_id', 'in', agencyIds).where('revoked_at', 'is', null).execute();
  for (const r of rows) {
    const list = heads.get(r.agency_id!) ?? [];
    if (!list.includes(r.person_id)) list.push(r.person_id);
    heads.set(r.agency_id!, list);
  }
  return heads;
}
