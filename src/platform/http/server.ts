import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type preHandlerAsyncHookHandler } from 'fastify';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { AppError, ValidationError } from '../errors.js';
import { DEFAULT_LOCALE, isLocale, localeFromAcceptLanguage, t, type Locale } from '../i18n.js';
import { sendProblem, toProblem, wantsProblem } from './problem.js';
import { metricsPlugin } from './metrics.js';
import { securityHeaders } from './security-headers.js';
import { addressLimit } from './address-limit.js';
import type { Access, AccessCheck, RouteEntry } from './access.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The user's language: URL prefix, then `lang` query, cookie, Accept-Language. */
    locale: Locale;
  }
  interface FastifyContextConfig {
    /** Set false on a route that takes no cookie-authenticated form (e.g. a signed callback). */
    csrf?: boolean;
    /** Who may call the route (see access.ts); every route says. */
    access?: Access;
  }
  interface FastifyReply {
    /**
     * The CSRF token for the forms of this response: one per response, however many forms
     * ask. (`generateCsrf` makes a new secret and cookie at each call when the request came
     * without one, and the browser keeps only the last cookie.)
     */
    csrfToken(): string;
  }
  interface FastifyInstance {
    /** Every route registered, with its access: the authorization test walks it. */
    routeTable: RouteEntry[];
    /** Set by the identity module; until then every protected route is refused. */
    checkAccess: AccessCheck;
  }
}

/** Renders a friendly error page; the web module supplies the real one. */
export type ErrorPageRenderer = (request: FastifyRequest, reply: FastifyReply, error: AppError) => FastifyReply | Promise<FastifyReply>;

const LOCALE_PREFIX = /^\/(uz|oz|kaa|ru|en)(?:[/?]|$)/;
const REQUEST_ID = /^[\w.-]{1,64}$/;
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// Request ids: a random prefix per process and a counter, unique across processes and
// restarts without a random UUID per request (a tenth of a cached page's own cost).
const ID_PREFIX = randomBytes(6).toString('base64url');
let requestCount = 0;
const nextRequestId = () => `${ID_PREFIX}-${(++requestCount).toString(36)}`;

export function localeOf(request: FastifyRequest): Locale {
  const prefix = LOCALE_PREFIX.exec(request.url)?.[1];
  if (prefix) return prefix as Locale;
  const lang = (request.query as Record<string, unknown> | undefined)?.lang;
  if (isLocale(lang)) return lang;
  const cookieLang = request.cookies?.lang;
  if (isLocale(cookieLang)) return cookieLang;
  return localeFromAcceptLanguage(request.headers['accept-language']) ?? DEFAULT_LOCALE;
}

/**
 * The HTTP server with what every route gets: request ids in the logs, security
 * headers, rate limits, CSRF checks on every unsafe form request, locale detection,
 * metrics, and one error handler that answers problems on the API and pages elsewhere.
 */
