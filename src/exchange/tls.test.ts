// EXCHANGE_TLS: gateways talk over mutual TLS with their members' certificates from the demo CA.
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, test } from 'node:test';
import { createExchangeClient } from './client.js';
import { PORTAL, startTestExchange, type TestExchange } from './test-support.js';

let x: TestExchange;
before(async () => { x = await startTestExchange(['digital-technologies', 'tax-committee'], { tls: true }); });
after(() => x.close());

test('with TLS on, the exchange works end to end over https', async () => {
  assert.match(x.gateways['tax-committee']!.url, /^https:/);
  const client = createExchangeClient({ gatewayUrl: () => x.gateways['digital-technologies']!.url, client: PORTAL, tls: { ca: x.ca.certificatePem } });
  try {
    const result = await client.call<{ pinfl: string }>({ service: 'GOV/tax-committee/soliq/taxpayer-debts', path: '/31507901120014' });
    assert.equal(result.ok, true, JSON.stringify(result));
  } finally {
    client.close();
  }
});

test('a caller without a member certificate cannot use the gateway-to-gateway side', async () => {
  const status = await new Promise<{ status: number; type?: string }>((resolve, reject) => {
    https.get(`${x.gateways['tax-committee']!.url}/transport/r1/DARCHA/GOV/tax-committee/soliq/taxpayer-debts/31507901120014`, { ca: x.ca.certificatePem, checkServerIdentity: () => undefined, headers: { 'x-road-client': PORTAL } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['x-road-error'] as string | undefined }));
    }).on('error', reject);
  });
  assert.equal(status.status, 500);
  assert.equal(status.type, 'Server.ServerProxy.InvalidMessage');
});
