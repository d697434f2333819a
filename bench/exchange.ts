// npm run bench -- exchange: a registry service called directly, and through the exchange
// (the portal's gateway → the tax committee's gateway → the registry), with signing and the
// message log on both gateways. Two set-ups: the demo gateways inside the `serve` process (as
// `npm start` runs them), and each gateway as its own process (`darcha gateway --member …`).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSeconds, fmt, load, sequential, startServer, type Load } from './support.js';

const PINFL = '31507901120014';
const DIRECT = `/tax-committee/soliq/taxpayer-debts?pinfl=${PINFL}`;
const VIA = `/r1/DARCHA/GOV/tax-committee/soliq/taxpayer-debts?pinfl=${PINFL}`;
const HEADERS = { 'x-road-client': 'DARCHA/GOV/digital-technologies/portal', 'x-road-userid': `UZ${PINFL}` };

interface Gateway { url: string; process: ChildProcess; stop(): Promise<void> }

function startGateway(env: Record<string, string>, args: string[]): Promise<Gateway> {
  const child = spawn(process.execPath, ['dist/cli.js', 'gateway', ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) resolve({ url: match[1]!, process: child, stop: () => new Promise((done) => { child.once('exit', () => done()); child.kill('SIGTERM'); }) });
    });
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${output}`)));
  });
}

/** Waits for a line that serve prints after its URL. */
async function said(server: { output: string }, pattern: RegExp): Promise<RegExpExecArray> {
  for (let i = 0; i < 100; i++) {
    const match = pattern.exec(server.output);
    if (match) return match;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`serve did not say ${pattern}:\n${server.output}`);
}

async function warm(url: string, headers: Record<string, string>) {
  for (let i = 0; i < 300; i++) {
    const res = await fetch(url, { headers });
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
}

interface Row { set: string; connections: number; direct: Load; via: Load; cpuDirect: number; cpuVia: number }

export async function benchExchange() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  const dataDir = mkdtempSync(join(tmpdir(), 'darcha-bench-exchange-'));
  const rows: Row[] = [];
  // CPU seconds spent per request by the processes serving it (the load generator's own excluded).
  const measure = async (set: string, registry: string, gateway: string, pids: { direct: number[]; via: number[] }) => {
    for (const connections of [50, 1]) {
      const cpu = (list: number[]) => list.reduce((n, pid) => n + cpuSeconds(pid), 0);
      let before = cpu(pids.direct);
      // One connection: timed request by request, for the added latency to a hundredth of a millisecond.
      const run = (name: string, url: string, path: string, headers?: Record<string, string>) => connections === 1
        ? sequential(name, url, path, { seconds, headers })
        : load(name, url, [path], { seconds, connections, headers });
      const direct = await run('direct', registry, DIRECT);
      const cpuDirect = (cpu(pids.direct) - before) * 1e6 / Math.max(1, direct.rps * seconds);
      before = cpu(pids.via);
      const via = await run('through the exchange', gateway, VIA, HEADERS);
      const cpuVia = (cpu(pids.via) - before) * 1e6 / Math.max(1, via.rps * seconds);
      rows.push({ set, connections, direct, via, cpuDirect, cpuVia });
    }
  };

  // 1. As `npm start` runs the demo: the registries' system and every gateway in the one serve process.
  // The first start loads the demo data and issues the members' keys; measure a later start.
  await (await startServer({ DATA_DIR: dataDir })).stop();
  const app = await startServer({ DATA_DIR: dataDir });
  const [, portalGateway, registry] = await said(app, /the portal's at (http:\/\/\S+)\); registries' systems at (http:\/\/\S+)/) as unknown as [string, string, string];
  await warm(`${registry}${DIRECT}`, {});
  await warm(`${portalGateway}${VIA}`, HEADERS);
  await measure('gateways inside the serve process', registry, portalGateway, { direct: [app.process.pid!], via: [app.process.pid!] });
  await app.stop();

  // 2. Each gateway a process of its own (PGlite: each with its own database), the registries' system in serve.
  const central = await startServer({ DATA_DIR: dataDir, GATEWAYS: 'off' });
  const registryUrl = (await said(central, /registries' systems at (http:\/\/\S+)/))[1]!;
  const env = { DATA_DIR: dataDir, EXCHANGE_CENTRAL_URL: central.url };
  const provider = await startGateway(env, ['--member', 'tax-committee', '--service-url', registryUrl]);
  const portal = await startGateway(env, ['--member', 'digital-technologies']);
  await warm(`${registryUrl}${DIRECT}`, {});
  await warm(`${portal.url}${VIA}`, HEADERS);
  await measure('each gateway its own process', registryUrl, portal.url, { direct: [central.process.pid!], via: [central.process.pid!, provider.process.pid!, portal.process.pid!] });
  await Promise.all([portal.stop(), provider.stop()]);
  await central.stop();

  console.log(`\nExchange benchmark (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}; ${seconds} s each; the load from this process; GET taxpayer-debts of the demo citizen)\n`);
  console.log('| set-up | connections | direct req/s | direct p50 / p99 ms | via exchange req/s | via p50 / p99 ms | throughput ratio | added p50 ms | errors | CPU µs/request direct → via |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const d = r.connections === 1 ? 2 : 1;
    console.log(`| ${r.set} | ${r.connections} | ${fmt(r.direct.rps)} | ${fmt(r.direct.p50, d)} / ${fmt(r.direct.p99, d)} | ${fmt(r.via.rps)} | ${fmt(r.via.p50, d)} / ${fmt(r.via.p99, d)} | ${fmt(r.via.rps / r.direct.rps * 100)}% | ${fmt(r.via.p50 - r.direct.p50, d)} | ${r.direct.errors + r.via.errors} | ${fmt(r.cpuDirect)} → ${fmt(r.cpuVia)} |`);
  }
  console.log('\nTargets: added p50 ≤ 2 ms (1 connection: latency without queueing), throughput ≥ 50% of direct (50 connections).');
  console.log('Through the exchange every request is signed and checked twice (request, answer) and logged four times (both sides, both directions), hash-chained and sealed.');
  console.log('(50 connections: autocannon, latencies in whole milliseconds as it reports them; 1 connection: one request after another, each timed in this process. The load generator shares the 2 cores with the servers.)');
  rmSync(dataDir, { recursive: true, force: true });
  return rows;
}
