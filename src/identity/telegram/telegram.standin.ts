// A local stand-in of the Telegram Bot API (api.telegram.org) for the demo and the tests.
// Paths and bodies follow the Bot API: `/bot<token>/<method>`, parameters as JSON, urlencoded
// form or query string; answers `{ ok: true, result }` or `{ ok: false, error_code,
// description }` with the same HTTP status (401 Unauthorized for a wrong token, 404 for an
// unknown method, 400 for bad parameters). It keeps what the bot sent, in memory:
// `GET /standin/messages?chat_id=` lists it, newest first. `POST /standin/updates` plays a
// Telegram user writing to the bot: it posts an Update to the webhook set with setWebhook,
// with its secret token, as Telegram would.
import { randomInt } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

export interface TelegramStandinOptions {
  /** 0 or absent: any free port. */
  port?: number;
  /** The bot's token; calls with any other are refused. */
  token: string;
  /** The bot's username (without @). */
  username: string;
}

/** A message the bot sent, as the stand-in keeps it. */
export interface StandinTelegramMessage { message_id: number; chat_id: string; text: string; date: number }

export interface TelegramStandin {
  /** Base address (no trailing slash) to give `TelegramBot` as `apiUrl`. */
  url: string;
  close(): Promise<void>;
  /** What the bot sent, newest first; to one chat when given. */
  messages(chatId?: string | number): StandinTelegramMessage[];
  /** The webhook set with setWebhook, if any. */
  webhook(): { url: string; secretToken: string } | undefined;
}

const CHAT_ID = /^-?\d{1,16}$/;

export async function startTelegramStandin(options: TelegramStandinOptions): Promise<TelegramStandin> {
  const botId = Number(options.token.split(':')[0]) || 1;
  let messages: StandinTelegramMessage[] = [];
  let nextMessageId = 1;
  let nextUpdateId = randomInt(1, 1_000_000);
  let hook: { url: string; secretToken: string } | undefined;

  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? 400 : 500;
    return reply.code(status).send({ ok: false, error_code: status, description: status === 400 ? 'Bad Request: invalid request' : 'Internal Server Error' });
  });

  const fail = (reply: FastifyReply, status: number, description: string) => reply.code(status).send({ ok: false, error_code: status, description });
  const params = (request: FastifyRequest): Record<string, unknown> => ({
    ...(request.query as Record<string, unknown>),
    ...(typeof request.body === 'object' && request.body !== null ? request.body as Record<string, unknown> : {}),
  });
  const now = () => Math.floor(Date.now() / 1000);
  const me = { id: botId, is_bot: true, first_name: 'Darcha', username: options.username, can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false };

  const methods: Record<string, (p: Record<string, unknown>, reply: FastifyReply) => unknown> = {
    getme: () => me,
    sendmessage: (p, reply) => {
      const chatId = String(p.chat_id ?? '');
      if (!CHAT_ID.test(chatId)) return fail(reply, 400, 'Bad Request: chat not found');
      if (typeof p.text !== 'string' || p.text.trim() === '') return fail(reply, 400, 'Bad Request: message text is empty');
      if (p.text.length > 4096) return fail(reply, 400, 'Bad Request: message is too long');
      const sent = { message_id: nextMessageId++, chat_id: chatId, text: p.text, date: now() };
      messages.unshift(sent);
      return { message_id: sent.message_id, from: { id: me.id, is_bot: true, first_name: me.first_name, username: me.username }, chat: { id: Number(chatId), type: 'private' }, date: sent.date, text: sent.text };
    },
    setwebhook: (p, reply) => {
      if (typeof p.url !== 'string' || p.url === '') { hook = undefined; return true; }
      if (!/^https?:\/\//.test(p.url)) return fail(reply, 400, 'Bad Request: bad webhook: invalid webhook URL specified');
      if (p.secret_token !== undefined && (typeof p.secret_token !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(p.secret_token))) {
        return fail(reply, 400, 'Bad Request: bad webhook: secret token contains unallowed characters');
      }
      hook = { url: p.url, secretToken: typeof p.secret_token === 'string' ? p.secret_token : '' };
      return true;
    },
    deletewebhook: () => { hook = undefined; return true; },
    getwebhookinfo: () => ({ url: hook?.url ?? '', has_custom_certificate: false, pending_update_count: 0 }),
  };

  app.get<{ Querystring: { chat_id?: string } }>('/standin/messages', async (request) => {
    const chatId = request.query.chat_id;
    return chatId ? messages.filter((m) => m.chat_id === chatId) : messages;
  });
  app.delete('/standin/messages', async (_request, reply) => {
    messages = [];
    return reply.code(204).send();
  });
  // A person writes to the bot: the Update goes to the webhook as Telegram would send it.
  app.post('/standin/updates', async (request, reply) => {
    const p = params(request);
    const chatId = Number(p.chat_id);
    if (!Number.isSafeInteger(chatId) || typeof p.text !== 'string' || p.text === '') return fail(reply, 400, 'Bad Request: chat_id and text are required');
    if (!hook) return fail(reply, 409, 'Conflict: no webhook is set');
    const from = { id: chatId, is_bot: false, first_name: typeof p.first_name === 'string' ? p.first_name : 'Demo', language_code: typeof p.language_code === 'string' ? p.language_code : 'en' };
    const update = { update_id: nextUpdateId++, message: { message_id: nextMessageId++, date: now(), chat: { id: chatId, type: 'private', first_name: from.first_name }, from, text: p.text } };
    try {
      const answer = await fetch(hook.url, {
        method: 'POST', headers: { 'content-type': 'application/json', ...(hook.secretToken ? { 'x-telegram-bot-api-secret-token': hook.secretToken } : {}) },
        body: JSON.stringify(update), signal: AbortSignal.timeout(5000),
      });
      await answer.arrayBuffer();
      return { ok: true, result: { update_id: update.update_id, webhook_status: answer.status } };
    } catch {
      return fail(reply, 502, 'Bad Gateway: the webhook did not answer');
    }
  });

  app.route({
    method: ['GET', 'POST'], url: '/*',
    handler: async (request, reply) => {
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url.split('?')[0] ?? '');
      if (!match) return fail(reply, 404, 'Not Found');
      if (decodeURIComponent(match[1]!) !== options.token) return fail(reply, 401, 'Unauthorized');
      const method = methods[match[2]!.toLowerCase()];
      if (!method) return fail(reply, 404, 'Not Found: method not found');
      const result = method(params(request), reply);
      return reply.sent ? reply : { ok: true, result };
    },
  });

  const url = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  return {
    url,
    close: () => app.close(),
    messages: (chatId?: string | number) => (chatId === undefined ? [...messages] : messages.filter((m) => m.chat_id === String(chatId))),
    webhook: () => hook,
  };
}
