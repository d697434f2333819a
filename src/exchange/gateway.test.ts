// Conformance of the gateways with X-Road's Message Protocol for REST and its metadata
// services: headers, error types and bodies, access, signatures, replays, timeouts.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createExchangeClient } from './client.js';
import { canonicalRequest, passedHeaders } from './canonical.js';
import { gatewayDir, loadCredentials } from './pki.js';
import { digestOf, signBatch } from './signer.js';
import { PORTAL, startTestExchange, type TestExchange } from './test-support.js';

let x: TestExchange;
before(async () => { x = await startTestExchange(); });
after(() => x.close());

const DEBTS = '/r1/DARCHA/GOV/tax-committee/soliq/taxpayer-debts';

async function call(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}, gateway = x.gateways['digital-technologies']!.url) {
  const res = await fetch(`${gateway}${path}`, { method: init.method ?? 'GET', headers: { 'x-road-client': PORTAL, ...init.headers }, body: init.body });
  const text = await res.text();
  let json: any;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

function assertXRoadError(res: Awaited<ReturnType<typeof call>>, type: string, status: number) {
  assert.equal(res.headers.get('x-road-error'), type, res.text);
  assert.equal(res.status, status);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(res.json.type, type);
  assert.equal(typeof res.json.message, 'string');
  assert.ok(res.json.message.length > 0);
  assert.equal(typeof res.json.detail, 'string');
}

describe('a request that goes through', () => {
  test('answers the registry\'s JSON with the X-Road response headers', async () => {
    const res = await call(`${DEBTS}/31507901120014?year=2025`, { headers: { 'x-road-userid': 'UZ31507901120014', 'x-road-id': 'msg-1', 'x-road-issue': 'APP-7' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.pinfl, '31507901120014');
    assert.equal(res.json.userId, 'UZ31507901120014', 'X-Road-UserId reaches the registry');
    assert.deepEqual(res.json.query, { year: '2025' });
    assert.equal(res.headers.get('x-road-client'), PORTAL);
    assert.equal(res.headers.get('x-road-service'), 'DARCHA/GOV/tax-committee/soliq/taxpayer-debts');
    assert.equal(res.headers.get('x-road-id'), 'msg-1');
    assert.match(res.headers.get('x-road-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.match(res.headers.get('x-road-request-hash') ?? '', /^[A-Za-z0-9+/]{86}==$/, 'base64 SHA-512');
    assert.equal(res.headers.get('x-road-error'), null);
    assert.equal(res.headers.get('x-darcha-signature'), null, 'the transport signature stays between gateways');
    const seen = x.registry.seen.at(-1)!;
    assert.equal(seen.headers['x-road-client'], PORTAL);
    assert.equal(seen.headers['x-road-issue'], 'APP-7');
    assert.equal(seen.headers['x-road-request-id'], res.headers.get('x-road-request-id'));
  });

  test('a message id is made up when the caller gives none; bodies, content types and own headers pass both ways', async () => {
    const res = await call('/r1/DARCHA/GOV/tax-committee/soliq/echo', { method: 'POST', headers: { 'content-type': 'application/xml', 'x-mine': 'yes' }, body: '<a>ü</a>' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, '<a>ü</a>');
    assert.equal(res.headers.get('content-type'), 'application/xml');
    assert.equal(res.headers.get('x-custom'), 'kept');
    assert.equal(res.headers.get('x-road-service'), 'DARCHA/GOV/tax-committee/soliq/echo', 'a registry cannot set the gateway\'s headers');
    assert.match(res.headers.get('x-road-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(x.registry.seen.at(-1)!.headers['x-mine'], 'yes');
  });

  test('a registry\'s own error passes as it is, without X-Road-Error', async () => {
    const res = await call(`${DEBTS}/00000000000000`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('x-road-error'), null);
    assert.equal(res.json.error, 'no such taxpayer');
    assert.ok(res.headers.get('x-road-request-hash'));
  });

  test('both gateways logged request and response, signed', async () => {
    const before = { portal: x.gateways['digital-technologies']!.messageLog.lastSeq, tax: x.gateways['tax-committee']!.messageLog.lastSeq };
    await call(`${DEBTS}/31507901120014`);
    assert.equal(x.gateways['digital-technologies']!.messageLog.lastSeq, before.portal + 2);
    assert.equal(x.gateways['tax-committee']!.messageLog.lastSeq, before.tax + 2);
    const rows = await (x.database.db as any).withSchema('gw_tax_committee').selectFrom('message_log').selectAll().orderBy('seq', 'desc').limit(2).execute();
    assert.deepEqual(rows.map((r: any) => `${r.side}/${r.direction}`), ['server/response', 'server/request']);
    assert.ok(rows.every((r: any) => r.signature.includes('~') && r.seal !== undefined));
  });
});

describe('errors of the caller (Client.*)', () => {
  test('no X-Road-Client', async () => {
    const res = await fetch(`${x.gateways['digital-technologies']!.url}${DEBTS}/31507901120014`);
    const body = await res.json() as any;
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-road-error'), 'Client.InvalidClientIdentifier');
    assert.equal(body.type, 'Client.InvalidClientIdentifier');
  });
  test('a malformed X-Road-Client', async () => {
    assertXRoadError(await call(`${DEBTS}/1`, { headers: { 'x-road-client': 'DARCHA//x' } }), 'Client.InvalidClientIdentifier', 400);
  });
  test('a client that is not this member\'s subsystem', async () => {
    assertXRoadError(await call(`${DEBTS}/1`, { headers: { 'x-road-client': 'DARCHA/GOV/tax-committee/soliq' } }), 'Client.UnknownMember', 400);
    assertXRoadError(await call(`${DEBTS}/1`, { headers: { 'x-road-client': 'DARCHA/GOV/digital-technologies/nosuch' } }), 'Client.UnknownMember', 400);
  });
  test('a URL that is not the protocol\'s', async () => {
    assertXRoadError(await call('/r1/DARCHA/GOV/tax-committee'), 'Client.BadRequest', 400);
    assertXRoadError(await call('/r1/DARCHA/GOV/tax-committee/soliq/taxpayer-debts/..%2F..%2Fadmin'), 'Client.BadRequest', 400);
    assertXRoadError(await call('/r1/DARCHA/GOV/tax-committee/soliq/taxpayer-debts/../../x'), 'Client.BadRequest', 400);
  });
});

describe('errors of the exchange', () => {
  test('an unknown member has no address: Server.ClientProxy.UnknownMember', async () => {
    assertXRoadError(await call('/r1/DARCHA/GOV/nobody/sub/svc'), 'Server.ClientProxy.UnknownMember', 500);
  });
  test('an unknown service of a known member: Server.ServerProxy.UnknownService', async () => {
    assertXRoadError(await call('/r1/DARCHA/GOV/tax-committee/soliq/no-such-service'), 'Server.ServerProxy.UnknownService', 500);
    assertXRoadError(await call('/r1/DARCHA/GOV/tax-committee/other/taxpayer-debts'), 'Server.ServerProxy.UnknownService', 500);
  });
  test('a service the client has no right to: Server.ServerProxy.AccessDenied, and the registry never sees it', async () => {
    const count = x.registry.seen.length;
    assertXRoadError(await call('/r1/DARCHA/GOV/road-safety/fines/fines/31507901120014'), 'Server.ServerProxy.AccessDenied', 500);
    assertXRoadError(await call('/r1/DARCHA/GOV/tax-committee/soliq/audit-plan'), 'Server.ServerProxy.AccessDenied', 500);
    assert.equal(x.registry.seen.length, count);
  });
});

/** A man in the middle between the portal's gateway and the tax committee's. */
async function withProxy(mode: { request?: (url: string) => string; response?: (body: Buffer) => Buffer; delayMs?: number; record?: boolean }, run: (recorded: { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }[]) => Promise<void>) {
  const real = x.gateways['tax-committee']!.url;
  const recorded: { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
  const proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      recorded.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (mode.delayMs) await new Promise((r) => setTimeout(r, mode.delayMs));
      const upstream = await fetch(`${real}${mode.request ? mode.request(req.url!) : req.url}`, {
        method: req.method, headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)) as [string, string][]),
        body: body.length ? body : undefined,
      }).catch(() => undefined);
      if (!upstream || res.destroyed) { res.destroy(); return; }
      let out: Buffer = Buffer.from(await upstream.arrayBuffer());
      if (mode.response) out = mode.response(out);
      const headers: Record<string, string> = {};
      upstream.headers.forEach((v, k) => { if (!['content-length', 'connection', 'transfer-encoding', 'keep-alive'].includes(k)) headers[k] = v; });
      res.writeHead(upstream.status, headers).end(out);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  await x.central.setAddress('tax-committee', `http://127.0.0.1:${(proxy.address() as { port: number }).port}`);
  await x.gateways['digital-technologies']!.conf.refresh();
  try {
    await run(recorded);
  } finally {
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
    await x.central.setAddress('tax-committee', real);
    await x.gateways['digital-technologies']!.conf.refresh();
  }
}

describe('signatures and replays', () => {
  test('a request altered in flight is refused: Server.ServerProxy.InvalidSignatureValue', async () => {
    await withProxy({ request: (url) => url.replace('31507901120014', '40803843150013') }, async () => {
      const res = await call(`${DEBTS}/31507901120014`);
      assertXRoadError(res, 'Server.ServerProxy.InvalidSignatureValue', 500);
    });
    assert.ok(!x.registry.seen.some((s) => s.url.includes('40803843150013')), 'the altered request never reached the registry');
  });

  test('an answer altered in flight is refused: Server.ClientProxy.InvalidSignatureValue', async () => {
    await withProxy({ response: (body) => Buffer.from(body.toString().replace('125000', '0')) }, async () => {
      assertXRoadError(await call(`${DEBTS}/31507901120014`), 'Server.ClientProxy.InvalidSignatureValue', 500);
    });
  });

  test('a replayed request is refused: Server.ServerProxy.InvalidMessage', async () => {
    await withProxy({ record: true }, async (recorded) => {
      assert.equal((await call(`${DEBTS}/31507901120014`)).status, 200);
      const original = recorded.at(-1)!;
      const replay = await fetch(`${x.gateways['tax-committee']!.url}${original.url}`, {
        method: original.method, headers: Object.fromEntries(Object.entries(original.headers).filter(([k]) => !['host', 'connection'].includes(k)) as [string, string][]),
      });
      const body = await replay.json() as any;
      assert.equal(replay.headers.get('x-road-error'), 'Server.ServerProxy.InvalidMessage');
      assert.match(body.message, /replay/);
    });
  });

  test('a request signed long ago, or by another member\'s key, is refused', async () => {
    const portal = (await loadCredentials(gatewayDir(x.dataDir, 'digital-technologies')))!;
    const tax = (await loadCredentials(gatewayDir(x.dataDir, 'tax-committee')))!;
    const send = async (credentials: typeof portal, timestamp: number) => {
      const requestId = crypto.randomUUID();
      const headers = { 'x-road-client': PORTAL, 'x-road-id': 'm' };
      const servicePath = `${DEBTS}/31507901120014`;
      const canonical = canonicalRequest({ requestId, timestamp, method: 'GET', servicePath, query: '', headers: passedHeaders(headers), body: Buffer.alloc(0) });
      const [signature] = signBatch([digestOf(canonical)], credentials.privateKey);
      // node:http adds no headers of its own beyond host and connection, which are not signed.
      return new Promise<{ type: string | undefined; body: any; status: number }>((resolve, reject) => {
        http.get(`${x.gateways['tax-committee']!.url}/transport${servicePath}`, {
          headers: { ...headers, 'x-road-request-id': requestId, 'x-darcha-timestamp': String(timestamp), 'x-darcha-signer': credentials.fingerprint, 'x-darcha-signature': signature! },
        }, (res) => {
          let text = '';
          res.on('data', (c) => { text += c; });
          res.on('end', () => resolve({ type: res.headers['x-road-error'] as string | undefined, body: JSON.parse(text), status: res.statusCode! }));
        }).on('error', reject);
      });
    };
    assert.equal((await send(portal, Date.now())).status, 200, 'the same request, made now with the right key, passes');
    const old = await send(portal, Date.now() - 10 * 60_000);
    assert.equal(old.type, 'Server.ServerProxy.InvalidMessage');
    assert.match(old.body.message, /window/);
    const foreign = await send(tax, Date.now());
    assert.equal(foreign.type, 'Server.ServerProxy.IncorrectCertificate', 'a key of another member cannot speak for the portal');
  });
});

describe('when a party is down or slow', () => {
  test('the provider\'s gateway cannot be reached: Server.ClientProxy.NetworkError', async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    await x.central.setAddress('tax-committee', `http://127.0.0.1:${port}`);
    await x.gateways['digital-technologies']!.conf.refresh();
    try {
      assertXRoadError(await call(`${DEBTS}/31507901120014`), 'Server.ClientProxy.NetworkError', 500);
    } finally {
      await x.central.setAddress('tax-committee', x.gateways['tax-committee']!.url);
      await x.gateways['digital-technologies']!.conf.refresh();
    }
  });

  test('the provider\'s gateway is too slow: Server.ClientProxy.ServiceFailed within the timeout', async () => {
    await withProxy({ delayMs: 3000 }, async () => {
      const started = Date.now();
      assertXRoadError(await call(`${DEBTS}/31507901120014`), 'Server.ClientProxy.ServiceFailed', 500);
      assert.ok(Date.now() - started < 2900, `answered after ${Date.now() - started} ms`);
    });
  });

  test('the registry is too slow: Server.ServerProxy.ServiceFailed', async () => {
    const res = await call('/r1/DARCHA/GOV/tax-committee/soliq/slow?ms=2500');
    assertXRoadError(res, 'Server.ServerProxy.ServiceFailed', 500);
  });

  test('the registry is down: Server.ServerProxy.NetworkError', async () => {
    x.serviceUrl = 'http://127.0.0.1:9';
    try {
      assertXRoadError(await call(`${DEBTS}/31507901120014`), 'Server.ServerProxy.NetworkError', 500);
    } finally {
      x.serviceUrl = x.registry.url;
    }
  });

  test('the portal\'s client: typed failures, in time', async () => {
    const client = createExchangeClient({ gatewayUrl: () => x.gateways['digital-technologies']!.url, client: PORTAL });
    try {
      const ok = await client.call<{ debts: unknown[] }>({ service: 'GOV/tax-committee/soliq/taxpayer-debts', path: '/31507901120014', userId: 'UZ31507901120014' });
      assert.equal(ok.ok, true);
      if (ok.ok) { assert.equal(ok.data.debts.length, 1); assert.ok(ok.requestHash); }
      const denied = await client.call({ service: 'GOV/road-safety/fines/fines', path: '/31507901120014' });
      assert.deepEqual([denied.ok, !denied.ok && denied.error], [false, 'denied']);
      const missing = await client.call({ service: 'GOV/tax-committee/soliq/taxpayer-debts', path: '/00000000000000' });
      assert.deepEqual([missing.ok, !missing.ok && missing.error, !missing.ok && missing.status], [false, 'refused', 404]);
      const started = Date.now();
      const slow = await client.call({ service: 'GOV/tax-committee/soliq/slow', query: { ms: 1500 }, timeoutMs: 300 });
      assert.deepEqual([slow.ok, !slow.ok && slow.error], [false, 'timeout']);
      assert.ok(Date.now() - started < 1000);
      const unknown = await client.call({ service: 'GOV/tax-committee/soliq/nothing' });
      assert.deepEqual([unknown.ok, !unknown.ok && unknown.error], [false, 'unknown-service']);
      const down = await createExchangeClient({ gatewayUrl: () => 'http://127.0.0.1:9', client: PORTAL }).call({ service: 'GOV/tax-committee/soliq/slow' });
      assert.deepEqual([down.ok, !down.ok && down.error], [false, 'down']);
    } finally {
      client.close();
    }
  });
});

describe('metadata services', () => {
  test('listMethods lists every service with its endpoints', async () => {
    const res = await call('/r1/DARCHA/GOV/tax-committee/soliq/listMethods');
    assert.equal(res.status, 200, res.text);
    const codes = res.json.service.map((s: any) => s.service_code).sort();
    assert.deepEqual(codes, ['audit-plan', 'echo', 'slow', 'taxpayer-debts']);
    const debts = res.json.service.find((s: any) => s.service_code === 'taxpayer-debts');
    assert.deepEqual(debts, {
      member_class: 'GOV', member_code: 'tax-committee', object_type: 'SERVICE', service_code: 'taxpayer-debts', service_type: 'OPENAPI',
      subsystem_code: 'soliq', xroad_instance: 'DARCHA', endpoint_list: [{ method: 'GET', path: '/*' }],
    });
    assert.equal(res.headers.get('x-road-service'), 'DARCHA/GOV/tax-committee/soliq/listMethods');
  });
  test('allowedMethods lists only what the client may call', async () => {
    const res = await call('/r1/DARCHA/GOV/tax-committee/soliq/allowedMethods');
    assert.deepEqual(res.json.service.map((s: any) => s.service_code).sort(), ['echo', 'slow', 'taxpayer-debts']);
    const none = await call('/r1/DARCHA/GOV/road-safety/fines/allowedMethods');
    assert.deepEqual(none.json, { service: [] });
  });
  test('getOpenAPI gives a service\'s description', async () => {
    const res = await call('/r1/DARCHA/GOV/tax-committee/soliq/getOpenAPI?serviceCode=taxpayer-debts');
    assert.equal(res.status, 200);
    assert.equal(res.json.openapi, '3.1.0');
    assert.ok(res.json.paths['/{pinfl}']);
    assertXRoadError(await call('/r1/DARCHA/GOV/tax-committee/soliq/getOpenAPI?serviceCode=nothing'), 'Server.ServerProxy.UnknownService', 500);
    assertXRoadError(await call('/r1/DARCHA/GOV/tax-committee/soliq/getOpenAPI'), 'Server.ServerProxy.InvalidRequest', 400);
  });
  test('listClients: members and subsystems, JSON or XML by Accept', async () => {
    const res = await fetch(`${x.gateways['digital-technologies']!.url}/listClients`, { headers: { accept: 'application/json' } });
    const body = await res.json() as any;
    assert.ok(body.member.some((m: any) => m.id.object_type === 'SUBSYSTEM' && m.id.member_code === 'tax-committee' && m.id.subsystem_code === 'soliq' && m.id.xroad_instance === 'DARCHA'));
    assert.ok(body.member.some((m: any) => m.id.object_type === 'MEMBER' && m.id.member_code === 'digital-technologies' && m.name));
    const xml = await (await fetch(`${x.gateways['digital-technologies']!.url}/listClients`)).text();
    assert.match(xml, /<ns2:clientList[^>]*><ns2:member><ns2:id ns1:objectType="MEMBER">/);
  });
});
