import { sql, type ColumnType, type Generated, type Kysely, type Migration } from 'kysely';

/** A jsonb column: written as JSON text, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

export interface ApplicantName { first: string; last: string; middle?: string }
export interface ApplicationFile { field: string; uploadId: string; name: string; mime: string; size: number; sha256: string }

/** Applications, their messages and ratings. */
export interface ApplicationsTables {
  applications_application: {
    id: string;
    /** `YYYY-NNNNNN`; set in the submit transaction, so never seen empty. */
    number: string | null;
    year: number;
    seq: number | null;
    service_id: string;
    form_version: number;
    answers: Json<Record<string, unknown>>;
    files: Json<ApplicationFile[]>;
    prefilled: Json<{ field: string; source: string; at: string }[]>;
    person_id: string;
    business_id: string | null;
    /** A snapshot of the applicant at submission: the back office searches and shows it. */
    applicant_pinfl: string | null;
    applicant_name: Json<ApplicantName>;
    locale: string;
    agency_id: string;
    unit: string;
    region: string | null;
    district: string | null;
    channel: string;
    centre_id: string | null;
    workflow_id: string;
    workflow_version: number;
    state: string;
    /** Whether officers work on it now: not final and not waiting for the payment. */
    active: boolean;
    due_at: Date | null;
    submitted_at: Generated<Date>;
    updated_at: Generated<Date>;
    idempotency_key: string;
    invoice_id: string | null;
    assigned_to: string | null;
    assigned_name: string | null;
    escalated_at: Date | null;
    decision: string | null;
    decided_at: Date | null;
    document_id: string | null;
  };
  /** How many numbers each year has: every one of them is an application's or free in the pool (see numbers.ts). */
  applications_counter: { year: number; last: number };
  /** The year's numbers not yet used; a submission takes the lowest, a rolled-back one gives it back. */
  applications_number_pool: { year: number; n: number };
  applications_message: {
    id: Generated<number>;
    application_id: string;
    at: Generated<Date>;
    /** applicant | officer | system */
    author_kind: string;
    author_id: string | null;
    author_name: string | null;
    /** message | request | answer | decision */
    kind: string;
    body: string;
    file_name: string | null;
    file_mime: string | null;
    file_size: number | null;
    file_sha256: string | null;
    file_data: Buffer | null;
    read_at: Date | null;
  };
  applications_rating: {
    application_id: string;
    service_id: string;
    person_id: string;
    stars: number;
    comment: string | null;
    at: Generated<Date>;
  };
}

export const applicationsMigrations: Record<string, Migration> = {
  '20261123_1000_applications_base': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('applications_application')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'text', (c) => c.unique())
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('seq', 'integer')
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('form_version', 'integer', (c) => c.notNull())
        .addColumn('answers', 'jsonb', (c) => c.notNull())
        .addColumn('files', 'jsonb', (c) => c.notNull())
        .addColumn('prefilled', 'jsonb', (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('business_id', 'text')
        .addColumn('applicant_pinfl', 'text')
        .addColumn('applicant_name', 'jsonb', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull())
        .addColumn('agency_id', 'text', (c) => c.notNull())
        .addColumn('unit', 'text', (c) => c.notNull())
        .addColumn('region', 'text')
        .addColumn('district', 'text')
        .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('portal', 'centre')`))
        .addColumn('centre_id', 'text')
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('workflow_version', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('active', 'boolean', (c) => c.notNull())
        .addColumn('due_at', 'timestamptz')
        .addColumn('submitted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('invoice_id', 'text')
        .addColumn('assigned_to', 'text')
        .addColumn('assigned_name', 'text')
        .addColumn('escalated_at', 'timestamptz')
        .addColumn('decision', 'text')
        .addColumn('decided_at', 'timestamptz')
        .addColumn('document_id', 'text')
        .execute();
      await db.schema.createIndex('applications_by_person').on('applications_application').columns(['person_id', 'submitted_at']).execute();
      await db.schema.createIndex('applications_by_business').on('applications_application').columns(['business_id', 'submitted_at']).where('business_id', 'is not', null).execute();
      await db.schema.createIndex('applications_by_agency').on('applications_application').columns(['agency_id', 'active', 'submitted_at']).execute();
      await db.schema.createIndex('applications_by_pinfl').on('applications_application').column('applicant_pinfl').execute();
      await db.schema.createIndex('applications_by_assignee').on('applications_application').column('assigned_to').where('assigned_to', 'is not', null).execute();
      await db.schema.createTable('applications_counter')
        .addColumn('year', 'integer', (c) => c.primaryKey())
        .addColumn('last', 'integer', (c) => c.notNull().check(sql`last >= 0`))
        .execute();
      await db.schema.createTable('applications_number_pool')
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('n', 'integer', (c) => c.notNull().check(sql`n > 0`))
        .addPrimaryKeyConstraint('applications_number_pool_pk', ['year', 'n'])
        .execute();
      await db.schema.createTable('applications_message')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('application_id', 'text', (c) => c.notNull().references('applications_application.id'))
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('author_kind', 'text', (c) => c.notNull().check(sql`author_kind in ('applicant', 'officer', 'system')`))
        .addColumn('author_id', 'text')
        .addColumn('author_name', 'text')
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('message', 'request', 'answer', 'decision')`))
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text')
        .addColumn('file_mime', 'text')
        .addColumn('file_size', 'integer')
        .addColumn('file_sha256', 'text')
        .addColumn('file_data', 'bytea')
        .addColumn('read_at', 'timestamptz')
        .execute();
      await db.schema.createIndex('applications_message_by_application').on('applications_message').columns(['application_id', 'id']).execute();
      await db.schema.createTable('applications_rating')
        .addColumn('application_id', 'text', (c) => c.primaryKey().references('applications_application.id'))
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('stars', 'smallint', (c) => c.notNull().check(sql`stars between 1 and 5`))
        .addColumn('comment', 'text')
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('applications_rating_by_service').on('applications_rating').column('service_id').execute();
    },
  },
};
