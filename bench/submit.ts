// npm run bench -- submit: durable submissions per second, and their latency, with 50
// clients sending at once through HTTP: the forms module's "Accept and send" (POST
// /en/services/housing-certificate/apply/<draft>/check), which in one transaction locks the
// draft, makes the application (number, first workflow step, notification) and marks the draft
// sent; a submission counts once that transaction has committed and the answer has come. Beside
// it, the ceiling: pgbench's built-in simple-update script (-N) on a scratch database of the same
// server, 50 clients. Then the same on PGlite, whose database lives in the server's process.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createApp } from '../src/app.js';
import type { ApplicationsModule } from '../src/applications/index.js';
import { loadConfig, openDatabase, type Db } from '../src/platform/index.js';
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds, fmt, scratchDatabase, smsGateway, startServer } from './support.js';

const CLIENTS = 50;
const SERVICE = 'housing-certificate';
const ANSWERS = { address: 'Toshkent shahri, Yunusobod tumani, Amir Temur koʻchasi, 108-uy', purpose: 'bank', language: 'uz' };

interface Run {
  name: string; submissions: number; seconds: number; rps: number; p50: number; p99: number; errors: number; gapless: boolean;
  /** CPU time per submission: the server process's (Node), and the database server's processes'. */
  nodeUs?: number; postgresUs?: number;
}

/**
 * CPU time of the PostgreSQL backends serving one database (found by their process title,
 * `postgres: … <database> …`), sampled every 200 ms so that a backend that exits is counted up
 * to its last sample. Other databases of the same server (other work on the machine) are not.
 */
class DatabaseCpu {
  private readonly first = new Map<string, number>();
  private readonly last = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly database: string) {
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), 200);
  }

  private sample(baseline: boolean): void {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (!title.startsWith('postgres:') || !title.includes(` ${this.database} `)) continue;
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        const cpu = (Number(fields[11]) + Number(fields[12])) / 100;
        if (!this.first.has(pid)) this.first.set(pid, baseline ? cpu : 0);
        this.last.set(pid, cpu);
      } catch { /* gone meanwhile */ }
    }
  }

  /** Seconds used since the start, and stops sampling. */
  stop(): number {
    this.sample(false);
    clearInterval(this.timer);
    let total = 0;
    for (const [pid, cpu] of this.last) total += cpu - this.first.get(pid)!;
    return total;
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

function freePort(): Promise<number> {
  return new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); }); });
}

/** A portal session for a person, as the sign-in makes one (the sign-in has its own bench). */
async function session(db: Db, personId: string): Promise<string> {
  const value = randomBytes(24).toString('base64url');
  await db.insertInto('identity_session').values({
    id_hash: createHash('sha256').update(value).digest('base64url'), ref: randomUUID(), person_id: personId, acting_for: null, audience: 'portal',
    expires_at: new Date(Date.now() + 3600_000), revoked_at: null, user_agent: 'bench', ip: '127.0.0.1', id_token: null,
  }).execute();
  return `sid=${value}`;
}

/** A draft with every answer given, as the person leaves it before the check page (one open draft per person and service). */
async function draft(db: Db, personId: string): Promise<string> {
  const id = randomUUID();
  await sql`insert into forms_draft (id, person_id, service_id, business_id, form_version, answers, prefill, steps)
    values (${id}, ${personId}, ${SERVICE}, null, 1, ${JSON.stringify(ANSWERS)}::jsonb, '{}'::jsonb, '["address","purpose"]'::jsonb)`.execute(db);
  return id;
}

type Client = { id: string; cookie: string; body: string };
type Send = (client: Client, draftId: string) => Promise<{ ok: boolean; status: number }>;

/** Through HTTP: the form's "Accept and send", as the browser posts it; done when the 303 to the application comes. */
const overHttp = (url: string): Send => async (client, draftId) => {
  const res = await fetch(`${url}/en/services/${SERVICE}/apply/${draftId}/check`, {
    method: 'POST', redirect: 'manual', body: client.body,
    headers: { cookie: client.cookie, 'content-type': 'application/x-www-form-urlencoded' },
  });
  await res.arrayBuffer();
  return { ok: res.status === 303 && /\/cabinet\/applications\/[0-9a-f-]{36}$/.test(res.headers.get('location') ?? ''), status: res.status };
};

