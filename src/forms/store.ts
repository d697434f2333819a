// The forms' rows: published versions, drafts and their files.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { ValidateFunction } from 'ajv';
import type { Db } from '../platform/index.js';
import { compileSchema } from './validate.js';
import type { FormDefinition, PrefillEntry } from './forms.types.js';

/** A published form, ready to validate with. */
export interface Form { def: FormDefinition; validate: ValidateFunction }

/**
 * Published forms. A version never changes once published, so its compiled validator is
 * kept for good; which version is the latest is asked of the database each time, so that
 * a version published by another process counts at once.
 */
export class FormStore {
  private readonly compiled = new Map<string, Form>();
  constructor(private readonly db: Db) {}

  async latestVersion(serviceId: string, db: Db = this.db): Promise<number | undefined> {
    const row = await db.selectFrom('forms_form').select((eb) => eb.fn.max('version').as('version')).where('service_id', '=', serviceId).executeTakeFirst();
    return row?.version ?? undefined;
  }

  /** A version of a service's form (the latest when none is named); `db`, a transaction under way that reads it. */
  async get(serviceId: string, version?: number, db: Db = this.db): Promise<Form | undefined> {
    const wanted = version ?? await this.latestVersion(serviceId, db);
    if (wanted === undefined) return undefined;
    const key = `${serviceId}@${wanted}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const row = await db.selectFrom('forms_form').select('definition').where('service_id', '=', serviceId).where('version', '=', wanted).executeTakeFirst();
    if (!row) return undefined;
    const { validate, error } = compileSchema(row.definition.schema);
    if (!validate) throw new Error(`forms: the published schema of ${key} does not compile: ${error}`);
    const form = { def: row.definition, validate };
    this.compiled.set(key, form);
    return form;
  }

  /** Every service with a form: its latest version, when and by whom it was published. */
  async list() {
    return this.db.selectFrom('forms_form as f')
      .select(['f.service_id', 'f.version', 'f.published_at', 'f.published_by'])
      .where('f.version', '=', (eb) => eb.selectFrom('forms_form as g').select((e) => e.fn.max('g.version').as('v')).whereRef('g.service_id', '=', 'f.service_id'))
      .orderBy('f.service_id').execute();
  }

  async source(serviceId: string, version: number): Promise<string | undefined> {
    const row = await this.db.selectFrom('forms_form').select('source').where('service_id', '=', serviceId).where('version', '=', version).executeTakeFirst();
    return row?.source;
  }
}

/** Publishes a version as given, unless that version exists; says whether it did. */
/** The sources the demo forms were published from (those no editor published). */
export async function demoSources(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('forms_form').select('source').where('published_by', 'is', null).execute();
  return new Set(rows.map((r) => r.source));
}

export async function insertForm(db: Db, def: FormDefinition, source: string, by: string | null): Promise<boolean> {
  const result = await db.insertInto('forms_form')
    .values({ service_id: def.serviceId, version: def.version, definition: JSON.stringify(def), source, published_by: by })
    .onConflict((oc) => oc.columns(['service_id', 'version']).doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

// ---- Drafts ----

export interface Draft {
  id: string;
  personId: string;
  serviceId: string;
  businessId: string | null;
  version: number;
  /** The service's latest published version, when asked for with the draft (`getDraft(…, { latest: true })`). */
  latestVersion?: number;
  answers: Record<string, unknown>;
  prefill: Record<string, PrefillEntry>;
  /** The steps answered so far. */
  steps: string[];
  status: 'open' | 'submitted';
  notice: string | null;
  applicationId: string | null;
  applicationNumber: string | null;
  createdAt: Date;
  updatedAt: Date;
}

type DraftRow = {
  id: string; person_id: string; service_id: string; business_id: string | null; form_version: number; answers: Record<string, unknown>;
  prefill: Record<string, PrefillEntry>; steps: string[]; status: string; notice: string | null; application_id: string | null; application_number: string | null;
  created_at: Date; updated_at: Date;
};

const toDraft = (r: DraftRow): Draft => ({
  id: r.id, personId: r.person_id, serviceId: r.service_id, businessId: r.business_id, version: r.form_version, answers: r.answers ?? {},
  prefill: r.prefill ?? {}, steps: r.steps ?? [], status: r.status as Draft['status'], notice: r.notice, applicationId: r.application_id,
  applicationNumber: r.application_number, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at),
});

const DRAFT_COLUMNS = [
  'id', 'person_id', 'service_id', 'business_id', 'form_version', 'answers', 'prefill', 'steps', 'status', 'notice', 'application_id',
  'application_number', 'created_at', 'updated_at',
] as const;

export const isDraftId = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);

export async function getDraft(db: Db, id: string, options: { lock?: boolean; latest?: boolean } = {}): Promise<Draft | undefined> {
  if (!isDraftId(id)) return undefined;
  let q = db.selectFrom('forms_draft').select(DRAFT_COLUMNS).where('id', '=', id);
  if (options.lock) q = q.forUpdate();
  // The latest version in the same round trip: every page of a draft asks whether its form is outdated.
  const row = options.latest
    ? await q.select((eb) => eb.selectFrom('forms_form').select((e) => e.fn.max('version').as('v')).whereRef('forms_form.service_id', '=', 'forms_draft.service_id').as('latest_version')).executeTakeFirst()
    : await q.executeTakeFirst();
  if (!row) return undefined;
  const draft = toDraft(row as DraftRow);
  const latest = (row as { latest_version?: number | null }).latest_version;
  if (latest !== undefined && latest !== null) draft.latestVersion = Number(latest);
  return draft;
}

export async function openDraftOf(db: Db, personId: string, serviceId: string, businessId: string | null): Promise<Draft | undefined> {
  const row = await db.selectFrom('forms_draft').select(DRAFT_COLUMNS).where('person_id', '=', personId).where('service_id', '=', serviceId)
    .where('status', '=', 'open').where(sql<string>`coalesce(business_id, '')`, '=', businessId ?? '').executeTakeFirst();
  return row ? toDraft(row as DraftRow) : undefined;
}

/** The open draft of a person for a service and business: the one there is, or a new one (one even when two requests race). */
export async function openOrCreateDraft(db: Db, input: { personId: string; serviceId: string; businessId: string | null; version: number }): Promise<Draft> {
  const existing = await openDraftOf(db, input.personId, input.serviceId, input.businessId);
  if (existing) return existing;
  await sql`insert into forms_draft (id, person_id, service_id, business_id, form_version, answers, prefill)
    values (${randomUUID()}, ${input.personId}, ${input.serviceId}, ${input.businessId}, ${input.version}, '{}'::jsonb, '{}'::jsonb)
    on conflict (person_id, service_id, (coalesce(business_id, ''))) where status = 'open' do nothing`.execute(db);
  const draft = await openDraftOf(db, input.personId, input.serviceId, input.businessId);
  if (!draft) throw new Error('forms: the draft just made is not there');
  return draft;
}

/** Saves a draft's answers and prefill (and clears or sets its notice), if it is still open. */
export async function saveDraft(db: Db, id: string, change: { answers?: Record<string, unknown>; prefill?: Record<string, PrefillEntry>; steps?: string[]; version?: number; notice?: string | null }): Promise<boolean> {
  const result = await db.updateTable('forms_draft').set({
    ...(change.steps ? { steps: JSON.stringify(change.steps) } : {}),
    ...(change.answers ? { answers: JSON.stringify(change.answers) } : {}),
    ...(change.prefill ? { prefill: JSON.stringify(change.prefill) } : {}),
    ...(change.version !== undefined ? { form_version: change.version } : {}),
    ...(change.notice !== undefined ? { notice: change.notice } : {}),
    updated_at: new Date(),
  }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function markSubmitted(db: Db, id: string, result: { applicationId: string; number: string }): Promise<void> {
  await db.updateTable('forms_draft').set({
    status: 'submitted', application_id: result.applicationId, application_number: result.number, submitted_at: new Date(), updated_at: new Date(), notice: null,
  }).where('id', '=', id).execute();
}

export async function deleteDraft(db: Db, id: string): Promise<void> {
  await db.deleteFrom('forms_draft').where('id', '=', id).where('status', '=', 'open').execute();
}

/** A person's unfinished drafts, the latest first: what the cabinet offers to continue. */
export async function draftsOf(db: Db, personId: string): Promise<{ id: string; serviceId: string; businessId: string | null; createdAt: Date; updatedAt: Date }[]> {
  const rows = await db.selectFrom('forms_draft').select(['id', 'service_id', 'business_id', 'created_at', 'updated_at'])
    .where('person_id', '=', personId).where('status', '=', 'open').orderBy('updated_at', 'desc').limit(100).execute();
  return rows.map((r) => ({ id: r.id, serviceId: r.service_id, businessId: r.business_id, createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at) }));
}

// ---- Uploads ----

export interface UploadMeta { id: string; field: string; name: string; mime: string; size: number; sha256: string }

export async function uploadsOf(db: Db, draftId: string): Promise<UploadMeta[]> {
  return db.selectFrom('forms_upload').select(['id', 'field', 'name', 'mime', 'size', 'sha256']).where('draft_id', '=', draftId).orderBy('created_at').execute();
}

export async function insertUpload(db: Db, input: Omit<UploadMeta, 'id'> & { draftId: string; personId: string; content: Buffer }): Promise<string> {
  const id = randomUUID();
  await db.insertInto('forms_upload').values({
    id, draft_id: input.draftId, person_id: input.personId, field: input.field, name: input.name, mime: input.mime, size: input.size, sha256: input.sha256, content: input.content,
  }).execute();
  return id;
}

/** Removes a draft's files that its answers no longer name. */
export async function dropUnusedUploads(db: Db, draftId: string, keep: string[]): Promise<void> {
  let q = db.deleteFrom('forms_upload').where('draft_id', '=', draftId);
  if (keep.length > 0) q = q.where('id', 'not in', keep);
  await q.execute();
}

/** A file with its content, for its owner or whoever handles the application. */
export async function readUpload(db: Db, id: string): Promise<(UploadMeta & { draftId: string; personId: string; content: Buffer }) | undefined> {
  if (!isDraftId(id)) return undefined;
  const row = await db.selectFrom('forms_upload').select(['id', 'draft_id', 'person_id', 'field', 'name', 'mime', 'size', 'sha256', 'content']).where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return { id: row.id, draftId: row.draft_id, personId: row.person_id, field: row.field, name: row.name, mime: row.mime, size: row.size, sha256: row.sha256, content: Buffer.from(row.content as Uint8Array) };
}
