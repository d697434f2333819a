import { sql, type ColumnType, type Generated, type Kysely, type Migration } from 'kysely';

/** A jsonb column: written as JSON text, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

export const DRAFT_KINDS = ['service', 'agency', 'sphere'] as const;
export const DRAFT_STATUSES = ['draft', 'published', 'rejected', 'withdrawn'] as const;
export type DraftKind = (typeof DRAFT_KINDS)[number];
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

export interface EditorTables {
  /**
   * A change to one catalog record, made by one editor and published (or rejected) by
   * another. `payload` is the whole new record, `base` the record as it was when the draft
   * was made (null for a new one): the diff is shown from it, and a publish is refused when
   * the published record no longer equals it.
   */
  catalog_draft: {
    id: string;
    kind: DraftKind;
    target_id: string;
    payload: Json<unknown>;
    base: Json<unknown | null>;
    status: Generated<DraftStatus>;
    author: string;
    /** The author's name as it was, so the catalog need not read identity's tables. */
    author_name: string;
    created_at: Generated<Date>;
    decided_by: string | null;
    decided_by_name: string | null;
    decided_at: Date | null;
    reason: string | null;
  };
}

export const editorMigrations: Record<string, Migration> = {
  '20261123_0300_catalog_drafts': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('catalog_draft')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('service', 'agency', 'sphere')`))
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'jsonb', (c) => c.notNull())
        .addColumn('base', 'jsonb')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft', 'published', 'rejected', 'withdrawn')`))
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('author_name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('decided_by', 'text')
        .addColumn('decided_by_name', 'text')
        .addColumn('decided_at', 'timestamptz')
        .addColumn('reason', 'text')
        // Whoever decides is not the author: the four-eyes rule, kept by the database too.
        .addCheckConstraint('catalog_draft_four_eyes', sql`status not in ('published', 'rejected') or decided_by <> author`)
        .execute();
      await db.schema.createIndex('catalog_draft_status').on('catalog_draft').columns(['status', 'created_at']).execute();
      await db.schema.createIndex('catalog_draft_target').on('catalog_draft').columns(['kind', 'target_id']).execute();
    },
  },
};
