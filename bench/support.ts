// Bench support: the platform in its own process (as `npm start` runs it), load from
// this process with autocannon, figures printed as a table.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

// The node options `npm start` gives the server (package.json), so that a bench measures the same process.
const START_ARGS = /node ((?:--\S+ )*)dist\/cli\.js serve/.exec(JSON.parse(readFileSync('package.json', 'utf8')).scripts.start)?.[1]!.split(' ').filter(Boolean) ?? [];

export interface Server { url: string; process: ChildProcess; readyMs: number; output: string; stop(): Promise<void> }

/**
 * Starts `darcha serve` as `npm start` does (the bundle in dist/, built by `npm run
 * build`), or another script under tsx, and resolves when it prints its URL.
 */
export function startServer(env: Record<string, string>, script?: string): Promise<Server> {
  const started = performance.now();
  // BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) goes to the server's node, to profile what a bench measures.
  const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const argv = script ? [...extra, '--import', 'tsx', script] : [...extra, ...START_ARGS, 'dist/cli.js', 'serve'];
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/[^\s/]+)/.exec(output);
      if (match) {
        resolve({
          url: match[1]!.replace('localhost', '127.0.0.1'),
          process: child,
          readyMs: performance.now() - started,
          get output() { return output; },
          stop: () => new Promise((done) => { child.once('exit', () => done()); child.kill('SIGTERM'); }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

/** The SMS gateway's stand-in in a process of its own; the platform's config to send through it. */
export async function smsGateway(): Promise<{ env: Record<string, string>; stop(): Promise<void> }> {
  const credentials = { SMS_GATEWAY_EMAIL: 'bench@darcha.local', SMS_GATEWAY_PASSWORD: randomBytes(12).toString('base64url') };
  const gateway = await startServer(credentials, 'bench/sms-gateway.ts');
  return { env: { ...credentials, SMS_GATEWAY_URL: gateway.url }, stop: () => gateway.stop() };
}

export interface Load { name: string; rps: number; p50: number; p99: number; errors: number; cpuUsPerRequest?: number }

/** CPU seconds a process has used so far (user + system), from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Drives one URL (or several in turn) for a few seconds and returns throughput and latency. */
export async function load(name: string, url: string, paths: string[], options: { seconds?: number; connections?: number; headers?: Record<string, string>; pid?: number } = {}): Promise<Load> {
  const cpuBefore = options.pid ? cpuSeconds(options.pid) : 0;
  const result = await autocannon({
    url,
    connections: options.connections ?? 50,
    duration: options.seconds ?? 8,
    headers: options.headers ?? {},
    requests: paths.map((path) => ({ method: 'GET', path })),
  });
  const errors = result.errors + result.non2xx + result.timeouts;
  const cpuUsPerRequest = options.pid ? (cpuSeconds(options.pid) - cpuBefore) * 1e6 / Math.max(1, result.requests.total) : undefined;
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors, cpuUsPerRequest };
}

/**
 * One client, one request after another, each timed with the high-resolution clock: latency
 * without queueing to a hundredth of a millisecond (autocannon reports whole milliseconds).
 */
export async function sequential(name: string, url: string, path: string, options: { seconds?: number; headers?: Record<string, string> } = {}): Promise<Load> {
  const { Pool } = await import('undici');
  const pool = new Pool(url, { connections: 1 });
  const times: number[] = [];
  let errors = 0;
  const end = performance.now() + (options.seconds ?? 8) * 1000;
  try {
    while (performance.now() < end) {
      const started = performance.now();
      const res = await pool.request({ path, method: 'GET', headers: options.headers ?? {} });
      await res.body.arrayBuffer();
      times.push(performance.now() - started);
      if (res.statusCode >= 400) errors++;
    }
  } finally {
    await pool.close();
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { name, rps: times.length / (options.seconds ?? 8), p50: at(0.5), p99: at(0.99), errors };
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * With DATABASE_URL, a database of the bench's own on that server (dropped by `drop`), so
 * that a bench never runs migrations or seeds in a database someone uses; without, undefined.
 */
export async function scratchDatabase(what: string): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  if (!process.env.DATABASE_URL) return undefined;
  const name = `darcha_bench_${what}_${process.pid}`;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try { await client.query(sql); } finally { await client.end(); }
  };
  await run(`drop database if exists ${name}`);
  await run(`create database ${name}`);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}
