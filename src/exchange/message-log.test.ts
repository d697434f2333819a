// The message log's chain: written in batches, proven by verify-log, and every tampering
// (a record altered, inserted or deleted in the database) named by its number.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { issueSystemCertificate, openCa, type Ca } from '../identity/index.js';
import { loadConfig, openDatabase, type Database } from '../platform/index.js';
import { bodyHash } from './canonical.js';
import { MessageLog, recordHash, verifyMessageLog, type LogRecord } from './message-log.js';
import { credentialsFrom, gatewayDir, saveCredentials, type Credentials } from './pki.js';
import { BatchSigner } from './signer.js';
import { freshDatabase } from './test-support.js';

const run = promisify(execFile);
let dataDir: string, ca: Ca, credentials: Credentials, database: Database, databaseUrl: string | undefined, closeDb: () => Promise<void>;
const SCHEMA = 'gw_tax_committee';
const MEMBER = 'DARCHA/GOV/tax-committee';

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'darcha-log-'));
  ca = await openCa(loadConfig({ DATA_DIR: dataDir }));
  const issued = await issueSystemCertificate(ca, { id: MEMBER, commonName: 'tax-committee' });
  await saveCredentials(gatewayDir(dataDir, 'tax-committee'), issued.certificatePem, issued.privateKeyPem);
  credentials = credentialsFrom(issued.certificatePem, issued.privateKeyPem);
  if (process.env.DATABASE_URL) {
    ({ database, url: databaseUrl, close: closeDb } = await freshDatabase());
  } else {
    // On disk, so that the verify-log command (another process) can open it once this one lets go.
    database = await openDatabase({ dataDir });
    closeDb = () => database.close();
  }
});
after(async () => { await closeDb(); rmSync(dataDir, { recursive: true, force: true }); });

const record = (i: number): LogRecord => ({
  side: i % 2 ? 'client' : 'server', direction: i % 4 < 2 ? 'request' : 'response', requestId: `req-${i}`, messageId: `m-${i}`,
  client: 'DARCHA/GOV/digital-technologies/portal', service: 'DARCHA/GOV/tax-committee/soliq/taxpayer-debts', status: i % 4 < 2 ? null : 200,
  canonical: `DARCHA-R1-REQUEST\nreq-${i}\n${bodyHash(Buffer.from(`body ${i}`))}`, body: Buffer.from(`body ${i}`), signer: 'f'.repeat(64), signature: `sig${i}~`,
});

const rows = () => (database.db as any).withSchema(SCHEMA).selectFrom('message_log');
const table = () => sql.id(SCHEMA, 'message_log');

test('records are chained, sealed in batches, and prove out', async () => {
  const signer = new BatchSigner(credentials.privateKey);
  const log = await MessageLog.open(database.db, SCHEMA, signer, credentials, join(gatewayDir(dataDir, 'tax-committee'), 'log-head.json'));
  // Many at once: they go in a few batches, each with one seal at its end.
  await Promise.all(Array.from({ length: 120 }, (_, i) => log.append(record(i + 1))));
  for (let i = 121; i <= 125; i++) await log.append(record(i));
  await log.drain();
  assert.equal(log.lastSeq, 125);
  const all = await rows().selectAll().orderBy('seq').execute();
  assert.deepEqual(all.map((r: any) => Number(r.seq)), Array.from({ length: 125 }, (_, i) => i + 1));
  for (let i = 1; i < all.length; i++) assert.equal(all[i].prev_hash, all[i - 1].hash);
  assert.equal(recordHash({ ...all[5], seq: Number(all[5].seq), at: Number(all[5].at), body: Buffer.from(all[5].body) }), all[5].hash);
  const seals = all.filter((r: any) => r.seal).length;
  assert.ok(seals >= 6 && seals < 125, `${seals} seals: one per batch`);
  assert.ok(all[124].seal, 'the last record is sealed');
  const report = await verifyMessageLog(database.db, SCHEMA, { caPem: ca.certificatePem, memberId: MEMBER });
  assert.deepEqual(report.problems, []);
  assert.equal(report.records, 125);
});

test('an altered, an inserted and a deleted record are each named', async () => {
  // Altered: the body of record 10 changed in place.
  await sql`update ${table()} set body = ${Buffer.from('body 999')} where seq = 10`.execute(database.db);
  // Altered with its hash recomputed, so that its own content checks out: the chain gives it away.
  const r30 = await rows().selectAll().where('seq', '=', 30).executeTakeFirstOrThrow();
  const forged = { ...r30, seq: 30, at: Number(r30.at), status: 500, body: Buffer.from(r30.body) };
  await sql`update ${table()} set status = 500, hash = ${recordHash(forged)} where seq = 30`.execute(database.db);
  // Deleted: record 50 gone.
  await sql`delete from ${table()} where seq = 50`.execute(database.db);
  // Inserted: a well-formed record at the end, chained to the last, but no seal can be made without the key.
  const last = await rows().selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
  const fake = { seq: 126, at: Date.now(), side: 'server', direction: 'request', request_id: 'x', message_id: 'x', client: 'c', service: 's', status: null, canonical: `x\n${bodyHash(Buffer.from('x'))}`, body: Buffer.from('x'), signer: '', signature: '', prev_hash: last.hash };
  await sql`insert into ${table()} (seq, at, side, direction, request_id, message_id, client, service, status, canonical, body, signer, signature, prev_hash, hash, seal)
    values (${fake.seq}, ${fake.at}, ${fake.side}, ${fake.direction}, ${fake.request_id}, ${fake.message_id}, ${fake.client}, ${fake.service}, null, ${fake.canonical}, ${fake.body}, '', '', ${fake.prev_hash}, ${recordHash(fake)}, ${`${credentials.fingerprint}:AAAA~`})`.execute(database.db);

  const report = await verifyMessageLog(database.db, SCHEMA, { caPem: ca.certificatePem, memberId: MEMBER });
  const named = report.problems.map((p) => `${p.kind} ${p.seq}`);
  assert.deepEqual(named, ['altered 10', 'altered 30', 'deleted 50', 'inserted 126']);

  // The command says the same, and fails. (PGlite is one process's: this one lets go of it meanwhile.)
  if (!databaseUrl) await database.close();
  const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  if (!databaseUrl) delete env.DATABASE_URL;
  const result = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'verify-log', '--member', 'tax-committee'], { env }).then(() => ({ code: 0, stdout: '' }), (e) => ({ code: e.code as number, stdout: String(e.stdout) }));
  assert.equal(result.code, 1, result.stdout);
  for (const line of ['record 10 was altered', 'record 30 was altered', 'record 50 was deleted', 'record 126 was inserted']) assert.ok(result.stdout.includes(line), `${line} in:\n${result.stdout}`);
  if (!databaseUrl) { database = await openDatabase({ dataDir }); closeDb = () => database.close(); }
});

test('records deleted at the end are told by the head kept outside the database', async () => {
  await sql`delete from ${table()} where seq >= 120`.execute(database.db);
  const head = { seq: 125, hash: 'x'.repeat(64) };
  const report = await verifyMessageLog(database.db, SCHEMA, { caPem: ca.certificatePem, memberId: MEMBER, head });
  const deleted = report.problems.filter((p) => p.kind === 'deleted').map((p) => p.seq);
  assert.deepEqual(deleted, [50, 120, 121, 122, 123, 124, 125]);
});
