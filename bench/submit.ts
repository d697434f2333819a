// npm run bench -- submit: durable submissions per second, and their latency, with 50
// clients sending at once through HTTP: the forms module's "Accept and send" (POST
// /en/services/housing-certificate/apply/<draft>/check), which in one transaction locks the
// draft, makes the application (number, first workflow step, notification) and marks the draft
// sent; a submission counts once that transaction has committed and the answer has come. Beside
// it, the ceiling: pgbench's built-in simple-update script (-N) on a scratch database of the same
// server, 50 clients. Then the same on PGlite, whose database lives in the server's process.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createApp } from '../src/app.js';
import { loadConfig, openDatabase, type Db } from '../src/platform/index.js';
import { fmt, scratchDatabase, startServer } from './support.js';

const CLIENTS = 50;
const SERVICE = 'housing-certificate';
const ANSWERS = { address: 'Toshkent shahri, Yunusobod tumani, Amir Temur koʻchasi, 108-uy', purpose: 'bank', language: 'uz' };

interface Run { name: string; submissions: number; seconds: number; rps: number; p50: number; p99: number; errors: number; gapless: boolean }

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

/**
 * 50 clients, each a person of the demo population with a session: make the next draft, send
 * it, wait for the answer (a 303 to the application), again, for `seconds`.
 */
export async function drive(url: string, db: Db, seconds: number): Promise<Omit<Run, 'name' | 'gapless'>> {
  const people = await db.selectFrom('identity_person').select('id').where('pinfl', 'is not', null).orderBy('id').limit(CLIENTS).execute();
  const clients = await Promise.all(people.map(async ({ id }) => {
    const cookie = await session(db, id);
    const page = await fetch(`${url}/en/cabinet`, { headers: { cookie } });
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
    const csrfCookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    if (!token) throw new Error(`no form token for ${id} (${page.status})`);
    return { id, cookie: `${cookie}; ${csrfCookie}`, body: `_csrf=${encodeURIComponent(token)}` };
  }));
  const send = async (client: (typeof clients)[number]) => {
    const draftId = await draft(db, client.id);
    const started = performance.now();
    const res = await fetch(`${url}/en/services/${SERVICE}/apply/${draftId}/check`, {
      method: 'POST', redirect: 'manual', body: client.body,
      headers: { cookie: client.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    });
    await res.arrayBuffer();
    const ok = res.status === 303 && /\/cabinet\/applications\/[0-9a-f-]{36}$/.test(res.headers.get('location') ?? '');
    return { ok, ms: performance.now() - started, status: res.status };
  };
  // Warm-up: the first submission of each person also asks the population register for the address.
  for (let i = 0; i < 3; i++) await Promise.all(clients.map(send));
  const latencies: number[] = [];
  let errors = 0;
  const statuses = new Map<number, number>();
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(clients.map(async (client) => {
    while (performance.now() < until) {
      const r = await send(client);
      if (r.ok) latencies.push(r.ms); else { errors++; statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1); }
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  if (errors > 0) console.warn(`  failed submissions by status: ${JSON.stringify(Object.fromEntries(statuses))}`);
  latencies.sort((a, b) => a - b);
  return { submissions: latencies.length, seconds: elapsed, rps: latencies.length / elapsed, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), errors };
}

/** Whether the year's numbers so far are 1…n, each once. */
async function gapless(db: Db): Promise<boolean> {
  const row = await db.selectFrom('applications_application').select([sql<number>`count(*)`.as('n'), sql<number>`count(distinct seq)`.as('d'), sql<number>`max(seq)`.as('max'), sql<number>`min(seq)`.as('min')]).executeTakeFirstOrThrow();
  return Number(row.n) === Number(row.d) && Number(row.min) === 1 && Number(row.max) === Number(row.n);
}

/** pgbench's built-in simple-update script (-N), 50 clients, 2 threads, 10 s, on a scratch database of the same server. */
function pgbench(url: string): number {
  const scratch = new URL(url);
  const name = `darcha_bench_pgbench_${process.pid}`;
  const admin = (command: string) => execFileSync('psql', [url, '-qAtc', command], { stdio: ['ignore', 'pipe', 'inherit'] });
  admin(`drop database if exists ${name}`);
  admin(`create database ${name}`);
  scratch.pathname = `/${name}`;
  try {
    execFileSync('pgbench', ['-i', '-q', scratch.toString()], { stdio: ['ignore', 'ignore', 'ignore'] });
    const out = execFileSync('pgbench', ['-N', '-c', '50', '-j', '2', '-T', '10', scratch.toString()], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
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

async function onPostgres(seconds: number): Promise<{ run: Run; ceiling: number }> {
  const scratch = (await scratchDatabase('submit'))!;
  const dataDir = mkdtempSync(join(tmpdir(), 'darcha-bench-submit-'));
  const env = { DATA_DIR: dataDir, DATABASE_URL: scratch.url, LOG_LEVEL: 'error' };
  // The first start loads the demo data; the measured server starts on existing data, as usual.
  await (await startServer(env)).stop();
  const server = await startServer(env);
  const { db, close } = await openDatabase({ url: scratch.url, poolSize: 10 });
  try {
    const run = await drive(server.url, db, seconds);
    const ok = await gapless(db);
    await server.stop();
    const ceiling = pgbench(process.env.DATABASE_URL!);
    return { run: { name: 'PostgreSQL', ...run, gapless: ok }, ceiling };
  } finally {
    await close();
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function onPglite(seconds: number): Promise<{ run: Run; ceiling: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'darcha-bench-submit-pglite-'));
  const port = await freePort();
  const config = loadConfig({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'error', RATE_LIMIT_PER_MINUTE: '100000000' });
  const app = await createApp(config);
  await app.server.listen({ port, host: '127.0.0.1' });
  try {
    const run = await drive(`http://127.0.0.1:${port}`, app.ctx.db, seconds);
    const ok = await gapless(app.ctx.db);
    return { run: { name: 'PGlite (server and clients in one process)', ...run, gapless: ok }, ceiling: await pgliteCeiling(10) };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchSubmit() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const rows: { run: Run; ceiling: number }[] = [];
  if (process.env.DATABASE_URL) rows.push(await onPostgres(seconds));
  else console.warn('DATABASE_URL is not set: PostgreSQL is left out (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)');
  rows.push(await onPglite(seconds));

  console.log(`\nSubmit benchmark: "Accept and send" through HTTP, ${CLIENTS} clients at once, ${seconds} s; a submission counts when its transaction has committed and the 303 has come\n`);
  console.log('| engine | submissions/s | p50 ms | p99 ms | submissions | errors | numbers 1…n without gap | ceiling: pgbench -N TPS | ratio |');
  console.log('|---|---:|---:|---:|---:|---:|:---:|---:|---:|');
  for (const { run, ceiling } of rows) {
    console.log(`| ${run.name} | ${fmt(run.rps)} | ${fmt(run.p50, 1)} | ${fmt(run.p99, 1)} | ${run.submissions} | ${run.errors} | ${run.gapless ? 'yes' : 'NO'} | ${fmt(ceiling)} | ${fmt(run.rps / ceiling, 2)} |`);
  }
  console.log('\nCeiling on PostgreSQL: pgbench -i on a scratch database, then pgbench -N -c 50 -j 2 -T 10. On PGlite, which pgbench cannot reach,');
  console.log('the same simple-update transaction run by 50 clients inside one process. Each client inserts its next draft (one row) between');
  console.log('submissions, outside the timed request; the load generator shares the 2 cores with the server and the database.');
}
