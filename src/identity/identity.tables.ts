import { sql, type ColumnType, type Generated, type Kysely, type Migration } from 'kysely';
import { businessMigrations } from './business/business.migration.js';

type Json<T> = ColumnType<T, string, string>;

export interface PersonName { first: string; last: string; middle?: string }

export interface IdentityTables {
  identity_person: {
    id: string;
    kind: string; // citizen | foreigner
    pinfl: string | null;
    document_number: string | null;
    document_country: string | null;
    name_latin: Json<PersonName>;
    name_cyrillic: Json<PersonName | null>;
    birth_date: ColumnType<string, string, string>;
    phone: string | null;
    email: string | null;
    locale: string;
    /** Where notifications go besides the cabinet: any of sms, email, telegram. */
    channels: ColumnType<string[], string | undefined, string>;
    telegram_chat_id: string | null;
    created_at: Generated<Date>;
  };
  identity_account: {
    person_id: string;
    password_hash: string;
    phone_verified_at: Date | null;
    created_at: Generated<Date>;
  };
  identity_session: {
    /** SHA-256 of the cookie value: a leaked table lets nobody in. */
    id_hash: string;
    /** How the owner refers to it (to revoke it from another device). */
    ref: string;
    person_id: string;
    acting_for: string | null;
    created_at: Generated<Date>;
    expires_at: Date;
    revoked_at: Date | null;
    user_agent: string | null;
    ip: string | null;
    id_token: string | null;
    /** Which client signed in: the portal or the back office, each with its own cookie. */
    audience: Generated<string>;
  };
  identity_audit: {
    id: Generated<number>;
    at: Generated<Date>;
    actor: string | null;
    action: string;
    subject: string | null;
    ip: string | null;
    detail: Json<Record<string, unknown>>;
  };
  oidc_payload: {
    kind: string;
    id: string;
    payload: Json<Record<string, unknown>>;
    grant_id: string | null;
    user_code: string | null;
    uid: string | null;
    expires_at: Date | null;
    consumed_at: Date | null;
  };
  /** One-time codes sent by SMS, kept as hashes; `id` ties a code to its sign-in. */
  identity_otp: {
    id: string; person_id: string | null; purpose: string; code_hash: string; attempts: Generated<number>; expires_at: Date; consumed_at: Date | null;
  };
  identity_data_access: {
    id: Generated<number>; at: Generated<Date>; person_id: string; accessor_kind: string; accessor: string;
    agency_id: string | null; purpose: string; fields: Json<string[]>;
  };
  oidc_key: { kid: string; jwk: Json<Record<string, unknown>>; created_at: Generated<Date> };
  /** Failed attempts per key (`account:…`, `login:…`, `ip:…`, `sms:…`), shared by every process. */
  identity_attempt: { key: string; failures: number; window_start: Date; blocked_until: Date | null };
  /** Back-office roles: officer and head belong to an agency (and a unit, region, district). */
  identity_role: {
    id: string; person_id: string; role: string; agency_id: string | null; unit: string | null; region: string | null; district: string | null;
    position: string | null; granted_by: string | null; granted_at: Generated<Date>; revoked_at: Date | null;
  };
  /** Businesses as the business registry has them; the director may act for it by law. */
  identity_business: {
    id: string; stir: string; legal_form: string; name: Json<{ uz: string; ru: string; en: string }>; registered_on: ColumnType<string, string, string>;
    region: string; district: string; address: string; director_id: string;
  };
  /** A power of representation: a director empowers a person for some services (or all: `*`) until a date. */
  identity_power: {
    id: string; business_id: string; person_id: string; scope: Json<string[]>; granted_by: string; created_at: Generated<Date>;
    expires_at: Date; revoked_at: Date | null; revoked_by: string | null;
  };
  /** A code the person sends to the Telegram bot to link their chat; stored hashed. */
  identity_telegram_link: { code_hash: string; person_id: string; expires_at: Date };
  /** What the cabinet shows under notifications: a message key with its parameters, in the reader's language. */
  identity_notification: {
    id: Generated<number>; person_id: string; business_id: string | null; at: Generated<Date>; message_key: string;
    params: Json<Record<string, string | number>>; link: string | null; read_at: Date | null;
  };
  /** Whom the person acts for towards a client, per grant (chosen at sign-in); no business: themselves. */
  identity_grant_business: { grant_id: string; person_id: string; business_id: string | null; locale: string; chosen_at: Generated<Date> };
}

