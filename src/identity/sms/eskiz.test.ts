import assert from 'node:assert/strict';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { EskizSmsSender, SmsError, normalizePhone, startEskizStandin, type EskizStandin } from './index.js';

const email = 'darcha@example.uz';
const password = 'test-password-never-logged';
let standin: EskizStandin;

before(async () => { standin = await startEskizStandin({ email, password }); });
after(() => standin.close());
beforeEach(async () => { assert.equal((await fetch(`${standin.url}/standin/messages`, { method: 'DELETE' })).status, 204); });

const failsWith = (kind: string, reason?: string | RegExp) => (error: unknown) => {
  assert.ok(error instanceof SmsError, String(error));
  assert.equal(error.kind, kind);
  assert.equal(error.code, `sms.${kind}`);
  if (reason) assert.match(error.reason, typeof reason === 'string' ? new RegExp(`^${reason}$`) : reason);
  assert.doesNotMatch(`${error.message} ${error.reason}`, /test-password|\b\d{6}\b/);
  return true;
};

/** A plain HTTP server on loopback, for gateways that misbehave. */
async function listen(handler: RequestListener) {
  const server = createServer(handler).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const close = () => { server.closeAllConnections(); return new Promise((resolve) => server.close(resolve)); };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}

/** Counts requests per path on their way to the stand-in. */
async function countingProxy(target: string) {
  const counts: Record<string, number> = {};
  const server = await listen(async (request, response) => {
    const path = request.url ?? '/';
    counts[path] = (counts[path] ?? 0) + 1;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => ['content-type', 'authorization'].includes(name))) as Record<string, string>;
    const answer = await fetch(`${target}${path}`, { method: request.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(await answer.text());
  });
  return { ...server, counts };
}

test('phone numbers are normalised to 998XXXXXXXXX, anything else is refused', () => {
  for (const input of ['+998 90 123-45-67', '998901234567', '901234567', ' +998 (90) 123 45 67 ', '90-123-45-67']) assert.equal(normalizePhone(input), '998901234567', input);
  for (const input of ['', '12345', '+7 901 234 56 78', '+901234567', '8901234567', '99890123456', '9989012345678', '012345678', '99801234567x', 'nine-oh-one']) {
    assert.throws(() => normalizePhone(input), failsWith('invalid-phone'), input);
  }
});

test('a message sent through the adapter is read back from the stand-in, over HTTP and in process', async () => {
  const sms = new EskizSmsSender({ url: standin.url, email, password });
  const { id } = await sms.send('+998 90 123-45-67', 'Darcha: your sign-in code is 482913.');
  assert.match(id, /^[0-9a-f-]{36}$/);
  await sms.send('998911112233', 'Another person');
  const response = await fetch(`${standin.url}/standin/messages?phone=998901234567`);
  const list = await response.json() as { id: string; phone: string; message: string; from: string }[];
  assert.equal(list.length, 1);
  assert.deepEqual({ ...list[0], createdAt: undefined, status: undefined }, { id, phone: '998901234567', message: 'Darcha: your sign-in code is 482913.', from: '4546', createdAt: undefined, status: undefined });
  assert.equal(standin.messages().length, 2);
  assert.equal(standin.messages()[0].phone, '998911112233', 'newest first');
  assert.equal(await sms.status(id), 'DELIVERED');
});

test('wrong credentials are rejected, and the next call tries to log in again', async () => {
  const proxy = await countingProxy(standin.url);
  try {
    const sms = new EskizSmsSender({ url: proxy.url, email, password: 'wrong' });
    await assert.rejects(sms.send('901234567', 'x'), failsWith('rejected', 'Invalid credentials'));
    await assert.rejects(sms.send('901234567', 'x'), failsWith('rejected'));
    assert.equal(proxy.counts['/api/auth/login'], 2);
    assert.equal(proxy.counts['/api/message/sms/send'], undefined);
    assert.equal(standin.messages().length, 0);
  } finally { await proxy.close(); }
});

test('the token is reused; when it expires the adapter logs in once more and the message goes', async () => {
  const proxy = await countingProxy(standin.url);
  try {
    const sms = new EskizSmsSender({ url: proxy.url, email, password });
    await Promise.all([sms.send('901234567', 'one'), sms.send('901234567', 'two')]);
    await sms.send('901234567', 'three');
    assert.equal(proxy.counts['/api/auth/login'], 1, 'one login for concurrent and later sends');
    standin.expireTokens();
    await sms.send('901234567', 'four');
    assert.equal(proxy.counts['/api/auth/login'], 2);
    assert.equal(proxy.counts['/api/message/sms/send'], 5, 'the refused send was retried once');
    assert.deepEqual(standin.messages('998901234567').map((m) => m.message).slice(0, 2), ['four', 'three']);
  } finally { await proxy.close(); }
});

