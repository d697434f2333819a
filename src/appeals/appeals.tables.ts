import { sql, type ColumnType, type Generated, type Kysely, type Migration } from 'kysely';

/** A jsonb column: written as JSON text, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

/** How to reach an author who has no account (an appeal by phone, post, in person or through Open311). */
export interface AuthorContact { phone?: string; email?: string; address?: string }

/**
 * The appeals registry (issue #8): one row per appeal, its events (the audit trail and
 * the timeline the author sees), attachments, and the Open311 clients with their keys.
 */
export interface AppealsTables {
  appeals_appeal: {
    id: string;
    /** `M-YYYY-NNNNNNN`, from a sequence: appeals may have gaps, unlike applications. */
    number: string;
    /** statement | proposal | complaint (ZRU-445, article 3). */
    kind: string;
    /** person | business | external (entered by an officer, or an Open311 client's end user) */
    author_kind: string;
    author_person_id: string | null;
    author_business_id: string | null;
    author_name: string;
    author_contact: Json<AuthorContact>;
    /** The language the answer is written and sent in. */
    locale: string;
    /** portal | api | open311 | phone | post | in_person */
    channel: string;
    /** The Open311 client (appeals_client.id) that filed it, if any. */
    client_id: string | null;
    /** What an Open311 client polls (`tokens/{token}`) before the number is known to it. */
    token: string | null;
    topic_id: string;
    sphere_id: string;
    summary: string;
    body: string;
    region: string | null;
    district: string | null;
    lat: number | null;
    lon: number | null;
    address: string | null;
    /** The body that answers for it now (a hokimiyat with its district for local matters). */
    agency_id: string;
    /** open | assigned | answered | closed */
    state: string;
    executor_id: string | null;
    executor_name: string | null;
    co_executors: Json<{ id: string; name: string }[]>;
    registered_at: Generated<Date>;
    /** The legal deadline in force (after an extension, the extended one). */
    due_at: Date;
    /** Whether the term was extended (once at most, by a head, with a reason). */
    extended: Generated<boolean>;
    reminded_at: Date | null;
    escalated_at: Date | null;
    answered_at: Date | null;
    answer: string | null;
    /** The answer's signed document (src/documents) shown and checked at /verify. */
    answer_document_id: string | null;
    rating: number | null;
    rating_comment: string | null;
    rated_at: Date | null;
    /** 0 first; each complaint about the answer reopens it one level higher. */
    level: Generated<number>;
    /** A complaint about a used service: the application it is about. */
    application_id: string | null;
    /** Per author (or client): the same submission twice makes one appeal. */
    idempotency_key: string;
    updated_at: Generated<Date>;
  };
  appeals_event: {
    id: Generated<number>;
    appeal_id: string;
    at: Generated<Date>;
    /** registered | forwarded | assigned | extended | reminded | escalated | answered | rated | reopened | note */
    kind: string;
    actor_id: string | null;
    actor_name: string | null;
    reason: string | null;
    /** What the step changed, e.g. { from: agency, to: agency } or { dueAt }. */
    data: Json<Record<string, unknown>>;
  };
  appeals_attachment: {
    id: string;
    appeal_id: string;
    name: string;
    mime: string;
    size: number;
    sha256: string;
    content: Buffer;
  };
  /** A registered Open311 client: its key is shown once and kept as a SHA-256 hash. */
  appeals_client: {
    id: string;
    name: string;
    contact: string;
    key_hash: string;
    created_at: Generated<Date>;
    revoked_at: Date | null;
  };
}

export const appealsMigrations: Record<string, Migration> = {
  '20261123_1100_appeals_base': {
    async up(db: Kysely<any>) {
      await sql`create sequence appeals_number_seq`.execute(db);
      await db.schema.createTable('appeals_appeal')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('statement', 'proposal', 'complaint')`))
        .addColumn('author_kind', 'text', (c) => c.notNull().check(sql`author_kind in ('person', 'business', 'external')`))
        .addColumn('author_person_id', 'text')
        .addColumn('author_business_id', 'text')
        .addColumn('author_name', 'text', (c) => c.notNull())
        .addColumn('author_contact', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('portal', 'api', 'open311', 'phone', 'post', 'in_person')`))
        .addColumn('client_id', 'text')
        .addColumn('token', 'text', (c) => c.unique())
        .addColumn('topic_id', 'text', (c) => c.notNull())
        .addColumn('sphere_id', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('region', 'text')
        .addColumn('district', 'text')
        .addColumn('lat', 'double precision')
        .addColumn('lon', 'double precision')
        .addColumn('address', 'text')
        .addColumn('agency_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open', 'assigned', 'answered', 'closed')`))
        .addColumn('executor_id', 'text')
        .addColumn('executor_name', 'text')
        .addColumn('co_executors', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .addColumn('registered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('due_at', 'timestamptz', (c) => c.notNull())
        .addColumn('extended', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('reminded_at', 'timestamptz')
        .addColumn('escalated_at', 'timestamptz')
        .addColumn('answered_at', 'timestamptz')
        .addColumn('answer', 'text')
        .addColumn('answer_document_id', 'text')
        .addColumn('rating', 'smallint', (c) => c.check(sql`rating between 1 and 5`))
        .addColumn('rating_comment', 'text')
        .addColumn('rated_at', 'timestamptz')
        .addColumn('level', 'smallint', (c) => c.notNull().defaultTo(0))
        .addColumn('application_id', 'text')
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('appeals_by_author').on('appeals_appeal').columns(['author_person_id', 'registered_at']).where('author_person_id', 'is not', null).execute();
      await db.schema.createIndex('appeals_by_business').on('appeals_appeal').columns(['author_business_id', 'registered_at']).where('author_business_id', 'is not', null).execute();
      await db.schema.createIndex('appeals_by_agency').on('appeals_appeal').columns(['agency_id', 'state', 'due_at']).execute();
      await db.schema.createIndex('appeals_by_executor').on('appeals_appeal').column('executor_id').where('executor_id', 'is not', null).execute();
      await db.schema.createIndex('appeals_by_application').on('appeals_appeal').column('application_id').where('application_id', 'is not', null).execute();
      // The deadline pollers read what is still open through analytics' appeals_unanswered (due_at, where open or assigned).
      await db.schema.createTable('appeals_event')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('appeal_id', 'text', (c) => c.notNull().references('appeals_appeal.id'))
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text')
        .addColumn('reason', 'text')
        .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .execute();
      await db.schema.createIndex('appeals_event_by_appeal').on('appeals_event').columns(['appeal_id', 'id']).execute();
      await db.schema.createTable('appeals_attachment')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('appeal_id', 'text', (c) => c.notNull().references('appeals_appeal.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('content', 'bytea', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('appeals_attachment_by_appeal').on('appeals_attachment').column('appeal_id').execute();
      await db.schema.createTable('appeals_client')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('contact', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('revoked_at', 'timestamptz')
        .execute();
    },
  },
  '20261123_1101_appeals_answered_index': {
    async up(db: Kysely<any>) {
      // The deadline poller closes answered appeals once the time to complain has run out.
      await db.schema.createIndex('appeals_answered_by_time').on('appeals_appeal').column('answered_at').where(sql.ref('state'), '=', 'answered').execute();
    },
  },
};
