// The signed global configuration: gateways keep working on their cached copy while the
// centre is down (even across a restart), and refuse a document whose signature fails.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CompactSign } from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { issueSystemCertificate, openCa } from '../identity/index.js';
import { loadConfig } from '../platform/index.js';
import { ConfClient } from './confclient.js';
import { CENTRAL_ID, GlobalConfError, signGlobalConf, verifyGlobalConf } from './globalconf.js';
import { credentialsFrom, gatewayDir, loadCredentials } from './pki.js';
import { PORTAL, silentLog, startTestExchange, type TestExchange } from './test-support.js';

let x: TestExchange;
before(async () => { x = await startTestExchange(['tax-committee']); });
after(() => x.close());

const debts = (url: string) => fetch(`${url}/r1/DARCHA/GOV/tax-committee/soliq/taxpayer-debts/31507901120014`, { headers: { 'x-road-client': PORTAL } });

test('the centre publishes its configuration signed; a gateway checks it and keeps the last good one on disk', async () => {
  const res = await fetch(`${x.centralUrl}/exchange/globalconf`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/jose');
  const document = await verifyGlobalConf(await res.text(), x.ca.certificatePem);
  const tax = document.members.find((m) => m.memberCode === 'tax-committee')!;
  assert.equal(tax.address, x.gateways['tax-committee']!.url);
  assert.equal(tax.certificates.length, 1);
  assert.deepEqual(tax.subsystems[0]!.services.map((s) => s.code).sort(), ['audit-plan', 'echo', 'slow', 'taxpayer-debts']);
  assert.ok(document.access.some((a) => a.client === PORTAL && a.service === 'DARCHA/GOV/tax-committee/soliq/taxpayer-debts'));
  assert.ok(Date.parse(document.expiresAt) > Date.now() + 3600_000);
  assert.ok(existsSync(join(gatewayDir(x.dataDir, 'tax-committee'), 'globalconf.jws')));
});

test('with the centre down, gateways go on with their cached configuration, even after a restart', async () => {
  const portal = await x.launch('digital-technologies', { overHttp: true });
  assert.equal((await debts(portal.url)).status, 200);
  await x.centralServer.close();
  assert.equal(await portal.conf.refresh(), false, 'the centre cannot be reached');
  assert.equal((await debts(portal.url)).status, 200, 'still works on the configuration held');
  // A restart while the centre is still down: the copy on disk is verified and used.
  await portal.close();
  const again = await x.launch('digital-technologies', { overHttp: true });
  assert.ok(again.conf.current, 'loaded from DATA_DIR/gateways/<member>/globalconf.jws');
  const res = await debts(again.url);
  assert.equal(res.status, 200, await res.text());
});

test('a configuration with a bad signature is refused and the good one kept', async () => {
  const good = x.gateways['tax-committee']!.conf.current!.jws;
  const [header, payload, signature] = good.split('.') as [string, string, string];
  const document = JSON.parse(Buffer.from(payload, 'base64url').toString());
  // 1. The payload changed after signing (a member given a right it does not have).
  document.access.push({ client: PORTAL, service: 'DARCHA/GOV/tax-committee/soliq/audit-plan' });
  const tampered = `${header}.${Buffer.from(JSON.stringify(document)).toString('base64url')}.${signature}`;
  // 2. Signed properly, but by a member's key rather than the centre's.
  const member = (await loadCredentials(gatewayDir(x.dataDir, 'tax-committee')))!;
  const byMember = await new CompactSign(Buffer.from(JSON.stringify(document)))
    .setProtectedHeader({ alg: 'ES256', typ: 'darcha-globalconf+json', x5c: [Buffer.from(member.certificate.raw).toString('base64')] }).sign(member.privateKey);
  // 3. A "centre" certificate from another CA.
  const otherDir = mkdtempSync(join(tmpdir(), 'darcha-otherca-'));
  const otherCa = await openCa(loadConfig({ DATA_DIR: otherDir }));
  after(() => rmSync(otherDir, { recursive: true, force: true }));
  const issued = await issueSystemCertificate(otherCa, { id: CENTRAL_ID, commonName: 'Darcha Exchange Centre' });
  const byStranger = await signGlobalConf(document, credentialsFrom(issued.certificatePem, issued.privateKeyPem));

  for (const [name, jws] of [['tampered', tampered], ['signed by a member', byMember], ['another CA', byStranger]] as const) {
    await assert.rejects(verifyGlobalConf(jws, x.ca.certificatePem), GlobalConfError, name);
    const client = new ConfClient({ fetch: async () => jws, caPem: x.ca.certificatePem, cacheFile: join(x.dataDir, `bad-${name}.jws`), refreshMs: 60_000, log: silentLog });
    await client.start();
    client.stop();
    assert.equal(client.current, undefined, `${name}: nothing to work with`);
    assert.ok(client.lastRefusal, name);
    assert.equal(existsSync(join(x.dataDir, `bad-${name}.jws`)), false, `${name}: not cached`);
  }

  // A running gateway offered the tampered document keeps the good one, and the right is not granted.
  const gateway = x.gateways['digital-technologies']!;
  const conf = gateway.conf as unknown as { options: { fetch: () => Promise<string> } };
  const original = conf.options.fetch;
  conf.options.fetch = async () => tampered;
  try {
    assert.equal(await gateway.conf.refresh(), false);
    assert.equal(gateway.conf.current!.allowed(PORTAL, 'DARCHA/GOV/tax-committee/soliq/audit-plan'), false);
    assert.equal(readFileSync(join(gatewayDir(x.dataDir, 'digital-technologies'), 'globalconf.jws'), 'utf8').includes(tampered.split('.')[1]!), false);
    const res = await fetch(`${gateway.url}/r1/DARCHA/GOV/tax-committee/soliq/audit-plan`, { headers: { 'x-road-client': PORTAL } });
    assert.equal(res.headers.get('x-road-error'), 'Server.ServerProxy.AccessDenied');
  } finally {
    conf.options.fetch = original;
  }
});

test('a gateway with no valid configuration at all answers Server.ClientProxy.OutdatedGlobalConf', async () => {
  const gateway = x.gateways['digital-technologies']!;
  const conf = gateway.conf as unknown as { current: unknown };
  const descriptor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(conf), 'current')!;
  Object.defineProperty(conf, 'current', { get: () => undefined, configurable: true });
  try {
    const res = await debts(gateway.url);
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('x-road-error'), 'Server.ClientProxy.OutdatedGlobalConf');
  } finally {
    delete (conf as { current?: unknown }).current;
    assert.ok(descriptor.get);
  }
});
