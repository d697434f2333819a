import { sql, type ColumnType, type Generated, type Kysely, type Migration } from 'kysely';
import type { LocalText } from '../platform/index.js';
import type { LegalBasis } from './catalog.types.js';
import { editorMigrations, type EditorTables } from './editor/editor.tables.js';

/** A jsonb column: written as JSON text, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

/** The catalog's tables, with the editor's drafts. */
export interface CatalogTables extends EditorTables {
  catalog_sphere: { id: string; position: number; icon: string; name: Json<LocalText> };
  catalog_agency: {
    id: string; parent_id: string | null; kind: string; region: string; name: Json<LocalText>; address: Json<LocalText>;
    phone: string; email: string; website: string | null; hours: Json<LocalText>;
  };
  catalog_service: {
    id: string; sphere_id: string; agency_id: string; type: string; audience: Json<string[]>; channels: Json<string[]>;
    fee_bhm: number; online_discount: number; term_days: number; term_kind: string; popularity: number;
    name: Json<LocalText>; summary: Json<LocalText>; keywords: Json<LocalText | null>; documents: Json<LocalText[]>;
    result: Json<LocalText>; steps: Json<LocalText[]>; legal_basis: Json<LegalBasis[]>;
    /** `published`, or `withdrawn` when a later import no longer has it (applications may still refer to it). */
    status: Generated<string>;
    updated_at: Generated<Date>;
  };
  catalog_bhm: { valid_from: ColumnType<string, string, string>; amount_tiyin: number; legal_basis: Json<LegalBasis> };
  /** One row; its number goes up with every change so that every process reloads. */
  catalog_revision: { id: number; revision: number; changed_at: Generated<Date> };
}

export const catalogMigrations: Record<string, Migration> = {
  '20261123_0100_catalog': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('catalog_sphere')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('icon', 'text', (c) => c.notNull())
        .addColumn('name', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema.createTable('catalog_agency')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('parent_id', 'text', (c) => c.references('catalog_agency.id').modifyEnd(sql`deferrable initially deferred`))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('name', 'jsonb', (c) => c.notNull())
        .addColumn('address', 'jsonb', (c) => c.notNull())
        .addColumn('phone', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('website', 'text')
        .addColumn('hours', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema.createTable('catalog_service')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sphere_id', 'text', (c) => c.notNull().references('catalog_sphere.id'))
        .addColumn('agency_id', 'text', (c) => c.notNull().references('catalog_agency.id'))
        .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('informational', 'interactive', 'transactional')`))
        .addColumn('audience', 'jsonb', (c) => c.notNull())
        .addColumn('channels', 'jsonb', (c) => c.notNull())
        .addColumn('fee_bhm', 'numeric(10, 3)', (c) => c.notNull().check(sql`fee_bhm >= 0`))
        .addColumn('online_discount', 'numeric(5, 2)', (c) => c.notNull().check(sql`online_discount between 0 and 100`))
        .addColumn('term_days', 'integer', (c) => c.notNull().check(sql`term_days >= 0`))
        .addColumn('term_kind', 'text', (c) => c.notNull().check(sql`term_kind in ('working', 'calendar')`))
        .addColumn('popularity', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('name', 'jsonb', (c) => c.notNull())
        .addColumn('summary', 'jsonb', (c) => c.notNull())
        .addColumn('keywords', 'jsonb')
        .addColumn('documents', 'jsonb', (c) => c.notNull())
        .addColumn('result', 'jsonb', (c) => c.notNull())
        .addColumn('steps', 'jsonb', (c) => c.notNull())
        .addColumn('legal_basis', 'jsonb', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('published'))
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.schema.createIndex('catalog_service_sphere').on('catalog_service').column('sphere_id').execute();
      await db.schema.createIndex('catalog_service_agency').on('catalog_service').column('agency_id').execute();
      await db.schema.createTable('catalog_bhm')
        .addColumn('valid_from', 'date', (c) => c.primaryKey())
        .addColumn('amount_tiyin', 'bigint', (c) => c.notNull().check(sql`amount_tiyin > 0`))
        .addColumn('legal_basis', 'jsonb', (c) => c.notNull())
        .execute();
      await db.schema.createTable('catalog_revision')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .execute();
      await db.insertInto('catalog_revision').values({ id: 1, revision: 0 }).execute();
    },
  },
  ...editorMigrations,
};
