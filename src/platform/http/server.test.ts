import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { createLogger } from '../log.js';
import { createServer } from './server.js';

async function server(env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = loadConfig({ DATA_DIR: '/tmp/darcha-server-test', LOG_LEVEL: 'silent', ...env });
  const app = await createServer(config, createLogger('silent'), (request, reply, error) =>
    reply.type('text/html').send(`<h1>${error.code}</h1><p lang="${request.locale}">page</p>`));
  app.get('/api/v1/echo', { schema: { querystring: Type.Object({ n: Type.Integer({ maximum: 10 }) }) } }, async (request) => request.query);
  app.get('/api/v1/boom', async () => { throw new Error('secret internals'); });
  app.get('/api/v1/gone', async () => { throw new AppError('not-found', 404); });
  app.get('/ru/form', async (_request, reply) => ({ token: reply.csrfToken() }));
  app.post('/ru/form', async (request) => ({ saved: (request.body as { name?: string }).name }));
  await app.ready();
  return app;
}

test('security headers: CSP without inline script, no framing, nosniff; HSTS only in production', async () => {
  const app = await server();
  const res = await app.inject({ url: '/api/v1/echo?n=1' });
  assert.match(res.headers['content-security-policy'] as string, /default-src 'self'(;|$)/);
  assert.doesNotMatch(res.headers['content-security-policy'] as string, /script-src/, 'scripts fall back to default-src');
  assert.doesNotMatch(res.headers['content-security-policy'] as string, /unsafe-inline/);
  assert.match(res.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['strict-transport-security'], undefined);
  const prod = await server({ NODE_ENV: 'production', COOKIE_SECRET: 'x'.repeat(40), PUBLIC_URL: 'https://darcha.example.uz', SMS_GATEWAY_URL: 'https://notify.eskiz.uz' });
  assert.match((await prod.inject({ url: '/api/v1/echo?n=1' })).headers['strict-transport-security'] as string, /max-age=31536000/);
});

test('every response carries a request id; a sane given one is kept', async () => {
  const app = await server();
  assert.match((await app.inject({ url: '/api/v1/echo?n=1' })).headers['x-request-id'] as string, /^[\w-]{8}-[0-9a-z]+$/);
  assert.equal((await app.inject({ url: '/api/v1/echo?n=1', headers: { 'x-request-id': 'abc-123' } })).headers['x-request-id'], 'abc-123');
  assert.notEqual((await app.inject({ url: '/api/v1/echo?n=1', headers: { 'x-request-id': '<script>' } })).headers['x-request-id'], '<script>');
});