export async function createServer(config: Config, log: Logger, renderErrorPage: ErrorPageRenderer): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: log,
    // A request's logger (with its request id) is made when something is logged at an
    // enabled level, not for every request: at warn, a cached page logs nothing.
    childLoggerFactory: (logger, bindings, options) => lazyChild(logger as Logger, bindings, options as Parameters<Logger['child']>[1]),
    trustProxy: config.TRUST_PROXY,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : nextRequestId();
    },
    bodyLimit: 1024 * 1024,
    // Requests too malformed to reach a route (a 60 KB address, broken framing) still get
    // a short problem rather than a dropped connection.
    clientErrorHandler: (error, socket) => {
      const status = (error as { code?: string }).code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify({ type: '/problems/bad-request', title: status === 431 ? 'Request too large' : 'Bad request', status, code: 'bad-request', detail: status === 431 ? 'The address or headers are too long.' : 'The request could not be read.' });
      if (socket.writable) socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      else socket.destroy(error);
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('locale', DEFAULT_LOCALE);
  await app.register(cookie, { secret: config.cookieSecret });
  // First of all hooks after cookies, so that even a rate-limited answer has its headers and language.
  const headers = securityHeaders(config.production);
  const overLimit = addressLimit(config.RATE_LIMIT_PER_MINUTE);
  app.addHook('onRequest', (request, reply, done) => {
    const prefix = LOCALE_PREFIX.exec(request.url)?.[1] as Locale | undefined;
    request.locale = prefix ?? localeOf(request);
    reply.headers(headers).header('x-request-id', request.id);
    // Probes and metrics opt out (`rateLimit: false`): a scraper must see an overloaded server.
    const seconds = request.routeOptions.config.rateLimit === false ? 0 : overLimit(request.ip);
    if (seconds) return done(new AppError('rate-limited', 429, { seconds }));
    // The language in the URL is remembered, so that `/` brings the user back to it.
    if (prefix && request.cookies.lang !== prefix) {
      reply.setCookie('lang', prefix, { path: '/', maxAge: 365 * 24 * 3600, sameSite: 'lax', httpOnly: true, secure: config.production });
    }
    done();
  });
  await app.register(formbody);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    // A multipart form carries its token in the address: its body is read by the route, after the check.
    getToken: (request) => (request.body as { _csrf?: string } | undefined)?._csrf ?? (request.query as { _csrf?: string } | undefined)?._csrf ?? (request.headers['x-csrf-token'] as string | undefined) ?? '',
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: config.production, signed: true },
  });
  const csrfTokens = new WeakMap<FastifyReply, string>();
  app.decorateReply('csrfToken', function (this: FastifyReply) {
    let token = csrfTokens.get(this);
    if (token === undefined) csrfTokens.set(this, token = this.generateCsrf());
    return token;
  });
  // The plugin serves the routes with stricter limits of their own (sign-in, codes, uploads);
  // the limit of every address is `overLimit` above.
  await app.register(rateLimit, {
    global: false,
    // Limits are announced when reached (429 with Retry-After), not on every response.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (_request, context) => new AppError('rate-limited', 429, { seconds: Math.ceil(context.ttl / 1000) }),
  });
  await app.register(metricsPlugin);

  // Every route is recorded with its access. A protected route first checks who calls it;
  // every route that changes something checks the CSRF token, unless it opts out. The checks
  // are attached to those routes only, so public reads pay nothing for them.
  app.decorate('routeTable', [] as RouteEntry[]);
  app.decorate('checkAccess', (async () => { throw new AppError('forbidden', 403); }) as AccessCheck);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const access = route.config?.access;
    for (const method of methods) if (method !== 'HEAD') app.routeTable.push({ method, url: route.url, access });
    const checks: preHandlerAsyncHookHandler[] = [];
    if (access && access !== 'public') checks.push(function checkAccess(request, reply) { return app.checkAccess(request, reply, access); });
    if (methods.some((m) => UNSAFE.has(m)) && route.config?.csrf !== false) checks.push(app.csrfProtection as unknown as preHandlerAsyncHookHandler);
    if (checks.length === 0) return;
    const existing = route.preHandler ? (Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]) : [];
    route.preHandler = [...checks, ...existing];
  });

  app.setNotFoundHandler((request, reply) => handleError(new AppError('not-found', 404), request, reply));
  app.setErrorHandler((error: FastifyError, request, reply) => handleError(error, request, reply));

  function handleError(raw: unknown, request: FastifyRequest, reply: FastifyReply) {
    const error = toAppError(raw, request.locale);
    if (error.status >= 500) request.log.error({ err: raw }, 'request failed');
    if (error.status === 429 && error.params.seconds) reply.header('retry-after', String(error.params.seconds));
    if (wantsProblem(request)) return sendProblem(reply, toProblem(error, request.locale, request.url.split('?')[0] ?? '/'));
    return renderErrorPage(request, reply.code(error.status), error);
  }
  return app as unknown as FastifyInstance;
}

