import { createHash, randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { enqueue, type Db } from '../../platform/index.js';
import { audit } from '../../identity/index.js';
import { bumpRevision, loadAgency, loadService, loadSphere, saveAgency, saveService, saveSphere } from '../catalog.store.js';
import type { Agency, Service, Sphere } from '../catalog.types.js';
import type { DraftKind, DraftStatus, EditorTables } from './editor.tables.js';

// Drafts of catalog records: saved by one editor, published or rejected by another, every
// step in the audit trail. Publishing writes the record, bumps the catalog's revision and
// enqueues `catalog.changed` in one transaction, as an import does.

export type CatalogRecord = Service | Agency | Sphere;
export interface RecordOf { service: Service; agency: Agency; sphere: Sphere }

export interface Draft<K extends DraftKind = DraftKind> {
  id: string;
  kind: K;
  targetId: string;
  payload: RecordOf[K];
  base: RecordOf[K] | null;
  status: DraftStatus;
  author: string;
  authorName: string;
  createdAt: Date;
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: Date | null;
  reason: string | null;
}

/** Who acts, for the draft's columns and the audit trail. */
export interface Actor { id: string; name: string; ip: string }

/** JSON with object keys sorted, so that equal records compare equal however they were built. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}

export const sameRecord = (a: unknown, b: unknown) => canonical(a ?? null) === canonical(b ?? null);

/** A short fingerprint of a record, carried by a form so that a save notices a change made meanwhile. */
export const fingerprint = (record: unknown) => createHash('sha256').update(canonical(record ?? null)).digest('base64url').slice(0, 22);

/** The published record of a kind, or undefined. */
export async function currentRecord<K extends DraftKind>(db: Db, kind: K, id: string): Promise<RecordOf[K] | undefined> {
  const load = { service: loadService, agency: loadAgency, sphere: loadSphere }[kind];
  return (await load(db, id)) as RecordOf[K] | undefined;
}

/** Whether any service has this id, published or withdrawn (ids are never reused). */
export async function serviceIdTaken(db: Db, id: string): Promise<boolean> {
  return !!(await db.selectFrom('catalog_service').select('id').where('id', '=', id).executeTakeFirst());
}

async function writeRecord(trx: Db, kind: DraftKind, record: CatalogRecord): Promise<void> {
  if (kind === 'service') await saveService(trx, record as Service);
  else if (kind === 'agency') await saveAgency(trx, record as Agency);
  else await saveSphere(trx, record as Sphere);
}

type Row = Selectable<EditorTables['catalog_draft']>;
const selectDrafts = (db: Db) => db.selectFrom('catalog_draft').selectAll();

function toDraft(r: Row): Draft {
  return {
    id: r.id, kind: r.kind, targetId: r.target_id, payload: r.payload as CatalogRecord, base: (r.base ?? null) as CatalogRecord | null,
    status: r.status, author: r.author, authorName: r.author_name, createdAt: new Date(r.created_at),
    decidedBy: r.decided_by, decidedByName: r.decided_by_name, decidedAt: r.decided_at ? new Date(r.decided_at) : null, reason: r.reason,
  } as Draft;
}

export async function getDraft(db: Db, id: string): Promise<Draft | undefined> {
  const row = await selectDrafts(db).where('id', '=', id).executeTakeFirst();
  return row && toDraft(row);
}

/** Open drafts, newest first; or (`open: false`) the latest decided ones. */
export async function listDrafts(db: Db, options: { open: boolean; limit: number; kind?: DraftKind; targetId?: string }): Promise<Draft[]> {
  const rows = await selectDrafts(db)
    .$if(options.open, (q) => q.where('status', '=', 'draft'))
    .$if(!options.open, (q) => q.where('status', '<>', 'draft'))
    .$if(options.kind !== undefined, (q) => q.where('kind', '=', options.kind!))
    .$if(options.targetId !== undefined, (q) => q.where('target_id', '=', options.targetId!))
    .orderBy(options.open ? 'created_at' : 'decided_at', 'desc').orderBy('id').limit(options.limit).execute();
  return rows.map(toDraft);
}

/** Saves a draft (the published catalog does not change) and notes it in the audit trail. */
export async function saveDraft<K extends DraftKind>(db: Db, draft: { kind: K; targetId: string; payload: RecordOf[K]; base: RecordOf[K] | null }, actor: Actor): Promise<string> {
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('catalog_draft').values({
      id, kind: draft.kind, target_id: draft.targetId, payload: JSON.stringify(draft.payload), base: JSON.stringify(draft.base),
      author: actor.id, author_name: actor.name, decided_by: null, decided_by_name: null, decided_at: null, reason: null,
    }).execute();
    await audit(trx, { actor: actor.id, action: 'catalog.draft.saved', subject: id, ip: actor.ip, detail: { draft: id, kind: draft.kind, target: draft.targetId } });
  });
  return id;
}