/**
 * The handler in process, in the transaction the forms module makes around it: the draft locked,
 * the application made, the draft marked sent; done at commit.
 */
const inProcess = (db: Db, applications: ApplicationsModule): Send => async (client, draftId) => {
  await db.transaction().execute(async (trx) => {
    await sql`select id from forms_draft where id = ${draftId} and status = 'open' for update`.execute(trx);
    const result = await applications.submit({
      draftId, serviceId: SERVICE, formVersion: 1, personId: client.id, businessId: null, answers: ANSWERS, files: [], prefilled: [],
      idempotencyKey: draftId, channel: 'portal', locale: 'en',
    }, trx);
    await sql`update forms_draft set status = 'submitted', application_id = ${result.applicationId}, application_number = ${result.number},
      submitted_at = now(), updated_at = now() where id = ${draftId}`.execute(trx);
  });
  return { ok: true, status: 303 };
};

/** 50 clients, each a person of the demo population with a session: make the next draft, send it, again, for `seconds`. */
export async function drive(url: string, db: Db, seconds: number, mode: (url: string) => Send = overHttp, serverPid = process.pid, database?: string): Promise<Omit<Run, 'name' | 'gapless'>> {
  const people = await db.selectFrom('identity_person').select('id').where('pinfl', 'is not', null).orderBy('id').limit(CLIENTS).execute();
  const clients: Client[] = await Promise.all(people.map(async ({ id }) => {
    const cookie = await session(db, id);
    const page = await fetch(`${url}/en/cabinet`, { headers: { cookie } });
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    const csrfCookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    if (!token) throw new Error(`no form token for ${id} (${page.status})`);
    return { id, cookie: `${cookie}; ${csrfCookie}`, body: `_csrf=${encodeURIComponent(token)}` };
  }));
  const sender = mode(url);
  const send = async (client: Client) => {
    const draftId = await draft(db, client.id);
    const started = performance.now();
    try {
      const r = await sender(client, draftId);
      return { ...r, ms: performance.now() - started };
    } catch (error) {
      console.warn(`  ${(error as Error).message}`);
      return { ok: false, status: 0, ms: performance.now() - started };
    }
  };
  // Warm-up: the first submission of each person also asks the population register for the address.
  for (let i = 0; i < 3; i++) await Promise.all(clients.map(send));
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const latencies: number[] = [];
  let errors = 0;
  const statuses = new Map<number, number>();
  const node0 = cpuSeconds(serverPid);
  const dbCpu = database ? new DatabaseCpu(database) : undefined;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(clients.map(async (client) => {
    while (performance.now() < until) {
      const r = await send(client);
      if (r.ok) latencies.push(r.ms); else { errors++; statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1); }
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const n = Math.max(1, latencies.length);
  const nodeUs = (cpuSeconds(serverPid) - node0) * 1e6 / n;
  const postgresUs = dbCpu ? dbCpu.stop() * 1e6 / n : undefined;
  if (errors > 0) console.warn(`  failed submissions by status: ${JSON.stringify(Object.fromEntries(statuses))}`);
  latencies.sort((a, b) => a - b);
  return { submissions: latencies.length, seconds: elapsed, rps: latencies.length / elapsed, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), errors, nodeUs, postgresUs };
}

/** Whether the year's numbers so far are 1…n, each once. */
async function gapless(db: Db): Promise<boolean> {
  const row = await db.selectFrom('applications_application').select([sql<number>`count(*)`.as('n'), sql<number>`count(distinct seq)`.as('d'), sql<number>`max(seq)`.as('max'), sql<number>`min(seq)`.as('min')]).executeTakeFirstOrThrow();
  return Number(row.n) === Number(row.d) && Number(row.min) === 1 && Number(row.max) === Number(row.n);
}

/** pgbench's built-in simple-update script (-N), 50 clients, 2 threads, 10 s, on a scratch database of the same server. */
async function pgbench(url: string): Promise<{ tps: number; postgresUs: number }> {
  const scratch = new URL(url);
  const name = `darcha_bench_pgbench_${process.pid}`;
  const admin = (command: string) => execFileSync('psql', [url, '-qAtc', command], { stdio: ['ignore', 'pipe', 'ignore'] });
  admin(`drop database if exists ${name}`);
  admin(`create database ${name}`);
  scratch.pathname = `/${name}`;
  try {
    execFileSync('pgbench', ['-i', '-q', scratch.toString()], { stdio: ['ignore', 'ignore', 'ignore'] });
    const cpu = new DatabaseCpu(name);
    const out = await new Promise<string>((resolve, reject) => execFile('pgbench', ['-N', '-c', '50', '-j', '2', '-T', '10', scratch.toString()], { encoding: 'utf8' },
      (error, stdout) => (error ? reject(error) : resolve(stdout))));
    const seconds = cpu.stop();
    const transactions = Number(/number of transactions actually processed: (\d+)/.exec(out)?.[1] ?? Number.NaN);
    return { tps: Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? Number.NaN), postgresUs: seconds * 1e6 / transactions };
  } finally {
    admin(`drop database if exists ${name} with (force)`);
  }
}

/**
 * The same script on PGlite, which no outside client can reach: 50 clients in one process
 * running BEGIN; UPDATE pgbench_accounts; SELECT abalance; INSERT INTO pgbench_history; END.
 */
async function pgliteCeiling(seconds: number): Promise<number> {
  const { db, close } = await openDatabase({ dataDir: mkdtempSync(join(tmpdir(), 'darcha-bench-pglite-')) });
  await sql`create table pgbench_accounts (aid int primary key, bid int, abalance int, filler char(84))`.execute(db);
  await sql`create table pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22))`.execute(db);
  await sql`insert into pgbench_accounts select g, 1, 0, '' from generate_series(1, 100000) g`.execute(db);
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < until) {
      const aid = 1 + Math.floor(Math.random() * 100000);
      const delta = Math.floor(Math.random() * 10001) - 5000;
      await db.transaction().execute(async (trx) => {
        await sql`update pgbench_accounts set abalance = abalance + ${delta} where aid = ${aid}`.execute(trx);
        await sql`select abalance from pgbench_accounts where aid = ${aid}`.execute(trx);
        await sql`insert into pgbench_history (tid, bid, aid, delta, mtime) values (1, 1, ${aid}, ${delta}, current_timestamp)`.execute(trx);
      });
      done++;
    }
  }));
  const tps = done / ((performance.now() - started) / 1000);
  await close();
  return tps;
}

