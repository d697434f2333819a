// Two gateways as separate processes (`darcha gateway --member …`), exchanging over real
// HTTP with the centre in this process; then `darcha verify-log` proves both logs. On
// PostgreSQL both gateways log to the one database (each in its own schema); on PGlite, which
// one process holds, each gateway has a database of its own in DATA_DIR/gateways/<code>/db.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { provisionMember } from './central.js';
import { createExchangeClient } from './client.js';
import { PORTAL, startTestExchange, type TestExchange } from './test-support.js';

let x: TestExchange;
const children: ChildProcess[] = [];
let env: NodeJS.ProcessEnv;

before(async () => {
  x = await startTestExchange([]);
  const rows = await x.database.db.selectFrom('exchange_member').select(['member_class', 'member_code', 'name']).execute();
  for (const code of ['digital-technologies', 'tax-committee']) await provisionMember(x.database.db, x.dataDir, x.ca, rows.find((r) => r.member_code === code)!);
  env = { ...process.env, DATA_DIR: x.dataDir, EXCHANGE_CENTRAL_URL: x.centralUrl, EXCHANGE_CONF_REFRESH_MS: '500', LOG_LEVEL: 'warn', NODE_ENV: 'test' };
  if (x.databaseUrl) env.DATABASE_URL = x.databaseUrl; else delete env.DATABASE_URL;
});
after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await x.close();
});

function startGatewayProcess(member: string, extra: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'gateway', '--member', member, ...extra], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${member} did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (https?:\/\/\S+)/.exec(output);
      if (match) { clearTimeout(timer); resolve({ url: match[1]!, child }); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${member} exited with ${code}:\n${output}`)); });
  });
}

const stop = (child: ChildProcess) => new Promise<void>((resolve) => { if (child.exitCode !== null) resolve(); else { child.once('exit', () => resolve()); child.kill('SIGTERM'); } });

test('two gateways in their own processes exchange signed messages over HTTP, and both logs prove out', async () => {
  const provider = await startGatewayProcess('tax-committee', ['--service-url', x.registry.url]);
  const portal = await startGatewayProcess('digital-technologies');
  assert.notEqual(provider.child.pid, portal.child.pid);

  // Each told the centre where it listens, with a request signed by its member's key.
  const addresses = await x.database.db.selectFrom('exchange_member').select(['member_code', 'address']).where('member_code', 'in', ['tax-committee', 'digital-technologies']).execute();
  assert.deepEqual(Object.fromEntries(addresses.map((a) => [a.member_code, a.address])), { 'tax-committee': provider.url, 'digital-technologies': portal.url });

  const client = createExchangeClient({ gatewayUrl: () => portal.url, client: PORTAL });
  try {
    for (let i = 0; i < 5; i++) {
      const result = await client.call<{ pinfl: string; userId: string }>({ service: 'GOV/tax-committee/soliq/taxpayer-debts', path: '/31507901120014', userId: 'UZ31507901120014', timeoutMs: 10_000 });
      assert.equal(result.ok, true, JSON.stringify(result));
      if (result.ok) {
        assert.equal(result.data.pinfl, '31507901120014');
        assert.equal(result.data.userId, 'UZ31507901120014');
        assert.ok(result.requestId && result.requestHash);
      }
    }
    const denied = await client.call({ service: 'GOV/tax-committee/soliq/audit-plan', timeoutMs: 10_000 });
    assert.deepEqual([denied.ok, !denied.ok && denied.error], [false, 'denied']);
  } finally {
    client.close();
  }
  assert.ok(x.registry.seen.filter((s) => s.url.includes('31507901120014')).length >= 5, 'the registry answered through the provider\'s gateway');

  await Promise.all([stop(provider.child), stop(portal.child)]);
  const verify = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'verify-log'], { env });
  assert.match(verify.stdout, /DARCHA\/GOV\/tax-committee \(gw_tax_committee in [^)]+\): 12 records, chain and seals intact/);
  assert.match(verify.stdout, /DARCHA\/GOV\/digital-technologies \(gw_digital_technologies in [^)]+\): 12 records, chain and seals intact/);
});
