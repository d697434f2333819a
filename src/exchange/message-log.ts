// The message log: every message a gateway sends or receives (request and response, with
// its signature), in the gateway's own database schema, chained by hash: each record's
// hash covers the previous record's hash. Records are written in batches (group commit:
// whatever arrives while a write is under way goes in the next INSERT), and the last record
// of every batch is sealed with the gateway's key, so a chain rewritten by someone with
// write access to the database, but without the key, is told from the real one.
import { X509Certificate, createHash } from 'node:crypto';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { CompiledQuery, sql, Migrator, type Kysely, type Migration } from 'kysely';
import { migrationsDone, type Db } from '../platform/index.js';
import { bodyHash } from './canonical.js';
import { certificateProblem, fingerprint, type Credentials } from './pki.js';
import { verifyToken, type BatchSigner } from './signer.js';

export interface MessageLogTables {
  message_log: {
    seq: number; at: number; side: string; direction: string; request_id: string; message_id: string;
    client: string; service: string; status: number | null; canonical: string; body: Buffer;
    signer: string; signature: string; prev_hash: string; hash: string; seal: string | null;
  };
  certificate: { fingerprint: string; pem: string };
}

export interface LogRecord {
  side: 'client' | 'server';
  direction: 'request' | 'response';
  requestId: string;
  messageId: string;
  client: string;
  service: string;
  status: number | null;
  /** The exact text that was signed. */
  canonical: string;
  body: Buffer;
  /** Fingerprint of the signer's certificate; '' when the message came unsigned. */
  signer: string;
  signature: string;
}

const GENESIS = '0'.repeat(64);
const COLUMNS = ['seq', 'at', 'side', 'direction', 'request_id', 'message_id', 'client', 'service', 'status', 'canonical', 'body', 'signer', 'signature', 'prev_hash', 'hash', 'seal'] as const;
const BATCH = 500;
/** The head file's fixed size: `{"seq":…,"hash":"…"}` padded with spaces, rewritten in place. */
const HEAD_SIZE = 128;
const HEAD_INTERVAL_MS = 20;

