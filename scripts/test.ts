// `npm test`: every unit test beside the code and the browser journeys, one run.
// Without Chromium the journeys are left out and that is said plainly; under CI a
// missing browser fails the run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (/\.test\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

export function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
  for (const candidate of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' });
  return which.stdout.trim() || undefined;
}

const only = process.argv.slice(2);
const all = only.length > 0 ? only : [...find('src'), ...find('test')].sort();
const journeys = all.filter((f) => f.includes('journeys'));
let files = all;
const browser = chromiumPath();
if (journeys.length > 0 && !browser) {
  if (process.env.CI === 'true') {
    console.error('Chromium is not installed, and under CI the browser journeys must run: apt-get install -y chromium');
    process.exit(1);
  }
  files = all.filter((f) => !journeys.includes(f));
  console.warn(`\n*** The ${journeys.length} browser journey file(s) did NOT run: no Chromium found (install Debian's chromium package, or set CHROMIUM_PATH). ***\n`);
}

const engine = process.env.DATABASE_URL ? `PostgreSQL (${process.env.DATABASE_URL.replace(/\/\/[^@]*@/, '//')})` : 'PGlite (embedded)';
console.log(`Running ${files.length} test file(s) on ${engine}`);
// A test that hangs fails after 3 minutes instead of holding CI to its limit.
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=180000', ...files], {
  stdio: 'inherit',
  env: { ...process.env, ...(browser ? { CHROMIUM_PATH: browser } : {}) },
});
child.on('exit', (code, signal) => {
  if (journeys.length > 0 && !browser) console.warn(`\n*** Browser journeys did NOT run (no Chromium). ***`);
  process.exit(code ?? (signal ? 1 : 0));
});
