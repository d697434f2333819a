// Loads the registries' demo data into an empty database, in one transaction.
import { sql } from 'kysely';
import type { Db } from '../platform/index.js';
import { readDemoPopulation } from '../identity/index.js';
import { generateRegistryData, type Rows } from './data/index.js';
import { REGISTRY_TABLES } from './tables.js';

/**
 * Inserts every table's rows; the caller gives a transaction. Each table's rows go as one
 * JSON parameter that PostgreSQL unpacks (`json_populate_recordset`): binding tens of
 * thousands of parameters one by one costs the embedded engine several times more.
 */
export async function insertRegistryData(db: Db, data: Rows): Promise<void> {
  for (const table of REGISTRY_TABLES) {
    const rows = data[table];
    if (!rows.length) continue;
    await sql`insert into ${sql.table(table)} select * from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json)`.execute(db);
  }
}

/** Seeds the registries from the demo population when they are empty; says whether it did. */
export async function seedRegistries(db: Db): Promise<boolean> {
  const any = await db.selectFrom('registry_person').select('pinfl').limit(1).executeTakeFirst();
  if (any) return false;
  const data = generateRegistryData(await readDemoPopulation());
  await db.transaction().execute((trx) => insertRegistryData(trx, data));
  return true;
}
