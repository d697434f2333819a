import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../platform/index.js';

/** How many numbers a refill adds, and below how many free ones the pool is refilled in the background. */
const BLOCK = 2000;
const LOW = 500;

type Row = Record<string, unknown> & { id: string };

/** The application's columns that are not text. */
const CAST: Record<string, string> = {
  year: 'int', form_version: 'int', workflow_version: 'int', answers: 'jsonb', files: 'jsonb', prefilled: 'jsonb', applicant_name: 'jsonb',
  active: 'boolean', due_at: 'timestamptz', submitted_at: 'timestamptz',
};

/**
 * Application numbers, `YYYY-NNNNNN`, per Tashkent year, with no gaps.
 *
 * The year's counter row (`applications_counter.last`) says how many numbers exist; every
 * number from 1 to `last` is either an application's or free in the pool
 * (`applications_number_pool`), and the counter grows only in the transaction that puts the
 * new numbers in the pool. A submission takes the lowest free number in its own transaction
 * (`for update skip locked`, so concurrent submissions never wait for each other): when it
 * commits the number is used, when it rolls back the number is free again and the next
 * submission takes it. So once the submissions under way are done, the numbers used are
 * 1, 2, 3… without a gap.
 *
 * Why not `update counter set last = last + 1` in every submission: that row stays locked until
 * the commit, and a commit waits for the disk (~2.5 ms on this machine), so submissions would
 * commit one at a time, ~350 a second at most, however many arrive together. With the pool
 * they commit together, as the database groups their log flushes.
 */
export class NumberPool {
  private refilling: Promise<void> | undefined;
  /** The highest number known to exist per year: when takes come near it, a refill is started. */
  private readonly known = new Map<number, number>();

  constructor(private readonly db: Db, private readonly log: Logger) {}

  /**
   * Inserts the application with the lowest free number of the year, in one statement; returns
   * the number, or undefined when the key was taken (its number goes back to the pool).
   */
  async insertNumbered(trx: Db, year: number, row: Row): Promise<{ number: string; seq: number } | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await this.tryInsert(trx, year, row);
      if (result.taken === null) { await this.refillIn(trx, year); continue; }
      this.watch(year, result.taken);
      if (result.number === null) {
        await sql`insert into applications_number_pool (year, n) values (${year}, ${result.taken})`.execute(trx);
        return undefined;
      }
      return { number: result.number, seq: result.taken };
    }
    throw new Error(`applications: no number could be taken for ${year}`);
  }

  private async tryInsert(trx: Db, year: number, row: Row): Promise<{ taken: number | null; number: string | null }> {
    const columns = Object.keys(row);
    // In `insert … select` the values are not typed by their columns: each is cast.
    const values = columns.map((c) => {
      const v = row[c];
      const type = CAST[c] ?? 'text';
      return sql`${v instanceof Date ? v.toISOString() : v}::${sql.raw(type)}`;
    });
    const result = await sql<{ taken: number | null; number: string | null }>`
      with taken as (
        delete from applications_number_pool
        where (year, n) = (select year, n from applications_number_pool where year = ${year} order by n limit 1 for update skip locked)
        returning n),
      made as (
        insert into applications_application (${sql.join(columns.map((c) => sql.ref(c)))}, seq, number)
        select ${sql.join(values)}, taken.n, ${String(year)} || '-' || lpad(taken.n::text, greatest(6, length(taken.n::text)), '0') from taken
        on conflict (idempotency_key) do nothing
        returning number)
      select (select n from taken) as taken, (select number from made) as number`.execute(trx);
    const first = result.rows[0]!;
    return { taken: first.taken === null ? null : Number(first.taken), number: first.number };
  }

  /**
   * The pool is empty: refill it in this transaction. The counter row is locked first, so that
   * of two submissions finding it empty one refills and the other, once that one commits, takes
   * from what it added.
   */
  private async refillIn(trx: Db, year: number): Promise<void> {
    await sql`insert into applications_counter (year, last) values (${year}, 0) on conflict (year) do nothing`.execute(trx);
    const { last } = (await sql<{ last: number }>`select last from applications_counter where year = ${year} for update`.execute(trx)).rows[0]!;
    const free = (await sql<{ n: number }>`select count(*)::int as n from applications_number_pool where year = ${year}`.execute(trx)).rows[0]!;
    if (Number(free.n) > 0) return;
    await this.add(trx, year, Number(last));
  }

  private async add(trx: Db, year: number, last: number): Promise<void> {
    await sql`insert into applications_number_pool (year, n) select ${year}, g from generate_series(${last + 1}::int, ${last + BLOCK}::int) as g`.execute(trx);
    await sql`update applications_counter set last = ${last + BLOCK} where year = ${year}`.execute(trx);
    this.known.set(year, last + BLOCK);
  }

  /** Keeps at least LOW free numbers for the year, in a transaction of its own; one refill at a time per process. */
  ensure(year: number): Promise<void> {
    this.refilling ??= this.db.transaction().execute(async (trx) => {
      await sql`insert into applications_counter (year, last) values (${year}, 0) on conflict (year) do nothing`.execute(trx);
      const { last } = (await sql<{ last: number }>`select last from applications_counter where year = ${year} for update`.execute(trx)).rows[0]!;
      const free = (await sql<{ n: number }>`select count(*)::int as n from applications_number_pool where year = ${year}`.execute(trx)).rows[0]!;
      this.known.set(year, Number(last));
      if (Number(free.n) < LOW) await this.add(trx, year, Number(last));
    }).finally(() => { this.refilling = undefined; });
    return this.refilling;
  }

  /** A number near the top of what exists: refill after this, before the pool runs dry. */
  private watch(year: number, taken: number): void {
    const known = this.known.get(year);
    if (known === undefined || taken > known - LOW) {
      setImmediate(() => void this.ensure(year).catch((error) => this.log.warn({ err: error }, 'application numbers not refilled; a submission will refill')));
    }
  }
}