test('a 401 that persists after the new login is rejected, not retried forever', async () => {
  // A gateway that issues tokens but refuses every one of them.
  const server = await listen((request, response) => {
    const login = request.url === '/api/auth/login';
    response.writeHead(login ? 200 : 401, { 'content-type': 'application/json' })
      .end(JSON.stringify(login ? { message: 'token_generated', data: { token: 't' }, token_type: 'bearer' } : { status: 'token-invalid', message: 'Expired token' }));
  });
  try {
    await assert.rejects(new EskizSmsSender({ url: server.url, email, password }).send('901234567', 'x'), failsWith('rejected', 'Expired token'));
  } finally { await server.close(); }
});

test('an invalid phone is refused before any call; the stand-in refuses one sent raw, as Eskiz would', async () => {
  const proxy = await countingProxy(standin.url);
  try {
    await assert.rejects(new EskizSmsSender({ url: proxy.url, email, password }).send('+7 901 234 56 78', 'x'), failsWith('invalid-phone'));
    assert.deepEqual(proxy.counts, {});
  } finally { await proxy.close(); }

  const login = await (await fetch(`${standin.url}/api/auth/login`, { method: 'POST', body: new URLSearchParams({ email, password }) })).json() as { data: { token: string }; token_type: string };
  assert.equal(login.token_type, 'bearer');
  const raw = (fields: Record<string, string>) => fetch(`${standin.url}/api/message/sms/send`, {
    method: 'POST', headers: { authorization: `Bearer ${login.data.token}` }, body: new URLSearchParams(fields),
  });
  const bad = await raw({ mobile_phone: '+998901234567', message: 'x' });
  assert.equal(bad.status, 400);
  assert.match((await bad.json() as { message: string }).message, /mobile_phone/);
  assert.equal((await raw({ mobile_phone: '998901234567', message: '' })).status, 400);
  assert.equal((await raw({ mobile_phone: '998901234567', message: 'x', from: 'NotOurs' })).status, 400);
  assert.equal((await raw({ mobile_phone: '998901234567', message: 'x', callback_url: 'not a url' })).status, 400);
  const ok = await raw({ mobile_phone: '998901234567', message: 'x' });
  assert.deepEqual({ ...await ok.json() as object, id: 'id' }, { id: 'id', message: 'Waiting for SMS provider', status: 'waiting' });
  assert.equal((await fetch(`${standin.url}/api/message/sms/send`, { method: 'POST', body: new URLSearchParams({ mobile_phone: '998901234567', message: 'x' }) })).status, 401);
  assert.equal(standin.messages().length, 1);
});

test('a sender name the account does not own is rejected', async () => {
  await assert.rejects(new EskizSmsSender({ url: standin.url, email, password, from: 'Bank' }).send('901234567', 'x'), failsWith('rejected', /^from:/));
});

test('delivery reports are posted to a loopback callback_url', async () => {
  const reports: Record<string, string>[] = [];
  const receiver = await listen(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    reports.push(JSON.parse(body) as Record<string, string>);
    response.end('ok');
  });
  try {
    const { id } = await new EskizSmsSender({ url: standin.url, email, password, callbackUrl: `${receiver.url}/sms/report` }).send('901234567', 'x');
    for (let i = 0; i < 50 && reports.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(reports.length, 1);
    assert.equal(reports[0].request_id, id);
    assert.equal(reports[0].phone_number, '998901234567');
    assert.equal(reports[0].status, 'DELIVRD');
  } finally { await receiver.close(); }
});

test('a gateway that is down, silent or broken is unavailable, within the timeout', async () => {
  const gone = await startEskizStandin({ email, password });
  const url = gone.url;
  await gone.close();
  await assert.rejects(new EskizSmsSender({ url, email, password }).send('901234567', 'x'), failsWith('unavailable', 'network'));

  const silent = await listen(() => {});
  try {
    const started = Date.now();
    const slow = new EskizSmsSender({ url: silent.url, email, password, timeoutMs: 300 });
    await assert.rejects(slow.send('901234567', 'x'), failsWith('unavailable', 'timeout'));
    assert.ok(Date.now() - started < 1000, `${Date.now() - started} ms`);
  } finally { await silent.close(); }

  const broken = await listen((_request, response) => response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>'));
  try {
    await assert.rejects(new EskizSmsSender({ url: broken.url, email, password }).send('901234567', 'x'), failsWith('unavailable', 'HTTP 502'));
  } finally { await broken.close(); }
});

test('the stand-in refreshes tokens and answers status for unknown ids with 404', async () => {
  const login = await (await fetch(`${standin.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })).json() as { data: { token: string } };
  const refreshed = await fetch(`${standin.url}/api/auth/refresh`, { method: 'PATCH', headers: { authorization: `Bearer ${login.data.token}` } });
  const fresh = (await refreshed.json() as { data: { token: string } }).data.token;
  assert.notEqual(fresh, login.data.token);
  assert.equal((await fetch(`${standin.url}/api/auth/user`, { headers: { authorization: `Bearer ${fresh}` } })).status, 200);
  assert.equal((await fetch(`${standin.url}/api/auth/user`, { headers: { authorization: `Bearer ${login.data.token}` } })).status, 401);
  await assert.rejects(new EskizSmsSender({ url: standin.url, email, password }).status('no-such-id'), failsWith('rejected', 'SMS not found'));
});
