// One gateway per member at a time: its message log is one hash chain, which two writers
// would fork. On PostgreSQL a session advisory lock per member, held on a connection of its
// own for as long as the gateway runs; PGlite belongs to one process anyway.
import pg from 'pg';

export interface GatewayLocks {
  tryLock(memberCode: string): Promise<boolean>;
  unlock(memberCode: string): Promise<void>;
  close(): Promise<void>;
}

export async function gatewayLocks(databaseUrl: string | undefined): Promise<GatewayLocks> {
  if (!databaseUrl) return { tryLock: async () => true, unlock: async () => {}, close: async () => {} };
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => {});
  await client.connect();
  const key = (code: string) => `darcha.exchange.gateway.${code}`;
  return {
    async tryLock(code) {
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [key(code)]);
      return rows[0]!.locked;
    },
    async unlock(code) { await client.query('select pg_advisory_unlock(hashtext($1))', [key(code)]).catch(() => {}); },
    close: () => client.end().catch(() => {}),
  };
}
