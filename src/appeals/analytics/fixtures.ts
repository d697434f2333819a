// Test support: a database with the appeals tables and the rollups, and synthetic appeals
// written straight into appeals_appeal (as the bench does), so that the triggers count them.
import { testDatabase } from '../../testing.js';
import { migrateToLatest, type Database, type Db } from '../../platform/index.js';
import { appealsMigrations } from '../appeals.tables.js';
import { analyticsMigrations } from './tables.js';

export async function analyticsDatabase(): Promise<Database> {
  const database = await testDatabase();
  await migrateToLatest(database.db, { ...appealsMigrations, ...analyticsMigrations });
  return database;
}

export interface Synthetic {
  topic: string;
  region: string | null;
  district: string | null;
  agency: string;
  registeredAt: Date;
  kind?: 'statement' | 'proposal' | 'complaint';
  state?: 'open' | 'assigned' | 'answered' | 'closed';
  dueAt?: Date;
  answeredAt?: Date | null;
  rating?: number | null;
}

let counter = 0;

/** Inserts appeals in batches; returns their ids. */
export async function insertAppeals(db: Db, appeals: Synthetic[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < appeals.length; i += 500) {
    const rows = appeals.slice(i, i + 500).map((a) => {
      const n = ++counter;
      const id = `syn-${process.pid}-${n}`;
      ids.push(id);
      return {
        id, number: `M-T-${process.pid}-${n}`, kind: a.kind ?? 'statement', author_kind: 'external', author_name: 'Synthetic', author_contact: '{}', co_executors: '[]', locale: 'en', channel: 'phone',
        topic_id: a.topic, sphere_id: 'synthetic', summary: 'Synthetic appeal', body: 'A synthetic appeal for the analytics tests.',
        region: a.region, district: a.district, agency_id: a.agency, state: a.state ?? 'open',
        registered_at: a.registeredAt, due_at: a.dueAt ?? new Date(a.registeredAt.getTime() + 15 * 86_400_000),
        answered_at: a.answeredAt ?? null, rating: a.rating ?? null, idempotency_key: id,
      };
    });
    await db.insertInto('appeals_appeal').values(rows).execute();
  }
  return ids;
}

/** A Poisson draw (Knuth's method; the rates here are small). */
export function poisson(rate: number, random: () => number): number {
  const limit = Math.exp(-rate);
  let k = 0;
  let p = random();
  while (p > limit) { k++; p *= random(); }
  return k;
}