const gatewayMigrations = (schema: string): Record<string, Migration> => ({
  '20261123_0501_exchange_gateway_log': {
    async up(db: Kysely<any>) {
      await db.schema.withSchema(schema).createTable('message_log')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('side', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('client', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('canonical', 'text', (c) => c.notNull())
        .addColumn('body', 'bytea', (c) => c.notNull())
        .addColumn('signer', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('seal', 'text')
        .execute();
      await db.schema.withSchema(schema).createTable('certificate')
        .addColumn('fingerprint', 'text', (c) => c.primaryKey())
        .addColumn('pem', 'text', (c) => c.notNull())
        .execute();
    },
  },
});

/** Creates the gateway's schema and brings its tables up to date. */
export async function migrateGatewaySchema(db: Db, schema: string): Promise<void> {
  if (await migrationsDone(db, Object.keys(gatewayMigrations(schema)), schema)) return;
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({
    db: db as unknown as Kysely<any>, migrationTableSchema: schema,
    provider: { getMigrations: async () => gatewayMigrations(schema) },
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw new Error(`the gateway schema ${schema} could not be migrated: ${(error as Error).message}`, { cause: error });
}

interface Row { seq: number; at: number; side: string; direction: string; request_id: string; message_id: string; client: string; service: string; status: number | null; canonical: string; body: Buffer; signer: string; signature: string; prev_hash: string }

export function recordHash(row: Row): string {
  const content = JSON.stringify([row.seq, row.at, row.side, row.direction, row.request_id, row.message_id, row.client, row.service, row.status, row.canonical, bodyHash(row.body), row.signer, row.signature]);
  return createHash('sha256').update(row.prev_hash).update('\n').update(content).digest('hex');
}

interface Waiting { records: LogRecord[]; at: number; resolve(): void; reject(error: unknown): void }

export class MessageLog {
  readonly #db: Kysely<MessageLogTables>;
  #insertSql: string | undefined;
  #queue: Waiting[] = [];
  #flushing = false;
  #lastSeq = 0;
  #lastHash = GENESIS;
  #knownCertificates = new Set<string>();
  #headWrite: Promise<void> | undefined;
  #headHandle: FileHandle | undefined;
  #headDirty = false;

  private constructor(private readonly rawDb: Db, readonly schema: string, private readonly signer: BatchSigner, private readonly credentials: Credentials, private readonly headFile?: string) {
    this.#db = rawDb.withSchema(schema) as unknown as Kysely<MessageLogTables>;
  }

  /** Opens (and first creates) the log in `schema`; `headFile` keeps the last record's number and hash outside the database. */
  static async open(db: Db, schema: string, signer: BatchSigner, credentials: Credentials, headFile?: string): Promise<MessageLog> {
    await migrateGatewaySchema(db, schema);
    const log = new MessageLog(db, schema, signer, credentials, headFile);
    const last = await log.#db.selectFrom('message_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (last) { log.#lastSeq = Number(last.seq); log.#lastHash = last.hash; }
    await log.rememberCertificate(credentials.certificatePem, credentials.fingerprint);
    return log;
  }

  get lastSeq() { return this.#lastSeq; }

  /** Resolves once the records (a request and its answer go together) are in the database, in their place in the chain. */
  append(records: LogRecord | LogRecord[], at = Date.now()): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ records: Array.isArray(records) ? records : [records], at, resolve, reject });
      if (!this.#flushing) {
        // A turn of the event loop first, so that the messages that came with this one go in the same write.
        this.#flushing = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush() {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, BATCH);
        let seq = this.#lastSeq, prev = this.#lastHash;
        const rows = batch.flatMap(({ records, at }) => records.map((r) => {
          const row: Row = {
            seq: ++seq, at, side: r.side, direction: r.direction, request_id: r.requestId, message_id: r.messageId, client: r.client,
            service: r.service, status: r.status, canonical: r.canonical, body: r.body, signer: r.signer, signature: r.signature, prev_hash: prev,
          };
          prev = recordHash(row);
          return { ...row, hash: prev, seal: null as string | null };
        }));
        try {
          rows[rows.length - 1]!.seal = `${this.credentials.fingerprint}:${await this.signer.sign(Buffer.from(prev, 'hex'))}`;
          await this.#insert(rows);
          this.#lastSeq = seq;
          this.#lastHash = prev;
          for (const w of batch) w.resolve();
          this.#writeHead();
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  // One INSERT for the batch, the rows as one JSON parameter: a fixed text, and on PGlite a
  // third less CPU per row than a VALUES list of 16 parameters a row.
  async #insert(rows: (Row & { hash: string; seal: string | null })[]) {
    this.#insertSql ??= `insert into "${this.schema}"."message_log" (${COLUMNS.join(', ')}) select ${COLUMNS.join(', ')} from json_populate_recordset(null::"${this.schema}"."message_log", $1)`;
    const json = JSON.stringify(rows.map((row) => ({ ...row, body: `\\x${row.body.toString('hex')}` })));
    await this.rawDb.executeQuery(CompiledQuery.raw(this.#insertSql, [json]));
  }

  // The head file is written after the batch, never waited for: one positional write of a
  // fixed-size text into a file kept open (no open, rename or fsync per batch), at most one at
  // a time, the newest head written next.
  #writeHead() {
    if (!this.headFile) return;
    if (this.#headWrite) { this.#headDirty = true; return; }
    const file = this.headFile;
    const text = Buffer.from(JSON.stringify({ seq: this.#lastSeq, hash: this.#lastHash }).padEnd(HEAD_SIZE));
    this.#headWrite = (async () => {
      // 'a+' makes the file if need be; 'r+' then writes at a position ('a' would only append).
      let handle = this.#headHandle;
      if (!handle) {
        await (await open(file, 'a+')).close();
        handle = this.#headHandle = await open(file, 'r+');
      }
      await handle.write(text, 0, text.length, 0);
      // Under load, a head every few milliseconds is enough: a write per batch cost more than the batch.
      await new Promise((r) => setTimeout(r, HEAD_INTERVAL_MS));
    })().catch(() => {}).finally(() => {
      this.#headWrite = undefined;
      if (this.#headDirty) { this.#headDirty = false; this.#writeHead(); }
    });
  }

  /** Waits for the records and the head file under way. */
  async drain(): Promise<void> {
    while (this.#flushing || this.#queue.length > 0 || this.#headWrite) await new Promise((r) => setTimeout(r, 5));
  }

  /** Waits for what is under way and lets go of the head file. */
  async close(): Promise<void> {
    await this.drain();
    await this.#headHandle?.close();
    this.#headHandle = undefined;
  }

  /** Keeps a signer's certificate beside the log, so that the log can be proven without the configuration of the day. */
  async rememberCertificate(pem: string, print = fingerprint(pem)): Promise<void> {
    if (this.#knownCertificates.has(print)) return;
    await this.#db.insertInto('certificate').values({ fingerprint: print, pem }).onConflict((oc) => oc.column('fingerprint').doNothing()).execute();
    this.#knownCertificates.add(print);
  }

  /** Request ids the server side received since `sinceMs` (to refuse replays across a restart), read back from the end. */
  async recentRequestIds(sinceMs: number): Promise<string[]> {
    const ids: string[] = [];
    let below = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = await this.#db.selectFrom('message_log').select(['seq', 'at', 'request_id', 'side', 'direction'])
        .where('seq', '<', below).orderBy('seq', 'desc').limit(1000).execute();
      for (const r of rows) if (r.side === 'server' && r.direction === 'request' && Number(r.at) >= sinceMs) ids.push(r.request_id);
      if (rows.length < 1000 || Number(rows[rows.length - 1]!.at) < sinceMs) return ids;
      below = Number(rows[rows.length - 1]!.seq);
    }
  }
}

export interface LogProblem {
  seq: number;
  kind: 'altered' | 'inserted' | 'deleted';
  message: string;
}

export interface LogReport { schema: string; records: number; sealedBy: string[]; problems: LogProblem[] }

/**
 * Proves a gateway's log: every record's content matches its hash, every record is linked
 * into a chain that ends in a seal made with a certificate of `memberId` from the trusted CA,
 * and no number is missing (nor, given the head file, any record at the end). Names every
 * altered, inserted or deleted record.
 */
export async function verifyMessageLog(db: Db, schema: string, options: { caPem: string; memberId: string; head?: { seq: number; hash: string } }): Promise<LogReport> {
  const log = db.withSchema(schema) as unknown as Kysely<MessageLogTables>;
  const ca = new X509Certificate(options.caPem);
  const certificates = new Map<string, X509Certificate>();
  for (const c of await log.selectFrom('certificate').selectAll().execute()) {
    try {
      const cert = new X509Certificate(c.pem);
      // Seals count only from a certificate of this member issued by the CA (expired ones still prove the past).
      if (fingerprint(cert) === c.fingerprint && certificateProblem(cert, ca, options.memberId, new Date(Date.parse(cert.validFrom) + 1000)) === undefined) certificates.set(c.fingerprint, cert);
    } catch { /* an unreadable certificate proves nothing */ }
  }

  interface Seen { seq: number; hash: string; prev: string; selfOk: boolean; sealOk: boolean }
  const rows: Seen[] = [];
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const chunk = await log.selectFrom('message_log').selectAll().where('seq', '>', after).orderBy('seq').limit(2000).execute();
    for (const r of chunk) {
      const body = Buffer.from(r.body as Uint8Array);
      const row: Row = { ...r, seq: Number(r.seq), at: Number(r.at), body };
      const selfOk = recordHash(row) === r.hash && r.canonical.endsWith(`\n${bodyHash(body)}`);
      let sealOk = false;
      if (r.seal) {
        const colon = r.seal.indexOf(':');
        const cert = certificates.get(r.seal.slice(0, colon));
        sealOk = !!cert && /^[0-9a-f]{64}$/.test(r.hash) && verifyToken(Buffer.from(r.hash, 'hex'), r.seal.slice(colon + 1), cert.publicKey);
      }
      rows.push({ seq: row.seq, hash: r.hash, prev: r.prev_hash, selfOk, sealOk });
    }
    if (chunk.length < 2000) break;
    after = Number(chunk[chunk.length - 1]!.seq);
  }

  const byHash = new Map(rows.map((r) => [r.hash, r]));
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  const authentic = new Set<Seen>();
  const altered = new Set<Seen>();
  const gaps: number[] = [];
  // Back along the chain from every valid seal: what a seal reaches is what the gateway wrote.
  const walk = (from: Seen | undefined) => {
    let current = from;
    while (current && !authentic.has(current)) {
      authentic.add(current);
      if (current.prev === GENESIS) break;
      let previous = byHash.get(current.prev);
      if (!previous) {
        // A record is there in its place but its hash is not what the chain says: altered in place.
        previous = bySeq.get(current.seq - 1);
        if (previous) altered.add(previous);
        else gaps.push(current.seq - 1);
      }
      current = previous;
    }
  };
  for (const sealed of rows.filter((r) => r.sealOk)) walk(sealed);
  // Records before a deleted one lost the seal that covered them; they are taken as they
  // chain, and the deletion is what is reported.
  for (const gap of gaps) {
    let below = gap - 1;
    while (below > 0 && !bySeq.has(below)) below--;
    const row = bySeq.get(below);
    if (row && row.selfOk) walk(row);
  }
  const problems: LogProblem[] = [];
  for (const r of rows) {
    if (!r.selfOk || altered.has(r)) problems.push({ seq: r.seq, kind: 'altered', message: `record ${r.seq} was altered: its content does not match its hash or the chain` });
    else if (!authentic.has(r)) problems.push({ seq: r.seq, kind: 'inserted', message: `record ${r.seq} was inserted: no seal of the gateway covers it` });
  }
  const present = new Set(rows.map((r) => r.seq));
  const top = Math.max(options.head?.seq ?? 0, ...rows.filter((r) => authentic.has(r)).map((r) => r.seq));
  for (let seq = 1; seq <= top; seq++) {
    if (!present.has(seq)) problems.push({ seq, kind: 'deleted', message: `record ${seq} was deleted` });
  }
  if (options.head && present.has(options.head.seq) && bySeq.get(options.head.seq)!.hash !== options.head.hash && !problems.some((p) => p.seq === options.head!.seq)) {
    problems.push({ seq: options.head.seq, kind: 'altered', message: `record ${options.head.seq} was altered: its hash is not the one the gateway last wrote` });
  }
  problems.sort((a, b) => a.seq - b.seq);
  return { schema, records: rows.length, sealedBy: [...certificates.keys()], problems };
}

/** The head a gateway keeps outside the database, if there is one. */
export async function readHead(file: string): Promise<{ seq: number; hash: string } | undefined> {
  try {
    const head = JSON.parse((await readFile(file, 'utf8')).trim()) as { seq: number; hash: string };
    return Number.isInteger(head.seq) && typeof head.hash === 'string' ? head : undefined;
  } catch {
    return undefined;
  }
}

