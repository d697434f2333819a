import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.js';

export type Migrations = Record<string, Migration>;

/**
 * Whether every one of these migrations has run (in `schema`, when given): one query, where
 * Kysely's migrator makes its tables sure, takes a lock and reads them even with nothing to do.
 * On PGlite that was a tenth of a warm start, and the demo's gateways have a schema each.
 */
export async function migrationsDone(db: Kysely<any>, names: string[], schema?: string): Promise<boolean> {
  try {
    const table = schema ? sql.id(schema, 'kysely_migration') : sql.id('kysely_migration');
    const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(db);
    const done = new Set(rows.map((r) => r.name));
    return names.every((name) => done.has(name));
  } catch {
    return false; // no migration table yet
  }
}

/**
 * Runs every module's migrations in name order (names start with a timestamp, so the
 * order is global across modules). Throws with the failing migration's name.
 */
export async function migrateToLatest(db: Db, migrations: Migrations): Promise<string[]> {
  if (await migrationsDone(db, Object.keys(migrations))) return [];
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({ db, provider });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r) => r.status === 'Error');
  if (error) throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`, { cause: error });
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
