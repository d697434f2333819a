import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Schema } from './schema.js';
import { PGliteDialect } from './pglite-dialect.js';

export type Db = Kysely<Schema>;

export interface Database {
  db: Db;
  /** `pglite` for the embedded engine, `postgres` for a server. */
  engine: 'pglite' | 'postgres';
  /**
   * Calls `handler` with the payload of every `pg_notify(channel, …)`, from any process on
   * the same database; returns the function that stops listening.
   */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

// bigint and numeric come back as numbers from both engines (pg gives strings, PGlite
// numbers for some): amounts are integers in tiyin, far below 2^53.
const toNumber = (value: string) => Number(value);
pg.types.setTypeParser(pg.types.builtins.INT8, toNumber);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, toNumber);
// Dates without time stay as `YYYY-MM-DD` text: no time zone can shift them.
const asText = (value: string) => value;
pg.types.setTypeParser(pg.types.builtins.DATE, asText);

/**
 * A connection that prepares each statement it runs with parameters once and reuses it:
 * the server then parses and plans a submission's statements once per connection rather
 * than on every call. Named by the statement's hash; past 500 names a connection runs the
 * rest unnamed, so statements whose text varies (IN lists) cannot fill its memory.
 */
class PreparingClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      const name = createHash('sha1').update(text).digest('base64url');
      const parsed = (this as unknown as { connection: { parsedStatements: Record<string, string> } }).connection.parsedStatements;
      if (parsed[name] !== undefined || Object.keys(parsed).length < 500) return (super.query as (...a: unknown[]) => never)({ name, text, values });
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

/**
 * Opens the database: PostgreSQL when a URL is given, otherwise the embedded PGlite in
 * `dataDir` (`memory://` keeps it in memory, for tests).
 */
export async function openDatabase(options: { url?: string; dataDir?: string; poolSize?: number; onIdleError?: (error: Error) => void }): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, Client: PreparingClient });
    // An idle connection the server closes (restart, failover) is dropped from the pool and
    // the next query opens a new one; without a listener it would crash the process.
    pool.on('error', (error) => options.onIdleError?.(error));
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    await sql`select 1`.execute(db);
    return { db, engine: 'postgres', listen: (channel, handler) => listenPostgres(options.url!, channel, handler, options.onIdleError), close: () => db.destroy() };
  }
  const dataDir = options.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  // Loaded only when used: a server on PostgreSQL does not carry the embedded engine's code.
  const { PGlite, types: pgliteTypes } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create(dataDir === 'memory://' ? undefined : join(dataDir, 'pglite'), {
    parsers: { [pgliteTypes.INT8]: toNumber, [pgliteTypes.NUMERIC]: toNumber, [pgliteTypes.DATE]: asText },
  });
  const db = new Kysely<Schema>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    engine: 'pglite',
    listen: (channel, handler) => pglite.listen(channel, handler),
    close: async () => { await db.destroy(); await pglite.close(); },
  };
}

/**
 * LISTEN needs a connection of its own, outside the pool; when the server drops it, a new
 * one is opened after a second (notifications sent in between are lost, which the
 * listeners' own expiry covers).
 */
async function listenPostgres(url: string, channel: string, handler: (payload: string) => void, onError?: (error: Error) => void): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => { if (message.channel === channel) handler(message.payload ?? ''); });
    next.on('error', (error) => {
      onError?.(error);
      next.end().catch(() => {});
      if (!stopped) setTimeout(() => connect().catch((e) => onError?.(e as Error)), 1000).unref();
    });
    await next.connect();
    await next.query(`listen ${pg.escapeIdentifier(channel)}`);
    client = next;
  };
  await connect();
  return async () => { stopped = true; await client?.end().catch(() => {}); };
}
