// Result documents and the agencies' signing keys.
import { sql, type ColumnType, type Generated, type Kysely, type Migration } from 'kysely';

/** A jsonb column: written as JSON text, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

/** The holder as the public check shows them: initials only, in both scripts. */
export interface HolderInitials { latin: string; cyrillic: string | null }

export interface DocumentsTables {
  /**
   * A signed result document: the exact PDF bytes, their SHA-256 and the agency's ECDSA
   * signature over them, with the certificate that checks it. Never changed after issue,
   * except to revoke it.
   */
  documents_document: {
    id: string;
    /** The application it is the result of. */
    subject: string;
    person_id: string;
    business_id: string | null;
    agency_id: string;
    /** The agency's name as printed (in the document's language). */
    agency_name: string;
    locale: string;
    title: string;
    number: string;
    decision: string;
    signed_by: string;
    holder: Json<HolderInitials>;
    /** SHA-256 of the PDF, lowercase hex. */
    sha256: string;
    /** ECDSA P-256 over SHA-256 of the PDF, DER, base64. */
    signature: string;
    certificate_pem: string;
    pdf: ColumnType<Uint8Array, Uint8Array, never>;
    issued_at: Date;
    revoked_at: Date | null;
    revoke_reason: string | null;
  };
  /**
   * An agency's signing key and its certificate from the demo CA, made on first use. The
   * private key stays here: the server signs, nobody downloads it.
   */
  documents_signer: {
    id: string;
    agency_id: string;
    certificate_pem: string;
    private_key_pem: string;
    not_after: Date;
    created_at: Generated<Date>;
  };
}

export const documentsMigrations: Record<string, Migration> = {
  '20261123_0900_documents_documents': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('documents_document')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('business_id', 'text')
        .addColumn('agency_id', 'text', (c) => c.notNull())
        .addColumn('agency_name', 'text', (c) => c.notNull())
        .addColumn('locale', 'text', (c) => c.notNull().check(sql`locale in ('uz', 'oz', 'kaa', 'ru', 'en')`))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('approved', 'rejected')`))
        .addColumn('signed_by', 'text', (c) => c.notNull())
        .addColumn('holder', 'jsonb', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('certificate_pem', 'text', (c) => c.notNull())
        .addColumn('pdf', 'bytea', (c) => c.notNull())
        .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
        .addColumn('revoked_at', 'timestamptz')
        .addColumn('revoke_reason', 'text')
        .execute();
      await db.schema.createIndex('documents_document_person').on('documents_document').columns(['person_id', 'issued_at']).execute();
      await db.schema.createIndex('documents_document_business').on('documents_document').columns(['business_id', 'issued_at']).execute();
      await db.schema.createIndex('documents_document_subject').on('documents_document').column('subject').execute();
      await db.schema.createTable('documents_signer')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('agency_id', 'text', (c) => c.notNull())
        .addColumn('certificate_pem', 'text', (c) => c.notNull())
        .addColumn('private_key_pem', 'text', (c) => c.notNull())
        .addColumn('not_after', 'timestamptz', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('documents_signer_agency').on('documents_signer').columns(['agency_id', 'not_after']).execute();
    },
  },
  // Issue #8: the signed answer to an appeal is a document too.
  '20261123_1102_documents_answer_decision': {
    async up(db: Kysely<any>) {
      await sql`alter table documents_document drop constraint documents_document_decision_check`.execute(db);
      await sql`alter table documents_document add constraint documents_document_decision_check check (decision in ('approved', 'rejected', 'answer'))`.execute(db);
    },
  },
};
