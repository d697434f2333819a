// The merchant endpoints the processors call. They answer in the processor's own terms, always
// with HTTP 200 (Payme: JSON-RPC errors; Click: a negative `error`), authenticate the caller by
// the processor's own means (Basic `Paycom:<key>`; Click's md5 signature) instead of a session or
// CSRF token, and read the body themselves, so that malformed input is answered the
// processor's way rather than with our problem pages.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Db } from '../platform/index.js';
import { ClickError, clickComplete, clickPrepare, type ClickFields } from './click.merchant.js';
import { PaymeCode, paymeAuthorized, paymeError, paymeMethod } from './payme.merchant.js';
import type { PaymentsSettings } from './payments-channel.js';

export const PAYME_PATH = '/payments/payme';
export const CLICK_PREPARE_PATH = '/payments/click/prepare';
export const CLICK_COMPLETE_PATH = '/payments/click/complete';

const MACHINE = { access: 'public', csrf: false } as const;

/** The request id of a JSON-RPC body, if it can be read, to echo in an error. */
function rpcId(body: unknown): unknown {
  try { return (JSON.parse(String(body)) as { id?: unknown })?.id ?? null; } catch { return null; }
}

/** Click's form fields; a field given twice becomes an array, which the checks refuse. */
function clickFields(request: FastifyRequest): ClickFields {
  const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const body = typeof request.body === 'string' ? request.body : '';
  if (type === 'application/json') {
    try {
      const parsed = JSON.parse(body) as unknown;
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as ClickFields : {};
    } catch { return {}; }
  }
  if (type !== 'application/x-www-form-urlencoded') return {};
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const had = fields[name];
    fields[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  return fields;
}

export function merchantRoutes(app: FastifyInstance, deps: { db: Db; settings: () => PaymentsSettings; log: Logger }): void {
  const { db, log } = deps;
  app.register(async (scope) => {
    // Bodies are read as text here and parsed by the handlers.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error: { statusCode?: number }, request, reply) => {
      if ((error.statusCode ?? 500) >= 500) log.error({ err: error, url: request.url }, 'merchant endpoint failed');
      if (request.url.startsWith(PAYME_PATH)) {
        return reply.code(200).send(paymeError(null, error.statusCode === 413 || error.statusCode === 400 ? PaymeCode.invalidRequest : PaymeCode.system));
      }
      return reply.code(200).send({ click_trans_id: null, merchant_trans_id: null, error: ClickError.badRequest, error_note: 'Error in request from click' });
    });

    scope.post(PAYME_PATH, { config: MACHINE, schema: { hide: true } }, async (request) => {
      const body = typeof request.body === 'string' ? request.body : '';
      if (!paymeAuthorized(request.headers.authorization, deps.settings().payme.key)) return paymeError(rpcId(body), PaymeCode.unauthorized);
      let parsed: unknown;
      try { parsed = JSON.parse(body); } catch { return paymeError(null, PaymeCode.parse); }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return paymeError(null, PaymeCode.invalidRequest);
      try {
        return await paymeMethod(db, parsed as Record<string, unknown>);
      } catch (error) {
        log.error({ err: error, method: (parsed as { method?: unknown }).method }, 'Payme method failed');
        return paymeError((parsed as { id?: unknown }).id, PaymeCode.system);
      }
    });
    // Payme's requests are POSTs; anything else is told so in its terms.
    scope.get(PAYME_PATH, { config: MACHINE, schema: { hide: true } }, async () => paymeError(null, PaymeCode.notPost));

    scope.post(CLICK_PREPARE_PATH, { config: MACHINE, schema: { hide: true } }, async (request) =>
      clickPrepare(db, deps.settings().click, clickFields(request)));
    scope.post(CLICK_COMPLETE_PATH, { config: MACHINE, schema: { hide: true } }, async (request) =>
      clickComplete(db, deps.settings().click, clickFields(request)));
  });
}
