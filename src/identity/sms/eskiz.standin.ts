// A local stand-in of the Eskiz.uz SMS gateway (notify.eskiz.uz) for the demo and the tests.
// Paths, fields and success bodies follow Eskiz's published API: login → `{ message:
// 'token_generated', data: { token }, token_type: 'bearer' }`, send → `{ id, message: 'Waiting
// for SMS provider', status: 'waiting' }`, status_by_id → `{ status: 'success', data: {...} }`,
// delivery reports POSTed to callback_url. Error bodies are as Eskiz's client libraries handle
// them (the docs show none): 401 `{ status: 'token-invalid', message: 'Expired token' }` for an
// old token, `{ status: 'error', message }` otherwise. Messages are "delivered" at once and kept
// in memory; `/standin/messages` lets tests and the demo read what a phone was sent.
import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

export interface EskizStandinOptions {
  /** 0 or absent: any free port. */
  port?: number;
  /** The account's credentials; anything else is refused. */
  email: string;
  password: string;
  /** Sender names the account may use; default `['4546']`, Eskiz's shared one. */
  nicks?: string[];
  /** Token lifetime, default 30 days as at Eskiz. */
  tokenTtlMs?: number;
}

/** A message as the stand-in keeps it. */
export interface StandinMessage {
  /** The request id `send` answered (a UUID, as Eskiz's). */
  id: string;
  phone: string;
  message: string;
  from: string;
  status: 'DELIVERED';
  createdAt: string;
}

export interface EskizStandin {
  /** Base address (no trailing slash) to give `EskizSmsSender` as `url`. */
  url: string;
  close(): Promise<void>;
  /** What was sent, newest first; to one phone (`998XXXXXXXXX`) when given. */
  messages(phone?: string): StandinMessage[];
  /** Makes every issued token expired, as 30 days passing would. */
  expireTokens(): void;
}

const PHONE = /^998\d{9}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Starts the Eskiz stand-in on 127.0.0.1. Takes fields as multipart/form-data (what Eskiz
 * documents), urlencoded or JSON. Inspection: `GET /standin/messages?phone=998901234567` (JSON
 * list, newest first) and `DELETE /standin/messages`. Delivery reports go to loopback
 * callback_urls only. Logs nothing, so codes and passwords stay out of logs.
 */
