// `darcha gateway --member <code>`: one member's gateway as its own process (its database:
// DATABASE_URL, or a PGlite of its own in DATA_DIR/gateways/<code>/db), and
// `darcha verify-log`: proves the gateways' message logs.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CompactSign } from 'jose';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { readCaCertificate } from '../identity/index.js';
import { openDatabase, type Config, type Database } from '../platform/index.js';
import { httpConfFetcher } from './confclient.js';
import { gatewaySchema, INSTANCE } from './ids.js';
import { launchGateway, type LaunchedGateway } from './launch.js';
import { gatewayLocks } from './locks.js';
import { readHead, verifyMessageLog, type LogReport } from './message-log.js';
import { gatewayDir, loadCredentials, type Credentials } from './pki.js';

export interface RunGatewayOptions {
  config: Config;
  memberCode: string;
  log: Logger;
  port?: number;
  host?: string;
  /** The address other gateways use; `http(s)://host:port` of the listener unless told. */
  address?: string;
  /** The member's information system (for a provider): where allowed requests go. */
  serviceUrl?: string;
}

export class GatewaySetupError extends Error {}

/** Starts one gateway and tells the centre where it listens. */
export async function runGateway(options: RunGatewayOptions): Promise<{ gateway: LaunchedGateway; close(): Promise<void> }> {
  const { config, memberCode, log } = options;
  const dir = gatewayDir(config.dataDir, memberCode);
  const caPem = await readCaCertificate(join(config.dataDir, 'ca'));
  if (!caPem) throw new GatewaySetupError(`No CA certificate in ${join(config.dataDir, 'ca')}: copy ca-certificate.pem from the centre's DATA_DIR`);
  const credentials = await loadCredentials(dir);
  if (!credentials) throw new GatewaySetupError(`No key for member ${memberCode} in ${dir}: the centre issues it on its start (npm start) — copy that directory here`);
  const database = await gatewayDatabase(config, memberCode);
  const locks = await gatewayLocks(config.DATABASE_URL);
  if (!(await locks.tryLock(memberCode))) {
    await locks.close();
    await database.close();
    throw new GatewaySetupError(`The gateway of ${memberCode} already runs in another process on this database`);
  }
  const centralUrl = config.EXCHANGE_CENTRAL_URL ?? config.publicUrl;
  const gateway = await launchGateway({
    db: database.db, dataDir: config.dataDir, memberCode, credentials, caPem,
    fetchConf: httpConfFetcher(centralUrl), refreshMs: config.EXCHANGE_CONF_REFRESH_MS, timeoutMs: config.EXCHANGE_TIMEOUT_MS,
    tls: config.EXCHANGE_TLS, serviceUrl: options.serviceUrl ? () => options.serviceUrl : undefined, log,
    port: options.port ?? 0, host: options.host ?? '127.0.0.1', headFile: headFileOf(config, memberCode),
  });
  const address = options.address ?? gateway.url;
  let registered = false;
  const register = async () => {
    try {
      await registerAddress(centralUrl, credentials, address);
      registered = true;
      await gateway.conf.refresh();
    } catch (error) {
      log.warn({ err: error }, 'the centre could not be told where this gateway listens; trying again');
    }
  };
  await register();
  const timer = registered ? undefined : setInterval(() => { if (registered) clearInterval(timer); else void register(); }, 5000);
  return {
    gateway,
    async close() {
      clearInterval(timer);
      await gateway.close();
      await locks.close();
      await database.close();
    },
  };
}

async function gatewayDatabase(config: Config, memberCode: string): Promise<Database> {
  return config.DATABASE_URL
    ? openDatabase({ url: config.DATABASE_URL, poolSize: 4 })
    : openDatabase({ dataDir: join(gatewayDir(config.dataDir, memberCode), 'db') });
}

// The head file goes with the database the log is in.
const headFileOf = (config: Config, memberCode: string) =>
  join(gatewayDir(config.dataDir, memberCode), config.DATABASE_URL ? 'log-head.json' : join('db', 'log-head.json'));

