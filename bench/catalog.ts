// npm run bench -- catalog: the service page and the API search against the ceiling of a
// bare Fastify route, all served by other processes and driven by autocannon from here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CATALOG_DIR, readCatalog, ServiceSearch } from '../src/catalog/index.js';
import { fmt, load, rssMb, scratchDatabase, startServer, type Load } from './support.js';

const ROUNDS = 3;
const QUERIES = ['pasport', 'паспорт', 'haydovchilik guvohnomasi', 'детский сад', 'kindergarten queue', 'soliq qarzi', 'jarima', 'propiska', 'pensiya', 'tugʻilganlik', 'litsenziya', 'pasprot'];

export async function benchCatalog(options: { keepServer?: boolean } = {}) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const dataDir = mkdtempSync(join(tmpdir(), 'darcha-bench-'));
  const scratch = await scratchDatabase('catalog');
  const env = { DATA_DIR: dataDir, ...(scratch ? { DATABASE_URL: scratch.url } : {}) };
  // The first start loads the demo data; measure a server as it usually runs, started on existing data.
  await (await startServer(env)).stop();
  const app = await startServer(env);
  const br = { 'accept-encoding': 'br' };
  const pageBytes = Number((await fetch(`${app.url}/uz/services/passport-travel`, { headers: br })).headers.get('content-length'));

  // The ceiling, the bare payload and the service page are measured in turn, round after
  // round, and each row is the median round: on a shared 2-core machine a single run of each
  // drifts with whatever else the machine does, and the ratios with it.
  const hello = await startServer({}, 'bench/hello.ts');
  const pageRows: { run: () => Promise<Load> }[] = [
    { run: () => load('bare Fastify hello-world (ceiling)', hello.url, ['/'], { seconds, pid: hello.process.pid }) },
    // What a bare server pays to send as many bytes as the service page (brotli): the payload's share.
    { run: () => load(`bare Fastify sending ${pageBytes} bytes (the page's size)`, hello.url, [`/bytes/${pageBytes}`], { seconds, pid: hello.process.pid }) },
    // As a returning browser asks: brotli, and the language cookie it was given on its first visit.
    { run: () => load('service page /uz/services/passport-travel', app.url, ['/uz/services/passport-travel'], { seconds, headers: { ...br, cookie: 'lang=uz' }, pid: app.process.pid }) },
    { run: () => load('service pages, 5 locales × 4 services', app.url,
      ['uz', 'oz', 'kaa', 'ru', 'en'].flatMap((l) => ['passport-travel', 'birth-registration', 'kindergarten-queue', 'traffic-fines'].map((s) => `/${l}/services/${s}`)), { seconds, headers: br, pid: app.process.pid }) },
  ];
  const rounds: Load[][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const measured: Load[] = [];
    for (const row of pageRows) measured.push(await row.run());
    rounds.push(measured);
  }
  await hello.stop();
  // Each round's ratios to that round's ceiling; the row shown is the round of median ratio.
  const rows: (Load & { ratio?: number })[] = pageRows.map((_, i) => {
    const byRatio = rounds.map((r) => ({ load: r[i]!, ratio: r[i]!.rps / r[0]!.rps })).sort((a, b) => a.ratio - b.ratio || a.load.rps - b.load.rps);
    return { ...byRatio[Math.floor(ROUNDS / 2)]!.load, ratio: byRatio[Math.floor(ROUNDS / 2)]!.ratio };
  });
  const ceiling = rows[0]!;

  const searches = QUERIES.map((q) => `/api/v1/search?q=${encodeURIComponent(q)}`);
  rows.push(await load('API search /api/v1/search (12 queries), 50 connections', app.url, searches, { seconds, pid: app.process.pid }));
  rows.push(await load('API search, 1 connection (latency without queueing)', app.url, searches, { seconds, connections: 1 }));
  const rss = rssMb(app.process.pid!);

  console.log(`\nCatalog benchmark (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}; ${seconds} s each, 50 connections, autocannon in the bench's process; the first four rows are the median of ${ROUNDS} rounds taken in turn)\n`);
  console.log('| what | requests/s | p50 ms | p99 ms | errors | ratio to ceiling | server CPU µs/request |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.errors} | ${fmt((r.ratio ?? r.rps / ceiling.rps) * 100)}% | ${r.cpuUsPerRequest === undefined ? '' : fmt(r.cpuUsPerRequest, 1)} |`);
  console.log('\n(The load generator shares the 2 cores with the server; server CPU per request is the steadier figure.)');

  // Search alone, in this process, over the whole demo catalog and without the result
  // cache: 12 common queries and 600 different ones (two words of a service's name in a
  // random language, every other one with a typo).
  const catalog = await readCatalog(DEMO_CATALOG_DIR);
  const index = new ServiceSearch(catalog.services, new Map(catalog.spheres.map((x) => [x.id, x])), new Map(catalog.agencies.map((x) => [x.id, x])));
  const locales = ['uz', 'oz', 'kaa', 'ru', 'en'] as const;
  const varied = Array.from({ length: 600 }, (_, i) => {
    const service = catalog.services[(i * 7) % catalog.services.length]!;
    const words = service.name[locales[i % 5]!].split(' ').slice(0, 2).join(' ');
    return i % 2 ? words.slice(0, 2) + words.slice(3) : words;
  });
  const times: number[] = [];
  for (const q of [...QUERIES, ...QUERIES, ...varied]) {
    const start = performance.now();
    index.search(q);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.floor(times.length * p)]!;
  console.log(`\nSearch in memory over ${catalog.services.length} services, no cache (${times.length} queries): p50 ${fmt(pct(0.5), 2)} ms, p99 ${fmt(pct(0.99), 2)} ms`);
  console.log(`Server RSS after the load: ${fmt(rss)} MB`);

  if (!options.keepServer) {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  }
  return { rows, rss, app, dataDir, scratch };
}
