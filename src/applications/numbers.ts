import { sql, type Insertable } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../platform/index.js';
import type { ApplicationsTables } from './applications.tables.js';

/** `YYYY-NNNNNN`: the year and the number within it, at least six digits. */
export const formatNumber = (year: number, seq: number) => `${year}-${String(seq).padStart(6, '0')}`;

/** How many numbers a refill adds, and below how many free ones the pool is refilled in the background. */
const BLOCK = 2000;
const LOW = 500;

/** An application as inserted, but for its number. */
type Row = Omit<Insertable<ApplicationsTables['applications_application']>, 'seq' | 'number'>;


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
  private stopped = false;
  /** The highest number known to exist per year: when takes come near it, a refill is started. */
  private readonly known = new Map<number, number>();

  constructor(private readonly db: Db, private readonly log: Logger) {}

  /**
   * Inserts the application with the lowest free number of the year; returns the number, or
   * undefined when the key was taken (the number goes back to the pool).
   */
  async insertNumbered(trx: Db, year: number, row: Row): Promise<{ number: string; seq: number } | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const taken = await this.takeAndInsert(trx, year, row);
      if (!taken) { await this.refillIn(trx, year); continue; }
      this.watch(year, taken.seq);
      if (!taken.made) {
        await sql`insert into applications_number_pool (year, n) values (${year}, ${taken.seq})`.execute(trx);
        return undefined;
      }
      return { number: formatNumber(year, taken.seq), seq: taken.seq };
    }
    throw new Error(`applications: no number could be taken for ${year}`);
  }

  /**
   * In one round trip: the lowest free number of the year taken (locked until commit, skipped by
   * the others meanwhile) and the application inserted with it. Undefined when no number is
   * free; `made: false` when the key was taken (the caller gives the number back).
   */
  private async takeAndInsert(trx: Db, year: number, row: Row): Promise<{ seq: number; made: boolean } | undefined> {
    const columns = Object.keys(row) as (keyof Row)[];
    const { rows } = await sql<{ n: number; id: string | null }>`
      with taken as (
        delete from applications_number_pool
        where (year, n) = (select year, n from applications_number_pool where year = ${year} order by n limit 1 for update skip locked)
        returning n
      ), made as (
        insert into applications_application (${sql.join(columns.map((c) => sql.ref(c)))}, seq, number)
        select ${sql.join(columns.map((c) => sql`${row[c] ?? null}`))}, n,
          ${String(year)} || '-' || case when n >= 100000 then n::text else lpad(n::text, 6, '0') end
        from taken
        on conflict (idempotency_key) do nothing
        returning id
      )
      select taken.n, made.id from taken left join made on true`.execute(trx);
    const first = rows[0];
    return first ? { seq: Number(first.n), made: first.id !== null } : undefined;
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

  /** Waits for a refill under way (before the database closes). */
  async idle(): Promise<void> { this.stopped = true; await this.refilling?.catch(() => {}); }

  /** A number near the top of what exists: refill after this, before the pool runs dry. */
  private watch(year: number, taken: number): void {
    const known = this.known.get(year);
    if (!this.stopped && (known === undefined || taken > known - LOW)) {
      setImmediate(() => void this.ensure(year).catch((error) => this.log.warn({ err: error }, 'application numbers not refilled; a submission will refill')));
    }
  }
}