/** Maps anything thrown to an AppError: our own, Fastify's, or an unexpected failure. */
export function toAppError(raw: unknown, locale: Locale = DEFAULT_LOCALE): AppError {
  if (raw instanceof AppError) return raw;
  const error = raw as FastifyError;
  if (error?.validation) {
    const context = error.validationContext ?? 'request';
    return new ValidationError(error.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string }).missingProperty;
      return { pointer: `#/${context}${v.instancePath}${missing ? `/${missing}` : ''}`, detail: fieldMessage(locale, v.keyword, v.params) };
    }));
  }
  switch (error?.code) {
    case 'FST_CSRF_INVALID_TOKEN': case 'FST_CSRF_MISSING_SECRET': return new AppError('csrf', 403);
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return new AppError('payload-too-large', 413);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return new AppError('unsupported-media-type', 415);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': case 'FST_ERR_CTP_EMPTY_JSON_BODY': case 'FST_ERR_CTP_INVALID_JSON_BODY': return new AppError('bad-request', 400);
  }
  if (error?.statusCode === 429) return new AppError('rate-limited', 429, { seconds: 60 });
  if (error?.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new AppError('bad-request', error.statusCode);
  return new AppError('internal', 500);
}

const FIELD_KEYWORDS = new Set(['required', 'type', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'enum', 'const', 'format', 'additionalProperties', 'minItems', 'maxItems']);

/** Ajv's reasons, said in the user's language (`validation.<keyword>` in the catalogues). */
export function fieldMessage(locale: Locale, keyword: string, params: Record<string, unknown> = {}): string {
  const values = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
  return t(locale, `validation.${FIELD_KEYWORDS.has(keyword) ? keyword : 'invalid'}`, values);
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
const REAL = Symbol('real child logger');
const ARGS = Symbol('child logger arguments');
type Lazy = Logger & { [REAL]?: Logger; [ARGS]: Parameters<Logger['child']> };
const lazyPrototypes = new WeakMap<Logger, Logger>();

/**
 * A request's logger that becomes a pino child only when something is logged at an enabled
 * level: Fastify makes one for every request, and a cached page logs nothing. It inherits
 * the parent's properties; the methods that need the request's bindings build the child.
 * The methods live on one prototype per parent, so a request pays for one small object.
 */
function lazyChild(logger: Logger, bindings: Record<string, unknown>, options: Parameters<Logger['child']>[1]): Logger {
  let proto = lazyPrototypes.get(logger);
  if (!proto) {
    proto = Object.create(logger) as Logger;
    const real = (lazy: Lazy): Logger => (lazy[REAL] ??= logger.child(...lazy[ARGS]) as unknown as Logger);
    for (const level of LEVELS) {
      Object.defineProperty(proto, level, { value(this: Lazy, ...args: unknown[]) { if (this.isLevelEnabled(level)) (real(this)[level] as (...a: unknown[]) => void)(...args); } });
    }
    for (const method of ['child', 'bindings', 'setBindings'] as const) {
      Object.defineProperty(proto, method, { value(this: Lazy, ...args: unknown[]) { return (real(this)[method] as (...a: unknown[]) => unknown)(...args); } });
    }
    lazyPrototypes.set(logger, proto);
  }
  const lazy = Object.create(proto) as Lazy;
  lazy[ARGS] = [bindings, options];
  return lazy;
}

/**
 * Registers routes that take multipart forms (photos, attachments), read as streams by
 * their handlers. The multipart plugin adds hooks to every request of its scope, so it is
 * registered in a scope of its own rather than for the whole server; elsewhere a
 * multipart body is refused as an unsupported media type.
 */
export function withMultipart(app: FastifyInstance, routes: (scoped: FastifyInstance) => unknown): void {
  app.register(async (scoped) => {
    await scoped.register(multipart, { limits: { fileSize: 10 * 1024 * 1024, files: 10, fields: 50 } });
    routes(scoped as unknown as FastifyInstance);
  });
}