export const identityMigrations: Record<string, Migration> = {
  '20261123_0200_identity': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('identity_person')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('citizen', 'foreigner')`))
        .addColumn('pinfl', 'text', (c) => c.unique())
        .addColumn('document_number', 'text')
        .addColumn('document_country', 'text')
        .addColumn('name_latin', 'jsonb', (c) => c.notNull())
        .addColumn('name_cyrillic', 'jsonb')
        .addColumn('birth_date', 'date', (c) => c.notNull())
        .addColumn('phone', 'text', (c) => c.unique())
        .addColumn('email', 'text')
        .addColumn('locale', 'text', (c) => c.notNull().defaultTo('uz'))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createTable('identity_account')
        .addColumn('person_id', 'text', (c) => c.primaryKey().references('identity_person.id'))
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('phone_verified_at', 'timestamptz')
        .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_until', 'timestamptz')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createTable('identity_session')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('ref', 'text', (c) => c.notNull().unique())
        .addColumn('person_id', 'text', (c) => c.notNull().references('identity_person.id'))
        .addColumn('acting_for', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('revoked_at', 'timestamptz')
        .addColumn('user_agent', 'text')
        .addColumn('ip', 'text')
        .addColumn('id_token', 'text')
        .execute();
      await db.schema.createIndex('identity_session_person').on('identity_session').column('person_id').execute();
      await db.schema.createTable('identity_audit')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('actor', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('ip', 'text')
        .addColumn('detail', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema.createTable('oidc_payload')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('payload', 'jsonb', (c) => c.notNull())
        .addColumn('grant_id', 'text')
        .addColumn('user_code', 'text')
        .addColumn('uid', 'text')
        .addColumn('expires_at', 'timestamptz')
        .addColumn('consumed_at', 'timestamptz')
        .addPrimaryKeyConstraint('oidc_payload_pk', ['kind', 'id'])
        .execute();
      await db.schema.createIndex('oidc_payload_grant').on('oidc_payload').column('grant_id').execute();
      await db.schema.createIndex('oidc_payload_uid').on('oidc_payload').column('uid').execute();
      await db.schema.createTable('identity_otp')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull().references('identity_person.id'))
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('consumed_at', 'timestamptz')
        .execute();
      await db.schema.createTable('oidc_key')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('jwk', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
  // A signature-key challenge is issued before anyone is known: the certificate says who signed.
  '20261123_0201_identity_challenges': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('identity_otp').alterColumn('person_id', (c) => c.dropNotNull()).execute();
    },
  },
  // The data tracker: every read of a person's data by an officer or an agency's system.
  '20261123_0202_identity_data_access': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('identity_data_access')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('person_id', 'text', (c) => c.notNull().references('identity_person.id'))
        .addColumn('accessor_kind', 'text', (c) => c.notNull().check(sql`accessor_kind in ('officer', 'system')`))
        .addColumn('accessor', 'text', (c) => c.notNull())
        .addColumn('agency_id', 'text')
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('fields', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('identity_data_access_person').on('identity_data_access').columns(['person_id', 'at']).execute();
    },
  },
  // Throttling shared by processes, back-office roles, businesses and powers, settings and notifications.
  '20261123_0203_identity_roles_businesses': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('identity_account').dropColumn('failed_attempts').dropColumn('locked_until').execute();
      await db.schema.alterTable('identity_person').addColumn('channels', 'jsonb', (c) => c.notNull().defaultTo(sql`'["sms"]'::jsonb`)).execute();
      await db.schema.alterTable('identity_person').addColumn('telegram_chat_id', 'text', (c) => c.unique()).execute();
      await db.schema.alterTable('identity_session').addColumn('audience', 'text', (c) => c.notNull().defaultTo('portal').check(sql`audience in ('portal', 'office')`)).execute();
      await db.schema.createTable('identity_attempt')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('window_start', 'timestamptz', (c) => c.notNull())
        .addColumn('blocked_until', 'timestamptz')
        .execute();
      await db.schema.createTable('identity_role')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull().references('identity_person.id'))
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('officer', 'head', 'editor', 'admin')`))
        .addColumn('agency_id', 'text')
        .addColumn('unit', 'text')
        .addColumn('region', 'text')
        .addColumn('district', 'text')
        .addColumn('position', 'text')
        .addColumn('granted_by', 'text')
        .addColumn('granted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('revoked_at', 'timestamptz')
        .execute();
      await db.schema.createIndex('identity_role_person').on('identity_role').column('person_id').execute();
      await db.schema.createTable('identity_business')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('stir', 'text', (c) => c.notNull().unique())
        .addColumn('legal_form', 'text', (c) => c.notNull())
        .addColumn('name', 'jsonb', (c) => c.notNull())
        .addColumn('registered_on', 'date', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('district', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('director_id', 'text', (c) => c.notNull().references('identity_person.id'))
        .execute();
      await db.schema.createIndex('identity_business_director').on('identity_business').column('director_id').execute();
      await db.schema.createTable('identity_power')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull().references('identity_business.id'))
        .addColumn('person_id', 'text', (c) => c.notNull().references('identity_person.id'))
        .addColumn('scope', 'jsonb', (c) => c.notNull())
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('revoked_at', 'timestamptz')
        .addColumn('revoked_by', 'text')
        .execute();
      await db.schema.createIndex('identity_power_person').on('identity_power').column('person_id').execute();
      await db.schema.createIndex('identity_power_business').on('identity_power').column('business_id').execute();
      await db.schema.createTable('identity_telegram_link')
        .addColumn('code_hash', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull().references('identity_person.id'))
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createTable('identity_notification')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull().references('identity_person.id'))
        .addColumn('business_id', 'text', (c) => c.references('identity_business.id'))
        .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('message_key', 'text', (c) => c.notNull())
        .addColumn('params', 'jsonb', (c) => c.notNull())
        .addColumn('link', 'text')
        .addColumn('read_at', 'timestamptz')
        .execute();
      await db.schema.createIndex('identity_notification_person').on('identity_notification').columns(['person_id', 'at']).execute();
    },
  },
  ...businessMigrations,
};