export async function startEskizStandin(options: EskizStandinOptions): Promise<EskizStandin> {
  const nicks = options.nicks ?? ['4546'];
  const ttl = options.tokenTtlMs ?? 30 * 24 * 3600 * 1000;
  const tokens = new Map<string, number>(); // token → expiry (ms)
  let messages: StandinMessage[] = []; // newest first
  let nextId = 1;
  const numericIds = new Map<string, number>();

  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, async (request: FastifyRequest, body: Buffer) => {
    const form = await new Response(new Uint8Array(body), { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData();
    const fields: Record<string, string> = {};
    for (const [name, value] of form) if (typeof value === 'string') fields[name] = value;
    return fields;
  });
  app.setErrorHandler((error: { statusCode?: number }, _request, reply) =>
    reply.code(error.statusCode && error.statusCode < 500 ? 400 : 500).send({ status: 'error', message: error.statusCode && error.statusCode < 500 ? 'Bad request' : 'Server error' }));
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ status: 'error', message: 'Not found' }));

  const fields = (request: FastifyRequest): Record<string, unknown> =>
    typeof request.body === 'object' && request.body !== null ? request.body as Record<string, unknown> : {};
  const fail = (reply: FastifyReply, status: number, message: string) => reply.code(status).send({ status: 'error', message });
  const issue = () => {
    const token = randomBytes(32).toString('base64url');
    tokens.set(token, Date.now() + ttl);
    return { message: 'token_generated', data: { token }, token_type: 'bearer' };
  };
  /** The caller's token if it is live; otherwise answers 401 and gives undefined. */
  const authorise = (request: FastifyRequest, reply: FastifyReply): string | undefined => {
    const token = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const expires = token ? tokens.get(token) : undefined;
    if (token && expires !== undefined && expires > Date.now()) return token;
    void reply.code(401).send({ status: 'token-invalid', message: expires !== undefined ? 'Expired token' : 'Invalid token' });
    return undefined;
  };

  app.post('/api/auth/login', async (request, reply) => {
    const { email, password } = fields(request);
    if (typeof email !== 'string' || typeof password !== 'string' || !email || !password) return fail(reply, 400, 'email and password are required');
    if (email !== options.email || password !== options.password) return fail(reply, 401, 'Invalid credentials');
    return issue();
  });

  app.patch('/api/auth/refresh', async (request, reply) => {
    const token = authorise(request, reply);
    if (!token) return reply;
    tokens.delete(token);
    return issue();
  });

  app.get('/api/auth/user', async (request, reply) => {
    if (!authorise(request, reply)) return reply;
    return { status: 'success', data: { id: 1, name: 'Darcha demo', email: options.email, role: 'user', status: 'active', is_vip: false, balance: 100000 }, id: null };
  });

  app.post('/api/message/sms/send', async (request, reply) => {
    if (!authorise(request, reply)) return reply;
    const { mobile_phone: phone, message, from = '4546', callback_url: callback } = fields(request);
    if (typeof phone !== 'string' || !PHONE.test(phone)) return fail(reply, 400, 'mobile_phone: invalid phone number, expected 998XXXXXXXXX');
    if (typeof message !== 'string' || message.trim() === '') return fail(reply, 400, 'message is required');
    if (typeof from !== 'string' || !nicks.includes(from)) return fail(reply, 400, 'from: this nick is not assigned to the account');
    let callbackUrl: URL | undefined;
    if (callback !== undefined && callback !== '') {
      try { callbackUrl = new URL(String(callback)); } catch { return fail(reply, 400, 'callback_url: invalid URL'); }
      if (!/^https?:$/.test(callbackUrl.protocol)) return fail(reply, 400, 'callback_url: invalid URL');
    }
    const sent: StandinMessage = { id: randomUUID(), phone, message, from, status: 'DELIVERED', createdAt: new Date().toISOString() };
    messages.unshift(sent);
    numericIds.set(sent.id, nextId++);
    // The one outside call: never off this machine.
    if (callbackUrl && LOOPBACK.has(callbackUrl.hostname)) {
      const report = {
        request_id: sent.id, message_id: String(numericIds.get(sent.id)), user_sms_id: '', country: 'UZ', phone_number: phone,
        sms_count: '1', status: 'DELIVRD', status_date: sent.createdAt.slice(0, 19).replace('T', ' '),
      };
      fetch(callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report), signal: AbortSignal.timeout(2000) }).catch(() => {});
    }
    return { id: sent.id, message: 'Waiting for SMS provider', status: 'waiting' };
  });

  app.get<{ Params: { id: string } }>('/api/message/sms/status_by_id/:id', async (request, reply) => {
    if (!authorise(request, reply)) return reply;
    const { id } = request.params;
    const found = messages.find((m) => m.id === id || String(numericIds.get(m.id)) === id);
    if (!found) return fail(reply, 404, 'SMS not found');
    return {
      status: 'success', id: null,
      data: {
        id: numericIds.get(found.id), request_id: found.id, user_sms_id: null, to: found.phone, message: found.message, nick: found.from,
        is_ad: false, parts_count: 1, status: found.status, country_id: null, sent_at: found.createdAt, delivery_sm_at: found.createdAt,
        parts: { '0': { part_index: 0, accepted: true, dlr_state: 'DELIVRD', dlr_time: found.createdAt } },
      },
    };
  });

  app.get<{ Querystring: { phone?: string } }>('/standin/messages', async (request) => {
    const digits = request.query.phone?.replace(/\D/g, '');
    const phone = digits?.length === 9 ? `998${digits}` : digits;
    return phone ? messages.filter((m) => m.phone === phone) : messages;
  });
  app.delete('/standin/messages', async (_request, reply) => {
    messages = [];
    return reply.code(204).send();
  });

  const url = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  return {
    url,
    close: () => app.close(),
    messages: (phone?: string) => (phone ? messages.filter((m) => m.phone === phone) : [...messages]),
    expireTokens: () => { for (const token of tokens.keys()) tokens.set(token, 0); },
  };
}