/** Why a decision on a draft was refused; nothing was changed. */
export type Refusal = 'missing' | 'own' | 'not-own' | 'closed' | 'conflict';
class Refused extends Error { constructor(readonly reason: Refusal) { super(reason); } }

export type Outcome = { ok: true; revision?: number } | { ok: false; reason: Refusal };

/** Runs a decision in a transaction; a refusal rolls everything back. */
async function decide(db: Db, work: (trx: Db) => Promise<number | undefined>): Promise<Outcome> {
  try {
    return { ok: true, revision: await db.transaction().execute(work) };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.reason };
    throw error;
  }
}

async function openDraft(trx: Db, id: string): Promise<Draft> {
  const row = await selectDrafts(trx).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new Refused('missing');
  const draft = toDraft(row);
  if (draft.status !== 'draft') throw new Refused('closed');
  return draft;
}

/**
 * Publishes another editor's draft in one transaction: the record into the catalog, the
 * revision bumped with a `catalog.changed` event, the draft marked, the audit line. Refused
 * for the author's own draft and when the published record is no longer the draft's base.
 */
export async function publishDraft(db: Db, id: string, actor: Actor): Promise<Outcome> {
  return decide(db, async (trx) => {
    // The revision row is locked first: publishes (and imports) of the catalog go one at a
    // time, so the comparison with the base below cannot race another publish.
    const revision = await bumpRevision(trx);
    const draft = await openDraft(trx, id);
    if (draft.author === actor.id) throw new Refused('own');
    const current = await currentRecord(trx, draft.kind, draft.targetId);
    if (!sameRecord(current ?? null, draft.base)) throw new Refused('conflict');
    await writeRecord(trx, draft.kind, draft.payload);
    await trx.updateTable('catalog_draft').set({ status: 'published', decided_by: actor.id, decided_by_name: actor.name, decided_at: sql`now()` }).where('id', '=', id).execute();
    await enqueue(trx, 'catalog.changed', { revision });
    await audit(trx, { actor: actor.id, action: 'catalog.draft.published', subject: id, ip: actor.ip, detail: { draft: id, kind: draft.kind, target: draft.targetId, revision } });
    return revision;
  });
}

/** Rejects another editor's draft, with the reason the author will read. */
export async function rejectDraft(db: Db, id: string, reason: string, actor: Actor): Promise<Outcome> {
  return decide(db, async (trx) => {
    const draft = await openDraft(trx, id);
    if (draft.author === actor.id) throw new Refused('own');
    await trx.updateTable('catalog_draft').set({ status: 'rejected', decided_by: actor.id, decided_by_name: actor.name, decided_at: sql`now()`, reason }).where('id', '=', id).execute();
    await audit(trx, { actor: actor.id, action: 'catalog.draft.rejected', subject: id, ip: actor.ip, detail: { draft: id, kind: draft.kind, target: draft.targetId, reason } });
    return undefined;
  });
}

/** The author takes their own draft back. */
export async function withdrawDraft(db: Db, id: string, actor: Actor): Promise<Outcome> {
  return decide(db, async (trx) => {
    const draft = await openDraft(trx, id);
    if (draft.author !== actor.id) throw new Refused('not-own');
    await trx.updateTable('catalog_draft').set({ status: 'withdrawn', decided_by: actor.id, decided_by_name: actor.name, decided_at: sql`now()` }).where('id', '=', id).execute();
    await audit(trx, { actor: actor.id, action: 'catalog.draft.withdrawn', subject: id, ip: actor.ip, detail: { draft: id, kind: draft.kind, target: draft.targetId } });
    return undefined;
  });
}
