// npm run bench -- catalog: the service page and the API search against the ceiling of a
// bare Fastify route, all served by other processes and driven by autocannon from here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogSnapshot, DEMO_CATALOG_DIR, readCatalog } from '../src/catalog/index.js';
import { fmt, load, rssMb, startServer, type Load } from './support.js';

const QUERIES = ['pasport', 'паспорт', 'haydovchilik guvohnomasi', 'детский сад', 'kindergarten queue', 'soliq qarzi', 'jarima', 'propiska', 'pensiya', 'tugʻilganlik', 'litsenziya', 'pasprot'];

export async function benchCatalog(options: { keepServer?: boolean } = {}) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  const hello = await startServer({}, 'bench/hello.ts');
  const ceiling = await load('bare Fastify hello-world (ceiling)', hello.url, ['/'], { seconds, pid: hello.process.pid });
  await hello.stop();

  const dataDir = mkdtempSync(join(tmpdir(), 'darcha-bench-'));
  // The first start loads the demo data; measure a server as it usually runs, started on existing data.
  await (await startServer({ DATA_DIR: dataDir })).stop();
  const app = await startServer({ DATA_DIR: dataDir });
  const br = { 'accept-encoding': 'br' };
  const rows: Load[] = [ceiling];
  // As a returning browser asks: brotli, and the language cookie it was given on its first visit.
  rows.push(await load('service page /uz/services/passport-travel', app.url, ['/uz/services/passport-travel'], { seconds, headers: { ...br, cookie: 'lang=uz' }, pid: app.process.pid }));
  rows.push(await load('service pages, 5 locales × 4 services', app.url,
    ['uz', 'oz', 'kaa', 'ru', 'en'].flatMap((l) => ['passport-travel', 'birth-registration', 'kindergarten-queue', 'traffic-fines'].map((s) => `/${l}/services/${s}`)), { seconds, headers: br, pid: app.process.pid }));
  const searches = QUERIES.map((q) => `/api/v1/search?q=${encodeURIComponent(q)}`);
  rows.push(await load('API search /api/v1/search (12 queries), 50 connections', app.url, searches, { seconds, pid: app.process.pid }));
  rows.push(await load('API search, 1 connection (latency without queueing)', app.url, searches, { seconds, connections: 1 }));
  const rss = rssMb(app.process.pid!);

  console.log(`\nCatalog benchmark (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}; ${seconds} s each, 50 connections, autocannon in a separate process)\n`);
  console.log('| what | requests/s | p50 ms | p99 ms | errors | ratio to ceiling | server CPU µs/request |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.errors} | ${fmt(r.rps / ceiling.rps * 100)}% | ${r.cpuUsPerRequest === undefined ? '' : fmt(r.cpuUsPerRequest, 1)} |`);
  console.log('\n(The load generator shares the 2 cores with the server; server CPU per request is the steadier figure.)');

  // Search alone, in this process, over the whole demo catalog: the cost of the index.
  const catalog = await readCatalog(DEMO_CATALOG_DIR);
  const snapshot = new CatalogSnapshot(1, catalog.spheres, catalog.agencies, catalog.services, catalog.bhm);
  const times: number[] = [];
  for (let round = 0; round < 50; round++) {
    for (const q of QUERIES) {
      const start = performance.now();
      snapshot.find(q, {}, 1, 20);
      times.push(performance.now() - start);
    }
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.floor(times.length * p)]!;
  console.log(`\nSearch in memory over ${catalog.services.length} services (${times.length} queries): p50 ${fmt(pct(0.5), 2)} ms, p99 ${fmt(pct(0.99), 2)} ms`);
  console.log(`Server RSS after the load: ${fmt(rss)} MB`);

  if (!options.keepServer) {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { rows, rss, app, dataDir };
}