async function onPostgres(seconds: number): Promise<{ rows: Run[]; ceiling: number; ceilingPostgresUs?: number }> {
  const scratch = (await scratchDatabase('submit'))!;
  const dataDir = mkdtempSync(join(tmpdir(), 'darcha-bench-submit-'));
  // Each submission texts the applicant: through the SMS gateway's stand-in in its own process.
  const sms = await smsGateway();
  const env = { DATA_DIR: dataDir, DATABASE_URL: scratch.url, LOG_LEVEL: 'error', ...sms.env };
  // The first start loads the demo data; the measured server starts on existing data, as usual.
  await (await startServer(env)).stop();
  const server = await startServer(env);
  const { db, close } = await openDatabase({ url: scratch.url, poolSize: 10 });
  try {
    const database = new URL(scratch.url).pathname.slice(1);
    const http = await drive(server.url, db, seconds, overHttp, server.process.pid!, database);
    await server.stop();
    // The handler in this process, on the same database, for what HTTP and the other modules' reads cost.
    // Same data directory: the exchange's keys and CA that the database's configuration was signed with.
    const app = await inProcessApp({ DATABASE_URL: scratch.url, DATA_DIR: dataDir, ...sms.env });
    const handler = await drive(app.url, app.app.ctx.db, seconds, () => inProcess(app.app.ctx.db, app.applications), process.pid, database);
    await app.close();
    const ok = await gapless(db);
    const { tps: ceiling, postgresUs: ceilingPostgresUs } = await pgbench(process.env.DATABASE_URL!);
    return { ceilingPostgresUs, rows: [{ name: 'PostgreSQL, through HTTP (server in its own process)', ...http, gapless: ok }, { name: 'PostgreSQL, the handler in process', ...handler, gapless: ok }], ceiling };
  } finally {
    await close();
    await sms.stop();
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The whole platform in this process, listening on a free port. */
async function inProcessApp(env: Record<string, string> = {}) {
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'darcha-bench-submit-app-'));
  const port = await freePort();
  const config = loadConfig({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'error', RATE_LIMIT_PER_MINUTE: '100000000', ...env });
  const app = await createApp(config);
  await app.server.listen({ port, host: '127.0.0.1' });
  const applications = app.modules.find((m) => m.name === 'applications') as ApplicationsModule;
  return { app, applications, url: `http://127.0.0.1:${port}`, async close() { await app.close(); if (!env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true }); } };
}