/** Tells the centre the gateway's address, signed with the member's key. */
export async function registerAddress(centralUrl: string, credentials: Credentials, address: string): Promise<void> {
  const jws = await new CompactSign(Buffer.from(JSON.stringify({ member: credentials.id, address, iat: Date.now() })))
    .setProtectedHeader({ alg: 'ES256', x5c: [Buffer.from(credentials.certificate.raw).toString('base64')] })
    .sign(credentials.privateKey);
  const res = await fetch(`${centralUrl.replace(/\/$/, '')}/exchange/gateway-address`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jws }), signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`the centre refused the address: ${res.status}`);
}

export interface VerifiedLog extends LogReport { member: string; where: string }

/**
 * Proves the message logs: of one member or of every gateway found — in the database of
 * DATABASE_URL, or in the embedded one (DATA_DIR) and the gateways' own (DATA_DIR/gateways/<code>/db).
 */
export async function verifyLogs(config: Config, memberCode?: string): Promise<VerifiedLog[]> {
  const caPem = await readCaCertificate(join(config.dataDir, 'ca'));
  if (!caPem) throw new GatewaySetupError(`No CA certificate in ${join(config.dataDir, 'ca')}`);
  const places: { where: string; open: () => Promise<Database>; headFile: (code: string) => string }[] = [];
  if (config.DATABASE_URL) {
    places.push({ where: 'DATABASE_URL', open: () => openDatabase({ url: config.DATABASE_URL! }), headFile: (code) => join(gatewayDir(config.dataDir, code), 'log-head.json') });
  } else {
    if (existsSync(join(config.dataDir, 'pglite'))) places.push({ where: join(config.dataDir, 'pglite'), open: () => openDatabase({ dataDir: config.dataDir }), headFile: (code) => join(gatewayDir(config.dataDir, code), 'log-head.json') });
    const root = join(config.dataDir, 'gateways');
    for (const code of existsSync(root) ? readdirSync(root) : []) {
      const dir = join(gatewayDir(config.dataDir, code), 'db');
      if ((!memberCode || code === memberCode) && existsSync(join(dir, 'pglite'))) {
        places.push({ where: join(dir, 'pglite'), open: () => openDatabase({ dataDir: dir }), headFile: () => join(dir, 'log-head.json') });
      }
    }
  }
  const reports: VerifiedLog[] = [];
  for (const place of places) {
    const database = await place.open();
    try {
      const { rows } = await sql<{ schema_name: string }>`select schema_name from information_schema.schemata where schema_name like 'gw\\_%' order by schema_name`.execute(database.db);
      const codes = await memberCodes(config, database);
      for (const { schema_name: schema } of rows) {
        const code = codes.get(schema);
        if (memberCode && code !== memberCode && schema !== gatewaySchema(memberCode)) continue;
        const exists = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_schema = ${schema} and table_name = 'message_log'`.execute(database.db);
        if (!exists.rows[0]?.n) continue;
        const memberId = await memberIdOf(config, code ?? schema.slice(3));
        const report = await verifyMessageLog(database.db, schema, { caPem, memberId, head: code ? await readHead(place.headFile(code)) : undefined });
        reports.push({ ...report, member: memberId, where: place.where });
      }
    } finally {
      await database.close();
    }
  }
  return reports;
}

/** Schema → member code, from the gateways' directories and the centre's members. */
async function memberCodes(config: Config, database: Database): Promise<Map<string, string>> {
  const codes = new Map<string, string>();
  const root = join(config.dataDir, 'gateways');
  for (const code of existsSync(root) ? readdirSync(root) : []) codes.set(gatewaySchema(code), code);
  try {
    for (const m of await database.db.selectFrom('exchange_member').select('member_code').execute()) codes.set(gatewaySchema(m.member_code), m.member_code);
  } catch { /* a gateway's own database has no centre tables */ }
  return codes;
}

async function memberIdOf(config: Config, code: string): Promise<string> {
  const credentials = await loadCredentials(gatewayDir(config.dataDir, code)).catch(() => undefined);
  return credentials?.id ?? `${INSTANCE}/GOV/${code}`;
}