test('API errors are RFC 9457 problems in the language asked for', async () => {
  const app = await server();
  const invalid = await app.inject({ url: '/api/v1/echo?n=99&lang=ru' });
  assert.equal(invalid.statusCode, 400);
  assert.match(invalid.headers['content-type'] as string, /^application\/problem\+json/);
  const problem = invalid.json();
  assert.equal(problem.code, 'validation');
  assert.equal(problem.status, 400);
  assert.equal(problem.instance, '/api/v1/echo');
  assert.equal(problem.errors[0].pointer, '#/querystring/n');
  assert.match(problem.errors[0].detail, /10/);
  assert.notEqual(problem.title, 'errors.validation.title');

  const en = (await app.inject({ url: '/api/v1/gone', headers: { 'accept-language': 'en' } })).json();
  assert.equal(en.title, 'Page not found');

  const boom = await app.inject({ url: '/api/v1/boom' });
  assert.equal(boom.statusCode, 500);
  assert.doesNotMatch(boom.body, /secret internals/);

  const missing = await app.inject({ url: '/api/v1/nothing-here' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().code, 'not-found');
});

test('pages get a friendly page in the language of the URL', async () => {
  const app = await server();
  const res = await app.inject({ url: '/ru/nothing-here', headers: { accept: 'text/html' } });
  assert.equal(res.statusCode, 404);
  assert.match(res.headers['content-type'] as string, /text\/html/);
  assert.match(res.body, /lang="ru"/);
});

test('a form post without its CSRF token is refused, with it accepted', async () => {
  const app = await server();
  const refused = await app.inject({ method: 'POST', url: '/ru/form', payload: { name: 'x' }, headers: { accept: 'text/html' } });
  assert.equal(refused.statusCode, 403);
  assert.match(refused.body, /csrf/);

  const form = await app.inject({ url: '/ru/form' });
  const cookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const accepted = await app.inject({
    method: 'POST', url: '/ru/form', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: `name=Ali&_csrf=${encodeURIComponent(form.json().token)}`,
  });
  assert.equal(accepted.statusCode, 200);
  assert.deepEqual(accepted.json(), { saved: 'Ali' });
});

test('too many requests get 429 with Retry-After', async () => {
  const app = await server({ RATE_LIMIT_PER_MINUTE: '3' });
  const codes = [];
  for (let i = 0; i < 4; i++) codes.push((await app.inject({ url: '/api/v1/echo?n=1' })).statusCode);
  assert.deepEqual(codes, [200, 200, 200, 429]);
  const limited = await app.inject({ url: '/api/v1/echo?n=1' });
  assert.equal(limited.json().code, 'rate-limited');
  assert.ok(Number(limited.headers['retry-after']) > 0);
  assert.ok(limited.headers['content-security-policy'], 'a refused request still has its security headers');
  // Probes and metrics are never limited: a scraper must see an overloaded server.
  for (let i = 0; i < 5; i++) assert.equal((await app.inject({ url: '/metrics' })).statusCode, 200);
});

test('oversized and malformed bodies are clear 4xx problems', async () => {
  const app = await server();
  const big = await app.inject({ method: 'POST', url: '/ru/form', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }) });
  assert.equal(big.statusCode, 413);
  const odd = await app.inject({ method: 'POST', url: '/ru/form', headers: { 'content-type': 'application/x-unknown' }, payload: 'x' });
  assert.equal(odd.statusCode, 415);
});

test('a request logs with its request id, and nothing is logged for a quiet request', async () => {
  const lines: string[] = [];
  const { pino } = await import('pino');
  const log = pino({ level: 'info' }, { write: (line: string) => { lines.push(line); } });
  const config = loadConfig({ DATA_DIR: '/tmp/darcha-server-test', LOG_LEVEL: 'info' });
  const app = await createServer(config, log, (_request, reply) => reply.send('page'));
  app.get('/api/v1/hello', async (request) => { request.log.warn({ what: 'something' }, 'noted'); return { ok: true }; });
  await app.ready();
  await app.inject({ url: '/api/v1/hello', headers: { 'x-request-id': 'req-42' } });
  const noted = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'noted');
  assert.equal(noted?.reqId, 'req-42');
  const quietLines: string[] = [];
  const quietLog = pino({ level: 'warn' }, { write: (l: string) => { quietLines.push(l); } });
  const quiet = await createServer(loadConfig({ DATA_DIR: '/tmp/darcha-server-test', LOG_LEVEL: 'warn' }), quietLog, (_r, reply) => reply.send('page'));
  quiet.get('/api/v1/quiet', async () => ({ ok: true }));
  quiet.get('/api/v1/loud', async (request) => { request.log.warn('loud'); return { ok: true }; });
  await quiet.ready();
  // A request's own logger is built only when it logs: a quiet request makes no pino child.
  let children = 0;
  const child = quietLog.child.bind(quietLog);
  quietLog.child = ((...args: Parameters<typeof child>) => { children++; return child(...args); }) as typeof quietLog.child;
  await quiet.inject({ url: '/api/v1/quiet' });
  assert.deepEqual(quietLines, []);
  assert.equal(children, 0);
  await quiet.inject({ url: '/api/v1/loud', headers: { 'x-request-id': 'req-43' } });
  assert.equal(children, 1);
  assert.equal(JSON.parse(quietLines[0]!).reqId, 'req-43');
});