async function onPglite(seconds: number): Promise<{ rows: Run[]; ceiling: number }> {
  // PGlite lives in the server's process: the clients run there too.
  const sms = await smsGateway();
  const app = await inProcessApp(sms.env);
  try {
    const db = app.app.ctx.db;
    const http = await drive(app.url, db, seconds);
    const handler = await drive(app.url, db, seconds, () => inProcess(db, app.applications));
    const ok = await gapless(db);
    return {
      rows: [{ name: 'PGlite, through HTTP (clients in the server\'s process)', ...http, gapless: ok }, { name: 'PGlite, the handler in process', ...handler, gapless: ok }],
      ceiling: await pgliteCeiling(10),
    };
  } finally {
    await app.close();
    await sms.stop();
  }
}

export async function benchSubmit() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const engines: { rows: Run[]; ceiling: number; ceilingPostgresUs?: number }[] = [];
  if (process.env.DATABASE_URL) engines.push(await onPostgres(seconds));
  else console.warn('DATABASE_URL is not set: PostgreSQL is left out (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)');
  engines.push(await onPglite(seconds));

  console.log(`\nSubmit benchmark: ${CLIENTS} clients at once, ${seconds} s each; a submission counts when its transaction has committed\n`);
  console.log('| engine, path | submissions/s | p50 ms | p99 ms | submissions | errors | numbers 1…n without gap | ceiling: pgbench -N TPS | ratio |');
  console.log('|---|---:|---:|---:|---:|---:|:---:|---:|---:|');
  for (const { rows, ceiling } of engines) {
    for (const run of rows) {
      console.log(`| ${run.name} | ${fmt(run.rps)} | ${fmt(run.p50, 1)} | ${fmt(run.p99, 1)} | ${run.submissions} | ${run.errors} | ${run.gapless ? 'yes' : 'NO'} | ${fmt(ceiling)} | ${fmt(run.rps / ceiling, 2)} |`);
    }
  }
  const pg = engines.find((e) => e.ceilingPostgresUs !== undefined);
  if (pg) {
    console.log('\nCPU per submission on PostgreSQL (a steadier figure than the rate when other work shares the machine):\n');
    console.log('| path | server (Node) µs | PostgreSQL µs | submissions/s the 2 cores would allow |');
    console.log('|---|---:|---:|---:|');
    for (const run of pg.rows) {
      const total = (run.nodeUs ?? 0) + (run.postgresUs ?? 0);
      console.log(`| ${run.name} | ${fmt(run.nodeUs ?? 0)} | ${fmt(run.postgresUs ?? 0)} | ${fmt(2e6 / total)} |`);
    }
    console.log(`| pgbench -N transaction (pgbench's own CPU not counted) | — | ${fmt(pg.ceilingPostgresUs!)} | — |`);
  }
  console.log(`
Through HTTP: POST /en/services/${SERVICE}/apply/<draft>/check ("Accept and send"), the forms module's transaction around the
applications handler (draft locked, application with its number, first workflow step, notification, draft marked sent),
answered by a 303 to the application. The handler in process: the same transaction without HTTP, the session and the
form's reads. Each client inserts its next draft (one row) between submissions, outside the timed part.
Ceiling on PostgreSQL: pgbench -i on a scratch database of the same server, then pgbench -N -c 50 -j 2 -T 10. On PGlite,
which pgbench cannot reach: the same simple-update transaction by 50 clients inside one process.
The load generator shares the machine's cores with the server and the database.`);
}
