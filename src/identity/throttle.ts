import { sql } from 'kysely';
import type { Db } from '../platform/index.js';

/**
 * Growing delays after failed attempts, per key: `account:<id>` or `login:<typed>` (the
 * same rule for both, so a delay does not tell whether an account exists), `ip:<address>`,
 * `sms:<phone>`. Kept in the database so that every process counts the same attempts.
 */
export interface Limit { key: string; /** Failures allowed before delays start. */ free: number }

/** Failures older than this are forgotten. */
const WINDOW_SECONDS = 3600;
const MAX_DELAY_SECONDS = 900;

export const limits = {
  account: (id: string): Limit => ({ key: `account:${id}`, free: 5 }),
  login: (login: string): Limit => ({ key: `login:${login.toLowerCase().replace(/[^\p{L}\d]/gu, '').slice(0, 40)}`, free: 5 }),
  address: (ip: string): Limit => ({ key: `ip:${ip}`, free: 30 }),
  /** Codes sent to one phone: a few, then waits, so nobody floods a stranger with SMS. */
  sms: (phone: string): Limit => ({ key: `sms:${phone}`, free: 3 }),
};

/** Seconds until every key may try again; 0 when none is held back. */
export async function waitSeconds(db: Db, keys: Limit[]): Promise<number> {
  if (keys.length === 0) return 0;
  const rows = await db.selectFrom('identity_attempt').select('blocked_until')
    .where('key', 'in', keys.map((k) => k.key)).where('blocked_until', '>', sql<Date>`now()`).execute();
  const until = Math.max(0, ...rows.map((r) => new Date(r.blocked_until!).getTime()));
  return until === 0 ? 0 : Math.max(1, Math.ceil((until - Date.now()) / 1000));
}

/** Counts one failure (or, for `sms:`, one sending) against each key; past `free`, each waits 2, 4, 8 … s, at most 15 min. */
export async function countFailure(db: Db, keys: Limit[]): Promise<void> {
  for (const { key, free } of keys) {
    const fresh = sql<boolean>`identity_attempt.window_start > now() - make_interval(secs => ${WINDOW_SECONDS})`;
    const row = await db.insertInto('identity_attempt').values({ key, failures: 1, window_start: sql`now()`, blocked_until: null })
      .onConflict((oc) => oc.column('key').doUpdateSet({
        failures: sql`case when ${fresh} then identity_attempt.failures + 1 else 1 end`,
        window_start: sql`case when ${fresh} then identity_attempt.window_start else now() end`,
      }))
      .returning('failures').executeTakeFirstOrThrow();
    if (row.failures >= free) {
      const delay = Math.min(MAX_DELAY_SECONDS, 2 ** (row.failures - free + 1));
      await db.updateTable('identity_attempt').set({ blocked_until: sql`now() + make_interval(secs => ${delay})` }).where('key', '=', key).execute();
    }
  }
}

/** A success forgets the failures of these keys. */
export async function clearFailures(db: Db, keys: Limit[]): Promise<void> {
  if (keys.length > 0) await db.deleteFrom('identity_attempt').where('key', 'in', keys.map((k) => k.key)).execute();
}
