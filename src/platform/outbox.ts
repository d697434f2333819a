import { sql, type Generated, type Kysely, type Migration } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from './db/database.js';
import { startPoller, type Poller } from './poller.js';

export interface OutboxTables {
  outbox: {
    id: Generated<number>;
    topic: string;
    payload: unknown;
    created_at: Generated<Date>;
    available_at: Generated<Date>;
    attempts: Generated<number>;
    dispatched_at: Date | null;
    failed_at: Date | null;
    last_error: string | null;
  };
}

export const outboxMigrations: Record<string, Migration> = {
  '20261123_0001_platform_outbox': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('outbox')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('payload', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('available_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('dispatched_at', 'timestamptz')
        .addColumn('failed_at', 'timestamptz')
        .addColumn('last_error', 'text')
        .execute();
      await sql`create index outbox_pending on outbox (available_at) where dispatched_at is null and failed_at is null`.execute(db);
    },
  },
};

/**
 * Records an event in the same transaction as the change that caused it; the
 * dispatcher delivers it after commit, at least once.
 */
export async function enqueue(trx: Db, topic: string, payload: unknown): Promise<void> {
  await trx.insertInto('outbox').values({ topic, payload: JSON.stringify(payload) }).execute();
}

const BATCH_SIZE = 50;

export type OutboxHandler = (payload: any, event: { id: number; topic: string; attempts: number }) => Promise<void>;

export interface DispatcherOptions {
  batchSize?: number;
  maxAttempts?: number;
  /** Lease on a claimed event; another dispatcher may take it after this. */
  leaseSeconds?: number;
  /** Delay before retry n (1-based), in seconds. */
  backoff?: (attempt: number) => number;
}

/**
 * Delivers outbox events to the handlers of their topic. Several processes may run it:
 * an event is claimed with `for update skip locked` and leased, so each is handled by one
 * dispatcher at a time; a failure is retried with backoff and given up after maxAttempts.
 */
export class OutboxDispatcher {
  private readonly handlers = new Map<string, OutboxHandler[]>();
  private poller: Poller | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly db: Db, private readonly log: Logger, private readonly options: DispatcherOptions = {}) {}

  on(topic: string, handler: OutboxHandler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  /** Handles what is due now; returns how many events were handled or retried. */
  async dispatchDue(): Promise<number> {
    this.running ??= this.dispatchBatch().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async dispatchBatch(): Promise<number> {
    const { batchSize = BATCH_SIZE, maxAttempts = 10, leaseSeconds = 60, backoff = (n: number) => Math.min(3600, 2 ** n) } = this.options;
    const claimed = await sql<{ id: number; topic: string; payload: unknown; attempts: number }>`
      update outbox set available_at = now() + make_interval(secs => ${leaseSeconds}), attempts = attempts + 1
      where id in (
        select id from outbox
        where dispatched_at is null and failed_at is null and available_at <= now()
        order by id limit ${batchSize} for update skip locked)
      returning id, topic, payload, attempts`.execute(this.db);
    // The events of a batch are sent at once (each to its own recipient, through outside
    // systems that answer in tens of milliseconds); the delivered ones are marked together.
    const delivered: number[] = [];
    await Promise.all(claimed.rows.map(async (event) => {
      try {
        for (const handler of this.handlers.get(event.topic) ?? []) await handler(event.payload, event);
        delivered.push(event.id);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const giveUp = event.attempts >= maxAttempts;
        this.log.warn({ event: event.id, topic: event.topic, attempts: event.attempts, err: message }, giveUp ? 'outbox event failed for good' : 'outbox event failed, will retry');
        await this.db.updateTable('outbox')
          .set({
            last_error: message.slice(0, 2000),
            ...(giveUp ? { failed_at: sql<Date>`now()` } : { available_at: sql<Date>`now() + make_interval(secs => ${backoff(event.attempts)})` }),
          })
          .where('id', '=', event.id).execute();
      }
    }));
    if (delivered.length > 0) {
      await this.db.updateTable('outbox').set({ dispatched_at: sql`now()`, last_error: null }).where('id', 'in', delivered).execute();
    }
    return claimed.rows.length;
  }

  /** Polls every `intervalMs`; while batches come back full, the next one follows at once. */
  start(intervalMs = 500): void {
    const batchSize = this.options.batchSize ?? BATCH_SIZE;
    let stopping = false;
    const drain = async () => {
      while (!stopping && (await this.dispatchDue()) >= batchSize);
    };
    const poller = startPoller(drain, intervalMs, (error) => this.log.error({ err: error }, 'outbox dispatch failed'));
    this.poller = { stop: () => { stopping = true; return poller.stop(); } };
  }

  async stop(): Promise<void> {
    await this.poller?.stop();
    await this.running;
  }
}
