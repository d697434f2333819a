import { sql, type ColumnType, type Generated, type Kysely, type Migration } from 'kysely';
import type { WorkflowDefinition } from './definitions.js';

/** A jsonb column: written as JSON text, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

export interface WorkflowTables {
  /** Every version of every definition ever used; a version's content never changes. */
  workflow_definition: {
    id: string;
    version: number;
    definition: Json<WorkflowDefinition>;
    /** SHA-256 of the definition's content, to refuse a changed definition under an old number. */
    sha256: string;
    registered_at: Generated<Date>;
  };
  /** Each step of each subject: who took which action, when and why. */
  workflow_transition: {
    id: Generated<number>;
    subject: string;
    definition_id: string;
    definition_version: number;
    /** Empty for the first entry, when the subject begins in the initial state. */
    from_state: string;
    to_state: string;
    action: string;
    actor_kind: string;
    actor_id: string | null;
    actor_name: string | null;
    reason: string | null;
    at: Date;
    due_at: Date | null;
  };
  /**
   * One row per subject: its current state, the term of that state and whether the overdue
   * handler has been called for this stay in it. Kept by `transition` in the caller's
   * transaction; the overdue poller claims rows with `for update skip locked`.
   */
  workflow_due: {
    subject: string;
    definition_id: string;
    definition_version: number;
    state: string;
    /** The transition that entered the state: a stay in a state is escalated once. */
    entry: number;
    entered_at: Date;
    due_at: Date | null;
    /** A poller holds the row until then while its handler runs; after, another may retry. */
    claimed_until: Date | null;
    escalated_at: Date | null;
  };
}

export const workflowMigrations: Record<string, Migration> = {
  '20261123_0700_workflow': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('workflow_definition')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
        .addColumn('definition', 'jsonb', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('registered_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('workflow_definition_pk', ['id', 'version'])
        .execute();
      await db.schema.createTable('workflow_transition')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('definition_id', 'text', (c) => c.notNull())
        .addColumn('definition_version', 'integer', (c) => c.notNull())
        .addColumn('from_state', 'text', (c) => c.notNull())
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull().check(sql`actor_kind in ('applicant', 'officer', 'head', 'system')`))
        .addColumn('actor_id', 'text')
        .addColumn('actor_name', 'text')
        .addColumn('reason', 'text')
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .addColumn('due_at', 'timestamptz')
        .addForeignKeyConstraint('workflow_transition_definition', ['definition_id', 'definition_version'], 'workflow_definition', ['id', 'version'])
        .execute();
      await db.schema.createIndex('workflow_transition_subject').on('workflow_transition').columns(['subject', 'id']).execute();
      await db.schema.createTable('workflow_due')
        .addColumn('subject', 'text', (c) => c.primaryKey())
        .addColumn('definition_id', 'text', (c) => c.notNull())
        .addColumn('definition_version', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('entry', 'bigint', (c) => c.notNull())
        .addColumn('entered_at', 'timestamptz', (c) => c.notNull())
        .addColumn('due_at', 'timestamptz')
        .addColumn('claimed_until', 'timestamptz')
        .addColumn('escalated_at', 'timestamptz')
        .addForeignKeyConstraint('workflow_due_definition', ['definition_id', 'definition_version'], 'workflow_definition', ['id', 'version'])
        .execute();
      // What the overdue poller looks for: states with a term, not yet escalated.
      await sql`create index workflow_due_pending on workflow_due (due_at) where escalated_at is null and due_at is not null`.execute(db);
    },
  },
};
