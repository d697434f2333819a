// The exchange inside the platform: `serve` seeds the centre from the registries, issues the
// members' keys, starts the registry server and a gateway per member, and the portal calls
// registries through its own gateway.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CompactSign } from 'jose';
import { REGISTRIES } from '../registries/index.js';
import { startTestApp, type TestApp } from '../testing.js';
import { verifyGlobalConf } from './globalconf.js';
import type { ExchangeModule } from './index.js';
import { verifyMessageLog } from './message-log.js';
import { gatewayDir, loadCredentials } from './pki.js';

let app: TestApp, exchange: ExchangeModule, caPem: string;
before(async () => {
  app = await startTestApp();
  exchange = app.modules.find((m) => m.name === 'exchange') as ExchangeModule;
  caPem = readFileSync(join(app.config.dataDir, 'ca', 'ca-certificate.pem'), 'utf8');
});
after(() => app.close());

test('every registry and the portal are members, each with a gateway of its own and a key from the demo CA', async () => {
  const codes = [...new Set(['digital-technologies', ...REGISTRIES.map((r) => r.member.code)])].sort();
  assert.deepEqual(exchange.gateways.map((g) => g.member.split('/')[2]).sort(), codes);
  assert.equal(new Set(exchange.gateways.map((g) => g.url)).size, codes.length, 'each on its own port');
  const res = await fetch(`${app.url}/exchange/globalconf`);
  const document = await verifyGlobalConf(await res.text(), caPem);
  assert.deepEqual(document.members.map((m) => m.memberCode).sort(), codes);
  for (const member of document.members) {
    assert.equal(member.address, exchange.gateways.find((g) => g.member.endsWith(`/${member.memberCode}`))!.url);
    assert.equal(member.certificates.length, 1);
  }
  const services = document.members.flatMap((m) => m.subsystems.flatMap((s) => s.services));
  assert.equal(services.length, REGISTRIES.reduce((n, r) => n + r.services.length, 0));
});

test('the portal calls a registry through the exchange and gets the demo citizen\'s data', async () => {
  const tax = REGISTRIES.find((r) => r.member.code === 'tax-committee')!;
  const debts = tax.services.find((s) => s.code === 'taxpayer-debts')!;
  const result = await exchange.call({ service: 'GOV/tax-committee/soliq/taxpayer-debts', path: debts.example?.path ?? '', query: debts.example?.query ?? '', userId: 'UZ31507901120014' });
  assert.equal(result.ok, true, JSON.stringify(result));
  if (result.ok) assert.ok(result.requestHash && result.messageId);
  // The log of both sides proves out.
  const portal = exchange.gateways.find((g) => g.member.endsWith('/digital-technologies'))!;
  await portal.messageLog.drain();
  const report = await verifyMessageLog(app.ctx.db, 'gw_digital_technologies', { caPem, memberId: portal.member });
  assert.ok(report.records >= 2);
  assert.deepEqual(report.problems, []);
});

test('a member\'s system asking for a service not granted to it is refused at the provider', async () => {
  const kindergartens = exchange.gateways.find((g) => g.member.endsWith('/preschool-school'))!;
  const res = await fetch(`${kindergartens.url}/r1/DARCHA/GOV/tax-committee/soliq/taxpayer-debts?pinfl=31507901120014`, { headers: { 'x-road-client': 'DARCHA/GOV/preschool-school/bogcha' } });
  assert.equal(res.headers.get('x-road-error'), 'Server.ServerProxy.AccessDenied');
});

test('a gateway tells the centre its address only with its own member\'s key', async () => {
  const post = (body: unknown) => fetch(`${app.url}/exchange/gateway-address`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal((await post({ jws: 'not a jws' })).status, 400);
  const tax = (await loadCredentials(gatewayDir(app.config.dataDir, 'tax-committee')))!;
  const sign = (payload: object) => new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'ES256', x5c: [Buffer.from(tax.certificate.raw).toString('base64')] }).sign(tax.privateKey);
  assert.equal((await post({ jws: await sign({ member: 'DARCHA/GOV/road-safety', address: 'http://127.0.0.1:1', iat: Date.now() }) })).status, 403, 'not for another member');
  assert.equal((await post({ jws: await sign({ member: 'DARCHA/GOV/tax-committee', address: 'http://127.0.0.1:1', iat: Date.now() - 3600_000 }) })).status, 403, 'not an old one');
  const current = exchange.gateways.find((g) => g.member.endsWith('/tax-committee'))!.url;
  const ok = await post({ jws: await sign({ member: 'DARCHA/GOV/tax-committee', address: current, iat: Date.now() }) });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { member: 'DARCHA/GOV/tax-committee', address: current });
});
