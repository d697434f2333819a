import { sql, type ColumnType, type Generated, type Kysely, type Migration } from 'kysely';
import type { FormDefinition, PrefillEntry } from './forms.types.js';

/** A jsonb column: written as JSON text, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

export interface FormsTables {
  /** Published versions of each service's form; a version never changes once published. */
  forms_form: {
    service_id: string;
    version: number;
    definition: Json<FormDefinition>;
    /** The YAML it was published from, for editors to download and change. */
    source: string;
    published_at: Generated<Date>;
    /** The editor who published it; null for the demo forms. */
    published_by: string | null;
  };
  /** A person's answers in progress; one open draft per person, service and business. */
  forms_draft: {
    id: string;
    person_id: string;
    service_id: string;
    business_id: string | null;
    form_version: number;
    answers: Json<Record<string, unknown>>;
    prefill: Json<Record<string, PrefillEntry>>;
    /** The steps answered so far (a step of optional questions left blank is still answered). */
    steps: Json<string[]>;
    /** `open`, then `submitted` (in the transaction that makes the application). */
    status: Generated<string>;
    /** Shown once on the next page: `changed` when the draft was carried over to a newer form. */
    notice: string | null;
    application_id: string | null;
    application_number: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
    submitted_at: Date | null;
  };
  /** Files given with a draft, checked on content; kept with the application after submission. */
  forms_upload: {
    id: string;
    draft_id: string;
    person_id: string;
    field: string;
    name: string;
    mime: string;
    size: number;
    sha256: string;
    content: Buffer;
    created_at: Generated<Date>;
  };
}

export const formsMigrations: Record<string, Migration> = {
  '20261123_0600_forms_tables': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('forms_form')
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
        .addColumn('definition', 'jsonb', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('published_by', 'text')
        .addPrimaryKeyConstraint('forms_form_pk', ['service_id', 'version'])
        .execute();
      await db.schema.createTable('forms_draft')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('business_id', 'text')
        .addColumn('form_version', 'integer', (c) => c.notNull())
        .addColumn('answers', 'jsonb', (c) => c.notNull())
        .addColumn('prefill', 'jsonb', (c) => c.notNull())
        .addColumn('steps', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'submitted')`))
        .addColumn('notice', 'text')
        .addColumn('application_id', 'text')
        .addColumn('application_number', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('submitted_at', 'timestamptz')
        .addForeignKeyConstraint('forms_draft_form', ['service_id', 'form_version'], 'forms_form', ['service_id', 'version'])
        .execute();
      // One open draft per person, service and business (none: the person themself).
      await sql`create unique index forms_draft_open on forms_draft (person_id, service_id, coalesce(business_id, '')) where status = 'open'`.execute(db);
      await sql`create index forms_draft_person on forms_draft (person_id, updated_at desc)`.execute(db);
      await db.schema.createTable('forms_upload')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('draft_id', 'text', (c) => c.notNull().references('forms_draft.id').onDelete('cascade'))
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('field', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull().check(sql`size > 0`))
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('content', 'bytea', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await sql`create index forms_upload_draft on forms_upload (draft_id)`.execute(db);
    },
  },
};
