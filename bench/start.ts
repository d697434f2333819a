// npm run bench -- start: cold start (fresh data, with seeding), warm start (same data),
// and the server's memory after the catalog load.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, load, rssMb, scratchDatabase, startServer } from './support.js';

export async function benchStart() {
  const dataDir = mkdtempSync(join(tmpdir(), 'darcha-bench-start-'));
  const env: Record<string, string> = { DATA_DIR: dataDir };
  const scratch = await scratchDatabase('start');
  if (scratch) env.DATABASE_URL = scratch.url;
  const cold = await startServer(env);
  await cold.stop();
  const warm = await startServer(env);
  const idle = rssMb(warm.process.pid!);
  const paths = ['uz', 'ru', 'en'].flatMap((l) => [`/${l}/`, `/${l}/services/passport-travel`, `/${l}/search?q=pasport`, `/${l}/agencies`]);
  await load('catalog pages', warm.url, [...paths, '/api/v1/search?q=pasport', '/api/v1/services?per_page=100'], { seconds: 8 });
  const loaded = rssMb(warm.process.pid!);
  await warm.stop();
  rmSync(dataDir, { recursive: true, force: true });
  await scratch?.drop();

  console.log(`\nStart benchmark (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}; time from process start to listening)\n`);
  console.log('| what | figure |');
  console.log('|---|---:|');
  console.log(`| cold start (fresh data, migrations, demo data) | ${fmt(cold.readyMs / 1000, 2)} s |`);
  console.log(`| warm start (existing data) | ${fmt(warm.readyMs / 1000, 2)} s |`);
  console.log(`| RSS after warm start | ${fmt(idle)} MB |`);
  console.log(`| RSS after 8 s of catalog load | ${fmt(loaded)} MB |`);
}
