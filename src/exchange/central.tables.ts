import { sql, type ColumnType, type Generated, type Kysely, type Migration } from 'kysely';

type Json<T> = ColumnType<T, string, string>;

/** The exchange centre's tables: the global configuration as it is managed. */
export interface ExchangeTables {
  exchange_member: { member_class: string; member_code: string; name: string; address: string | null; created_at: Generated<Date> };
  exchange_member_certificate: {
    fingerprint: string; member_class: string; member_code: string; pem: string; created_at: Generated<Date>; revoked_at: Date | null;
  };
  exchange_subsystem: { member_class: string; member_code: string; subsystem: string; title: Json<Record<string, string>> };
  exchange_service: {
    member_class: string; member_code: string; subsystem: string; service_code: string; method: string; path: string;
    title: Json<Record<string, string>>; personal: boolean; openapi: Json<Record<string, unknown>>;
  };
  /** A client subsystem's right to call a service, both as X-Road ids. */
  exchange_access: { client: string; service: string; granted_at: Generated<Date> };
  /** The centre's signing key and certificate (one row); the key never leaves the database. */
  exchange_central_key: { id: string; certificate_pem: string; private_key_pem: string; created_at: Generated<Date> };
}

export const exchangeMigrations: Record<string, Migration> = {
  '20261123_0500_exchange_central': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('exchange_member')
        .addColumn('member_class', 'text', (c) => c.notNull())
        .addColumn('member_code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('address', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('exchange_member_pk', ['member_class', 'member_code'])
        .execute();
      await db.schema.createTable('exchange_member_certificate')
        .addColumn('fingerprint', 'text', (c) => c.primaryKey())
        .addColumn('member_class', 'text', (c) => c.notNull())
        .addColumn('member_code', 'text', (c) => c.notNull())
        .addColumn('pem', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('revoked_at', 'timestamptz')
        .addForeignKeyConstraint('exchange_member_certificate_member', ['member_class', 'member_code'], 'exchange_member', ['member_class', 'member_code'], (c) => c.onDelete('cascade'))
        .execute();
      await db.schema.createTable('exchange_subsystem')
        .addColumn('member_class', 'text', (c) => c.notNull())
        .addColumn('member_code', 'text', (c) => c.notNull())
        .addColumn('subsystem', 'text', (c) => c.notNull())
        .addColumn('title', 'jsonb', (c) => c.notNull())
        .addPrimaryKeyConstraint('exchange_subsystem_pk', ['member_class', 'member_code', 'subsystem'])
        .addForeignKeyConstraint('exchange_subsystem_member', ['member_class', 'member_code'], 'exchange_member', ['member_class', 'member_code'], (c) => c.onDelete('cascade'))
        .execute();
      await db.schema.createTable('exchange_service')
        .addColumn('member_class', 'text', (c) => c.notNull())
        .addColumn('member_code', 'text', (c) => c.notNull())
        .addColumn('subsystem', 'text', (c) => c.notNull())
        .addColumn('service_code', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('title', 'jsonb', (c) => c.notNull())
        .addColumn('personal', 'boolean', (c) => c.notNull())
        .addColumn('openapi', 'jsonb', (c) => c.notNull())
        .addPrimaryKeyConstraint('exchange_service_pk', ['member_class', 'member_code', 'subsystem', 'service_code'])
        .addForeignKeyConstraint('exchange_service_subsystem', ['member_class', 'member_code', 'subsystem'], 'exchange_subsystem', ['member_class', 'member_code', 'subsystem'], (c) => c.onDelete('cascade'))
        .execute();
      await db.schema.createTable('exchange_access')
        .addColumn('client', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('granted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('exchange_access_pk', ['client', 'service'])
        .execute();
      await db.schema.createTable('exchange_central_key')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('certificate_pem', 'text', (c) => c.notNull())
        .addColumn('private_key_pem', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
    },
  },
};
