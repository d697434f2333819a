import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.js';

export type Migrations = Record<string, Migration>;

/**
 * Runs every module's migrations in name order (names start with a timestamp, so the
 * order is global across modules). Throws with the failing migration's name.
 */
export async function migrateToLatest(db: Db, migrations: Migrations): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({ db, provider });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r) => r.status === 'Error');
  if (error) throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`, { cause: error });
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
