// npm run bench -- appeals (PostgreSQL only: DATABASE_URL names the server; the bench works in a
// scratch database of its own). The platform starts on it as `npm start` would (migrations, demo
// data), then 1,000,000 synthetic appeals are loaded with one `insert … select generate_series`
// (through the rollups' triggers, as any write is), ANALYZE runs, and each query of the heads'
// dashboard is timed (the functions the page calls; median of BENCH_RUNS runs) at a head's scope
// and the whole country's, beside `select count(*) from appeals_appeal`. The rollups' figures are
// checked against counting the appeals themselves. Then filing: 50 clients at once calling the
// appeals module's `file` for BENCH_SECONDS seconds.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createApp } from '../src/app.js';
import { dashboardFigures, dayStart, foldChanges, districtsOf, hotspotsOf, overdueOf, periodOf, statsOf, trendOf, type Filter } from '../src/appeals/analytics/index.js';
import { hokimiyatOf, readTopics, type AppealsModule, type NewAppeal } from '../src/appeals/index.js';
import { DEMO_ACCOUNTS } from '../src/identity/index.js';
import { UZ_REGIONS } from '../src/identity/index.js';
import { loadConfig, type Db } from '../src/platform/index.js';
import { cpuSeconds, fmt, scratchDatabase, smsGateway } from './support.js';

