// npm run bench -- identity: token-endpoint code exchanges per second (a server in its own
// process, codes minted through a real sign-in), and the per-request cost of the session check.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { createApp } from '../src/app.js';
import { DEMO_ACCOUNTS, Sessions } from '../src/identity/index.js';
import { loadConfig } from '../src/platform/index.js';
import { testDatabase } from '../src/testing.js';
import { fmt, scratchDatabase, startServer } from './support.js';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

class Jar {
  private readonly cookies = new Map<string, string>();
  async go(url: string, form?: Record<string, string>) {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET', redirect: 'manual',
      headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form) : undefined,
    });
    for (const c of res.headers.getSetCookie()) { const [pair] = c.split(';'); const [k, ...v] = pair!.split('='); this.cookies.set(k!, v.join('=')); }
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }
}
const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';
const action = (html: string) => /action="([^"]+)"/.exec(/<form[^>]*method="post"[^>]*>/i.exec(html)?.[0] ?? '')?.[1]?.replace(/&amp;/g, '&') ?? '';

export async function benchIdentity() {
  const dataDir = mkdtempSync(join(tmpdir(), 'darcha-bench-identity-'));
  // The issuer is the public URL, so the port is chosen before the server starts.
  const port = await new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port: p } = s.address() as { port: number }; s.close(() => resolve(p)); }); });
  const scratch = await scratchDatabase('identity');
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...(scratch ? { DATABASE_URL: scratch.url } : {}) };
  await (await startServer(env)).stop();
  const registered = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'add-client', '--id', 'bench-client', '--name', 'Bench', '--redirect-uri', 'http://127.0.0.1:9/cb'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const secret = /client_secret:\s+(\S+)/.exec(registered)![1]!;
  const server = await startServer(env);
  const issuer = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 40 && !/codes land here/.test(server.output); i++) await new Promise((r) => setTimeout(r, 50));
  const inbox = /stand-in \(sign-in codes land here\): (\S+)/.exec(server.output)![1]!;
  const config = await client.discovery(new URL(issuer), 'bench-client', secret, undefined, { execute: [client.allowInsecureRequests] });
  const citizen = DEMO_ACCOUNTS[0];

  // One real sign-in (password, SMS code, consent); then every authorization returns a code at once.
  const jar = new Jar();
  const authorize = async () => {
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: 'http://127.0.0.1:9/cb', scope: 'openid profile pinfl', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    return { verifier, first: await jar.go(url.href) };
  };
  let { first: step } = await authorize();
  step = await jar.go(new URL(step.location!, issuer).href);
  step = await jar.go(new URL(action(step.body), issuer).href, { _csrf: field(step.body, '_csrf'), login: citizen.login, password: citizen.password });
  const code = ((await (await fetch(`${inbox}?phone=${citizen.phone}`)).json()) as { message: string }[])[0]!.message.match(/\d{6}/)![0];
  step = await jar.go(new URL(action(step.body), issuer).href, { _csrf: field(step.body, '_csrf'), code });
  step = await jar.go(new URL(step.location!, issuer).href);
  step = await jar.go(new URL(step.location!, issuer).href);
  step = await jar.go(new URL(action(step.body), issuer).href, { _csrf: field(step.body, '_csrf') });
  await jar.go(new URL(step.location!, issuer).href);

  const codes: { verifier: string; code: string }[] = [];
  for (let i = 0; i < 400; i++) {
    const { verifier, first } = await authorize();
    let location = first.location!;
    while (!location.startsWith('http://127.0.0.1:9/cb')) location = (await jar.go(new URL(location, issuer).href)).location!;
    codes.push({ verifier, code: new URL(location).searchParams.get('code')! });
  }
  const basic = `Basic ${Buffer.from(`bench-client:${secret}`).toString('base64')}`;
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0, failed = 0;
  await Promise.all(Array.from({ length: 20 }, async () => {
    while (next < codes.length) {
      const { verifier, code: c } = codes[next++]!;
      const t0 = performance.now();
      const res = await fetch(`${issuer}/oidc/token`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: c, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:9/cb' }) });
      await res.arrayBuffer();
      if (res.status !== 200) failed++;
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await server.stop();
  await scratch?.drop();
  rmSync(dataDir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);

  // The session check as every signed-in page runs it, on this engine.
  const database = await testDatabase();
  const app = await createApp(loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'darcha-bench-session-')), LOG_LEVEL: 'silent' }), { database });
  const value = 'bench-session-cookie-value-0123456789abcdef';
  const { sha256 } = await import('../src/identity/identity.store.js');
  await app.ctx.db.insertInto('identity_session').values({ id_hash: sha256(value), ref: 'bench', person_id: citizen.id, acting_for: null, expires_at: new Date(Date.now() + 3600_000), revoked_at: null, user_agent: null, ip: null, id_token: null }).execute();
  const request = { cookies: { sid: value } } as never;
  // Two session stores on one database, as two processes would have: what one revokes, the other hears of.
  const sessions = new Sessions(app.ctx.db, app.ctx.config);
  const other = new Sessions(app.ctx.db, app.ctx.config);
  await sessions.listen(app.ctx);
  await other.listen(app.ctx);
  for (let i = 0; i < 500; i++) await sessions.current(request, 'portal');
  const checks: number[] = [];
  for (let i = 0; i < 5000; i++) { const t0 = performance.now(); await sessions.current(request, 'portal'); checks.push(performance.now() - t0); }
  const loads: number[] = [];
  for (let i = 0; i < 1000; i++) { sessions.forget(citizen.id); const t0 = performance.now(); await sessions.current(request, 'portal'); loads.push(performance.now() - t0); }
  loads.sort((a, b) => a - b);
  const propagation: number[] = [];
  for (let i = 0; i < 50; i++) {
    await other.current(request, 'portal');
    const t0 = performance.now();
    await sessions.changed(citizen.id);
    while ((other as unknown as { cache: Map<string, unknown> }).cache.size > 0) await new Promise((r) => setImmediate(r));
    propagation.push(performance.now() - t0);
  }
  propagation.sort((a, b) => a - b);
  await sessions.close();
  await other.close();
  checks.sort((a, b) => a - b);
  await app.close();
  await database.close();

  console.log(`\nIdentity benchmark (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})\n`);
  console.log('| what | figure |');
  console.log('|---|---:|');
  console.log(`| token endpoint: authorization-code exchanges (PKCE, client_secret_basic), 20 concurrent | ${fmt(codes.length / seconds)} /s |`);
  console.log(`| token endpoint latency p50 / p99 | ${fmt(pct(latencies, 0.5), 1)} / ${fmt(pct(latencies, 0.99), 1)} ms |`);
  console.log(`| failed exchanges | ${failed} of ${codes.length} |`);
  console.log(`| session check per request (cookie → session, person, roles, power; held in memory) p50 / p99 | ${fmt(pct(checks, 0.5), 4)} / ${fmt(pct(checks, 0.99), 4)} ms |`);
  console.log(`| session load from the database (first request, or after a change) p50 / p99 | ${fmt(pct(loads, 0.5), 3)} / ${fmt(pct(loads, 0.99), 3)} ms |`);
  console.log(`| a change heard by another session store (pg_notify → listener) p50 / max | ${fmt(pct(propagation, 0.5), 2)} / ${fmt(propagation.at(-1)!, 2)} ms |`);
}