const APPEALS = Number(process.env.BENCH_APPEALS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CLIENTS = 50;
const TARGET_MS = 200;

/** People per region, millions (2024, rounded): where appeals come from. */
const POPULATION: Record<string, number> = {
  'tashkent-city': 3.0, tashkent: 3.0, sirdaryo: 0.9, jizzakh: 1.4, samarkand: 4.2, fergana: 3.9, namangan: 3.0,
  andijan: 3.3, kashkadarya: 3.5, surkhandarya: 2.8, bukhara: 2.0, navoi: 1.0, khorezm: 1.9, karakalpakstan: 2.0,
};

const lowerBounds = (weights: number[]) => {
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((w) => { const lo = sum / total; sum += w; return lo; });
};

/**
 * Appeals over the last 365 days, twice as many a day now as a year ago (a registry in
 * growth, steady over weeks, so that hotspots stay rare); topics by a Zipf
 * law; districts by their region's population; statements, complaints and proposals 65/25/10;
 * most answered within the term, some late, a few never (overdue); ratings skewed to 5 stars.
 */
async function load(db: Db, count: number): Promise<number> {
  const topics = readTopics();
  const districts = UZ_REGIONS.flatMap((r) => r.districts.map((d) => ({ region: r.id as string, district: d.id, weight: POPULATION[r.id]! / r.districts.length })));
  // Zipf weights, dealt to the topics in a fixed shuffled order so that no sphere gets all the heavy ones.
  const topicWeights = topics.map((_, i) => 1 / (((i * 37) % topics.length) + 1));
  const started = performance.now();
  await db.transaction().execute(async (trx) => {
    await sql`select setseed(0.2026)`.execute(trx);
    await sql`
      insert into appeals_appeal (id, number, kind, author_kind, author_name, locale, channel, topic_id, sphere_id, summary, body,
        region, district, agency_id, state, registered_at, due_at, answered_at, rating, rated_at, escalated_at, idempotency_key, updated_at)
      select 'bench-' || g, 'B-' || lpad(g::text, 7, '0'), kind, 'external', 'Bench author', 'uz', 'portal', k.id[ti], k.sphere[ti],
        'A synthetic appeal', 'A synthetic appeal of the bench, about as long as a short real one.',
        k.region[di], k.district[di], case when k.local[ti] then k.hokimiyat[di] else k.agency[ti] end,
        case when answered is null then (case when age < 2 then 'open' else 'assigned' end)
             when rating is not null or age > 30 then 'closed' else 'answered' end,
        registered, due, answered, rating, case when rating is not null then answered + interval '2 days' end,
        case when answered is null and due < now() then due + interval '1 hour' end, 'bench:' || g, registered
      from (
        select g, ti, di, kind, age, registered, due,
          case when r_answer < least(0.97, age / 20.0) then least(registered + make_interval(secs => delay * 86400), now() - interval '1 minute') end as answered,
          case when r_answer < least(0.97, age / 20.0) and age > 3 and r_rate < 0.45 then (array[1, 1, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5, 5, 5])[1 + floor(random() * 14)::int] end as rating
        from (
          select g, ti, di, kind, age, now() - make_interval(secs => age * 86400) as registered,
            now() - make_interval(secs => age * 86400) + case when kind = 'proposal' then interval '30 days' else interval '15 days' end as due,
            random() as r_answer, random() as r_rate,
            case when random() < 0.9 then 1 + random() * 13 else 15 + random() * 12 end as delay
          from (
            select g, width_bucket(random(), ${lowerBounds(topicWeights)}::float8[]) as ti,
              width_bucket(random(), ${lowerBounds(districts.map((d) => d.weight))}::float8[]) as di,
              (array['statement', 'statement', 'statement', 'statement', 'statement', 'statement', 'statement', 'statement', 'statement', 'statement', 'statement', 'statement', 'statement',
                'complaint', 'complaint', 'complaint', 'complaint', 'complaint', 'proposal', 'proposal'])[1 + floor(random() * 20)::int] as kind,
              365 * (2 - sqrt(1 + 3 * random())) as age
            from generate_series(1, ${count}) g
          ) drawn
        ) dated
      ) decided,
      (select ${topics.map((t) => t.id)}::text[] as id, ${topics.map((t) => t.sphereId)}::text[] as sphere, ${topics.map((t) => t.local)}::bool[] as local,
        ${topics.map((t) => t.agencyId ?? '')}::text[] as agency, ${districts.map((d) => d.region)}::text[] as region,
        ${districts.map((d) => d.district)}::text[] as district, ${districts.map((d) => hokimiyatOf(d.region))}::text[] as hokimiyat) k`.execute(trx);
  });
  return (performance.now() - started) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function time(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm: plans and pages
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    ms.push(performance.now() - started);
  }
  return median(ms);
}

/** The rollups' figures against counting the appeals themselves, for a filter; '' when equal. */
async function verify(db: Db, f: Filter): Promise<string> {
  const since = dayStart(f.period.from);
  const scope = f.agencies ? sql` and agency_id in (${sql.join(f.agencies)})` : sql``;
  const { rows: [direct] } = await sql<Record<string, number>>`
    select count(*) as n, count(*) filter (where state = 'closed') as closed, count(answered_at) as answered,
      count(*) filter (where answered_at <= due_at) as on_time, count(*) filter (where rating = 5) as r5,
      count(distinct district) filter (where district is not null) as districts
    from appeals_appeal where registered_at >= ${since}${scope}`.execute(db);
  const stats = (await statsOf(db, f)).total;
  const districts = (await districtsOf(db, f)).filter((d) => d.district);
  const got = { n: stats.n, closed: stats.states.closed, answered: stats.answered, on_time: stats.onTime, r5: stats.ratings[4], districts: districts.length };
  const want = Object.fromEntries(Object.entries(direct!).map(([k, v]) => [k, Number(v)]));
  return JSON.stringify(got) === JSON.stringify(want) ? '' : `rollups ${JSON.stringify(got)} ≠ appeals ${JSON.stringify(want)}`;
}

/**
 * CPU seconds of the PostgreSQL backends serving one database (by their process title,
 * `postgres: … <database> …`), sampled every 200 ms so that a backend that exits is counted to
 * its last sample: a figure other work on the machine does not blur, unlike a rate.
 */
function databaseCpu(database: string): () => number {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  const sample = (baseline: boolean) => {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('postgres:') || !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `)) continue;
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        const cpu = (Number(fields[11]) + Number(fields[12])) / 100;
        if (!first.has(pid)) first.set(pid, baseline ? cpu : 0);
        last.set(pid, cpu);
      } catch { /* gone meanwhile */ }
    }
  };
  sample(true);
  const timer = setInterval(() => sample(false), 200);
  return () => {
    sample(false);
    clearInterval(timer);
    let total = 0;
    for (const [pid, cpu] of last) total += cpu - first.get(pid)!;
    return total;
  };
}

/** 50 clients, each filing its next appeal as soon as the last is registered, for `seconds`. */
async function file(appeals: AppealsModule, db: Db, seconds: number, database: string) {
  const topics = readTopics();
  const districts = UZ_REGIONS.flatMap((r) => r.districts.map((d) => ({ region: r.id as string, district: d.id })));
  const people = DEMO_ACCOUNTS.filter((a) => a.pinfl);
  const input = (i: number): NewAppeal => {
    const place = districts[(i * 7919) % districts.length]!;
    const person = people[i % people.length]!;
    return {
      kind: 'complaint', topicId: topics[i % topics.length]!.id, summary: 'Bench appeal about a local matter',
      body: 'A bench appeal: the street light at the corner has not worked for two weeks.', locale: 'uz',
      author: { kind: 'person', personId: person.id, name: person.first }, channel: 'portal',
      place: { region: place.region, district: place.district }, idempotencyKey: randomUUID(),
    };
  };
  let n = 0;
  for (let i = 0; i < CLIENTS; i++) await appeals.service.file(input(n++)); // warm-up
  const latencies: number[] = [];
  let errors = 0;
  const node0 = cpuSeconds(process.pid);
  const postgres = databaseCpu(database);
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        await appeals.service.file(input(n++));
        latencies.push(performance.now() - t0);
      } catch (error) {
        if (errors++ === 0) console.warn(`  filing failed: ${(error as Error).message}`);
      }
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  // Each author's SMS leaves through the outbox after commit: the CPU counted is until the
  // last one has gone, so that it includes sending them.
  const drain = await drained(db);
  const filed = Math.max(1, latencies.length);
  const postgresUs = postgres() * 1e6 / filed;
  const nodeUs = (cpuSeconds(process.pid) - node0) * 1e6 / filed;
  latencies.sort((a, b) => a - b);
  return { filed: latencies.length, rate: latencies.length / elapsed, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), errors, nodeUs, postgresUs, drain };
}

/** Seconds until the outbox has sent everything due (at most a minute), or -1 if it has not. */
async function drained(db: Db): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 60_000) {
    const { rows: [left] } = await sql<{ n: number }>`select count(*) as n from outbox where dispatched_at is null and failed_at is null`.execute(db);
    if (Number(left!.n) === 0) return (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 100));
  }
  return -1;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); }); });
}

const load1 = () => loadavg()[0]!.toFixed(2);

export async function benchAppeals() {
  const scratch = await scratchDatabase('appeals');
  if (!scratch) {
    console.error('DATABASE_URL is not set: this bench loads a million appeals into PostgreSQL (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)');
    process.exit(2);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'darcha-bench-appeals-'));
  const port = await freePort();
  // Each filing texts its author: through the SMS gateway's stand-in in its own process.
  const sms = await smsGateway();
  const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: scratch.url, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'error', RATE_LIMIT_PER_MINUTE: '100000000', ...sms.env });
  const app = await createApp(config);
  try {
    const db = app.ctx.db;
    const appeals = app.modules.find((m) => m.name === 'appeals') as AppealsModule;
    console.log(`Loading ${fmt(APPEALS)} appeals (load average ${load1()})…`);
    const loadSeconds = await load(db, APPEALS);
    // The load's million changes, noted by the trigger, go into the rollups in one fold.
    const foldStarted = performance.now();
    await foldChanges(db);
    const foldSeconds = (performance.now() - foldStarted) / 1000;
    await sql`vacuum analyze`.execute(db);
    const total = Number((await sql<{ n: number }>`select count(*) as n from appeals_appeal`.execute(db)).rows[0]!.n);
    const rollups = (await sql<{ t: string; n: number }>`
      select 'appeals_month_stats' as t, count(*) as n from appeals_month_stats union all select 'appeals_week_stats', count(*) from appeals_week_stats
      union all select 'appeals_day_stats', count(*) from appeals_day_stats union all select 'appeals_district_week', count(*) from appeals_district_week`.execute(db)).rows;

    // A head of the busiest agency: the widest scope a head has.
    const busiest = (await sql<{ agency_id: string; n: number }>`select agency_id, sum(n) as n from appeals_month_stats group by 1 order by 2 desc limit 1`.execute(db)).rows[0]!;
    const now = new Date();
    const scopes: [string, string[] | undefined][] = [[`head of ${busiest.agency_id}`, [busiest.agency_id]], ['whole country', undefined]];
    const rows: { query: string; scope: string; days: number; ms: number }[] = [];
    const countMs = await time(() => sql`select count(*) from appeals_appeal`.execute(db));
    const problems: string[] = [];
    console.log(`Timing the dashboard's queries (median of ${RUNS}; load average ${load1()})…`);
    for (const days of [365, 30]) {
      for (const [scope, agencies] of scopes) {
        const f: Filter = { agencies, period: periodOf(days, now) };
        const queries: [string, () => Promise<unknown>][] = [
          ['statsOf: counts by state, kind, agency, region, topic; answers in term, time to answer, ratings', () => statsOf(db, f)],
          ['overdueOf: unanswered past the term, by agency', () => overdueOf(db, f, now)],
          ['trendOf: 12 weeks', () => trendOf(db, f)],
          ['districtsOf: the district heat table', () => districtsOf(db, f)],
          ['districtsOf with a topic filter', () => districtsOf(db, { ...f, topic: 'roads-potholes' })],
          ['statsOf with a region and a topic filter', () => statsOf(db, { ...f, region: 'samarkand', topic: 'roads-potholes' })],
          ['hotspotsOf: the alerts (3 days against the 56 before)', () => hotspotsOf(db, agencies, now)],
          ['all of the page\'s figures at once (dashboardFigures)', () => dashboardFigures(db, f, now)],
        ];
        for (const [query, run] of queries) rows.push({ query, scope, days, ms: await time(run) });
        const wrong = await verify(db, f);
        if (wrong) problems.push(`${scope}, ${days} days: ${wrong}`);
      }
    }
    const alerts = await hotspotsOf(db, undefined, now);

    console.log(`Filing: ${CLIENTS} clients for ${process.env.BENCH_SECONDS ?? 10} s (load average ${load1()})…`);
    const database = new URL(scratch.url).pathname.slice(1);
    const filing = await file(appeals, db, Number(process.env.BENCH_SECONDS ?? 10), database);
    // The same without the rollups' triggers, for what keeping the dashboard's figures costs a filing.
    await sql`alter table appeals_appeal disable trigger user`.execute(db);
    const bare = await file(appeals, db, Number(process.env.BENCH_SECONDS ?? 10), database);
    await sql`alter table appeals_appeal enable trigger user`.execute(db);

    console.log(`\nAppeals analytics on PostgreSQL: ${fmt(total)} appeals (loaded in ${fmt(loadSeconds, 1)} s with the trigger noting each, folded into the rollups in ${fmt(foldSeconds, 1)} s), median of ${RUNS} runs each\n`);
    console.log(`| query | scope | period | ms | vs count(*) | ≤ ${TARGET_MS} ms |`);
    console.log('|---|---|---:|---:|---:|:---:|');
    console.log(`| select count(*) from appeals_appeal | — | — | ${fmt(countMs, 1)} | 1.00 | ${countMs <= TARGET_MS ? 'yes' : 'NO'} |`);
    for (const r of rows) console.log(`| ${r.query} | ${r.scope} | ${r.days} d | ${fmt(r.ms, 1)} | ${fmt(r.ms / countMs, 2)} | ${r.ms <= TARGET_MS ? 'yes' : 'NO'} |`);
    console.log(`\nRollup rows: ${rollups.map((r) => `${r.t} ${fmt(Number(r.n))}`).join(', ')}.`);
    console.log(problems.length === 0
      ? 'The rollups agree with counting the appeals themselves (appeals, closed, answered, in term, 5-star ratings, districts) at both scopes and periods.'
      : `ROLLUPS DISAGREE:\n  ${problems.join('\n  ')}`);
    console.log(`Hotspot alerts over the whole country on the synthetic data (no surge planted but the demo one): ${alerts.length}.`);
    console.log(`\nFiling through the appeals module's \`file\`: ${CLIENTS} clients at once, a person's complaint each (validation, routing, number, appeal and event, notification)\n`);
    console.log('| | appeals/s | p50 ms | p99 ms | filed | errors | every SMS sent, s after the last filing | CPU µs per appeal, its SMS included: Node | PostgreSQL | appeals/s the 2 cores would allow | ≥ 1,000/s |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|');
    for (const [name, r] of [['with the rollups\' triggers (as deployed)', filing], ['the triggers disabled (for comparison)', bare]] as const) {
      const allow = 2e6 / (r.nodeUs + r.postgresUs);
      console.log(`| ${name} | ${fmt(r.rate)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.filed} | ${r.errors} | ${r.drain < 0 ? 'NOT within 60 s' : fmt(r.drain, 1)} | ${fmt(r.nodeUs)} | ${fmt(r.postgresUs)} | ${fmt(allow)} | ${r.rate >= 1000 ? 'yes' : allow >= 1000 ? 'by CPU' : 'NO'} |`);
    }
    console.log(`\nLoad average at the end: ${loadavg().map((x) => x.toFixed(2)).join(', ')} (1, 5, 15 min) on ${(await import('node:os')).cpus().length} cores; the bench, PostgreSQL and any other work share them.`);
  } finally {
    await app.close();
    await sms.stop();
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
