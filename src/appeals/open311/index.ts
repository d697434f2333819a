// Open311 GeoReport v2 at /open311/v2/ (issue #8): topics as services, appeals as service
// requests, in XML and JSON. Reads are open to anyone; filing needs a client's api_key.
// Spec: http://wiki.open311.org/GeoReport_v2 and its Service Discovery page.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CatalogSnapshot } from '../../catalog/index.js';
import { districtById, regionById } from '../../identity/index.js';
import { AppError, isLocale, t as translate, translator, type Db, type Locale } from '../../platform/index.js';
import type { AppealFilter, AppealState, AppealsApi, Topic } from '../types.js';
import { clientByKey } from './clients.js';
import { CONTENT_TYPE, FORMATS, parseW3cDate, renderErrors, renderList, renderObject, splitFormat, type Format, type Value } from './format.js';
import { fieldName, readFiling, readForm } from './post.js';
import { open311OfficeRoutes } from './office.js';
import { closedStates, day, openStates, requestView, serviceDefinition, serviceView, type Names } from './views.js';

export { issueClient, listClients, revokeClient, clientByKey } from './clients.js';

export interface Open311Deps {
  db: Db;
  appeals: AppealsApi;
  /** The platform's public address, for the discovery document. */
  publicUrl: string;
  /** Sphere and agency names (service groups, agency_responsible); ids are shown without it. */
  catalog?: () => CatalogSnapshot | undefined;
  /** POSTs per api_key per minute. */
  postsPerMinute?: number;
  now?: () => Date;
}

export const OPEN311_PREFIX = '/open311/v2';
/** When this API last changed, for the discovery document's changeset. */
const CHANGESET = new Date('2026-11-23T00:00:00Z');
/** The spec's default window and count for `requests` without dates. */
const WINDOW_DAYS = 90;
const MAX_REQUESTS = 1000;
const MAX_IDS = 100;
/** Our one jurisdiction: the country. */
const JURISDICTION = 'uz';

/** An answer in the spec's error format: status and one sentence per problem. */
class Open311Error extends Error {
  constructor(readonly status: number, readonly descriptions: string[]) { super(descriptions.join(' ')); }
}

const MACHINE = { access: 'public', csrf: false } as const;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The form of a POST, read once (the rate limit's key comes from it before the handler runs). */
const forms = new WeakMap<FastifyRequest, ReturnType<typeof readForm>>();
function formOf(request: FastifyRequest): ReturnType<typeof readForm> {
  let form = forms.get(request);
  if (!form) forms.set(request, form = readForm(typeof request.body === 'string' ? request.body : ''));
  return form;
}

/** The language asked for: `locale` in the query or the form, else the platform's choice (`lang`, cookie, Accept-Language, uz). */
function localeOf(request: FastifyRequest): Locale {
  const query = request.query as Record<string, unknown>;
  const asked = query.locale ?? (request.method === 'POST' ? formOf(request).fields.get('locale')?.[0] : undefined);
  return isLocale(asked) ? asked : request.locale;
}

const formatOf = (request: FastifyRequest): Format => (/\.json(?:\?|$)/.test(request.url) ? 'json' : 'xml');

function send(reply: FastifyReply, format: Format, status: number, body: string, cache = 'no-cache'): FastifyReply {
  return reply.code(status).header('content-type', CONTENT_TYPE[format]).header('cache-control', cache).header('vary', 'accept-language').send(body);
}

/** The API, and the administrator's page for its clients at /{l}/office/open311. */
export function open311Routes(app: FastifyInstance, deps: Open311Deps): void {
  const { db, appeals } = deps;
  open311OfficeRoutes(app, deps);
  const now = deps.now ?? (() => new Date());
  const names: Names = {
    sphere: (id) => deps.catalog?.()?.sphere(id)?.name,
    agency: (id) => deps.catalog?.()?.agency(id)?.name,
    district: (id) => districtById(id),
    region: (id) => regionById(id),
  };
  const topicOr404 = (code: string, l: Locale): Topic => {
    const topic = appeals.topic(code);
    if (!topic) throw new Open311Error(404, [translate(l, 'appeals.open311.error.service-not-found', { code })]);
    return topic;
  };
  const checkJurisdiction = (request: FastifyRequest, l: Locale) => {
    const query = request.query as Record<string, unknown>;
    const given = query.jurisdiction_id ?? (request.method === 'POST' ? formOf(request).fields.get('jurisdiction_id')?.[0] : undefined);
    if (given !== undefined && given !== '' && given !== JURISDICTION) {
      throw new Open311Error(404, [translate(l, 'appeals.open311.error.jurisdiction-unknown', { id: String(given), ours: JURISDICTION })]);
    }
  };

  // POSTs are limited per key, not per address: one client serves many people from one
  // address. One limiter for both formats (a route's own limit would count each apart); it
  // runs once the body is read, so the key comes from the form (no key: the address).
  const limitPosts = app.rateLimit({
    max: deps.postsPerMinute ?? 60, timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => `open311:${sha256(apiKeyOf(request) ?? request.ip)}`,
  });

  app.register(async (scope) => {
    // POST bodies are read as text: the spec's form, its raw bytes for the idempotency key,
    // and any other body answered in the spec's terms rather than with a problem document.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((raw: unknown, request, reply) => {
      const l = localeOf(request);
      const format = formatOf(request);
      if (raw instanceof Open311Error) return send(reply, format, raw.status, renderErrors(format, raw.status, raw.descriptions));
      const error = raw instanceof AppError ? raw : toError(raw);
      if (error.status >= 500) request.log.error({ err: raw }, 'open311 request failed');
      if (error.status === 429 && error.params.seconds) reply.header('retry-after', String(error.params.seconds));
      const descriptions = error.errors.length > 0
        ? error.errors.map((e) => { const field = fieldName(e.pointer); return field ? `${field}: ${e.detail}` : e.detail; })
        : [describe(l, error)];
      return send(reply, format, error.status, renderErrors(format, error.status, descriptions));
    });
    scope.setNotFoundHandler((request, reply) => {
      const format = formatOf(request);
      return send(reply, format, 404, renderErrors(format, 404, [translate(localeOf(request), 'appeals.open311.error.not-found')]));
    });

    for (const format of FORMATS) {
      scope.get(`/discovery.${format}`, { config: MACHINE, schema: { hide: true } }, async (request, reply) => {
        const t = translator(localeOf(request));
        return send(reply, format, 200, renderObject(format, 'discovery', {
          changeset: w3c(CHANGESET),
          contact: t('appeals.open311.discovery.contact'),
          key_service: t('appeals.open311.discovery.key-service'),
          endpoints: [{
            specification: 'http://wiki.open311.org/GeoReport_v2',
            url: `${deps.publicUrl.replace(/\/$/, '')}${OPEN311_PREFIX}`,
            changeset: w3c(CHANGESET),
            type: 'production',
            formats: ['text/xml', 'application/json'],
          }],
        }), 'public, max-age=300');
      });

      scope.get(`/services.${format}`, { config: MACHINE, schema: { hide: true } }, async (request, reply) => {
        const l = localeOf(request);
        checkJurisdiction(request, l);
        const t = translator(l);
        return send(reply, format, 200, renderList(format, 'services', 'service', appeals.topics().map((topic) => serviceView(topic, l, t, names))), 'public, max-age=300');
      });

      scope.get(`/requests.${format}`, { config: MACHINE, schema: { hide: true } }, async (request, reply) => {
        const l = localeOf(request);
        checkJurisdiction(request, l);
        const filter = requestFilter(request.query as Record<string, unknown>, l);
        const t = translator(l);
        const found = await appeals.list(filter);
        return send(reply, format, 200, renderList(format, 'service_requests', 'request', found.map((a) => requestView(a, appeals.topic(a.topicId), l, t, names))));
      });

      scope.post(`/requests.${format}`, { schema: { hide: true }, config: { ...MACHINE, rateLimit: false }, preHandler: limitPosts }, async (request, reply) => {
        const l = localeOf(request);
        const t = translator(l);
        const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (type !== 'application/x-www-form-urlencoded') throw new Open311Error(400, [t('appeals.open311.error.form-expected')]);
        checkJurisdiction(request, l);
        const key = apiKeyOf(request);
        const client = key ? await clientByKey(db, key) : undefined;
        if (!client) throw new Open311Error(403, [t(key ? 'appeals.open311.error.key-invalid' : 'appeals.open311.error.key-missing')]);
        const read = readFiling(formOf(request), t, { topic: (id) => appeals.topic(id), district: (id) => districtById(id) });
        if ('errors' in read) throw new Open311Error(400, read.errors);
        const { filing } = read;

        // A retried POST makes one appeal: the client's Idempotency-Key, else the body's hash.
        const header = request.headers['idempotency-key'];
        if (header !== undefined && (typeof header !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(header))) {
          throw new Open311Error(400, [t('appeals.open311.error.idempotency-key')]);
        }
        // The service keeps keys per client (clientId), so one client's key never meets another's.
        const idempotencyKey = header ?? sha256(String(request.body));
        const filed = await appeals.file({
          kind: filing.kind, topicId: filing.topicId, summary: filing.summary, body: filing.body, locale: l,
          author: { kind: 'external', name: filing.name ?? t('appeals.open311.anonymous', { client: client.name }), contact: filing.contact },
          channel: 'open311', place: filing.place, idempotencyKey, clientId: client.id,
        });
        return send(reply, format, 200, renderList(format, 'service_requests', 'request', [{
          service_request_id: filed.number,
          token: filed.token ?? undefined,
          service_notice: t('appeals.open311.notice.due', { number: filed.number, date: day(filed.dueAt, l) }),
          account_id: null,
        }]), 'no-store');
      });
    }

    scope.get<{ Params: { file: string } }>('/services/:file', { config: MACHINE, schema: { hide: true } }, async (request, reply) => {
      const { name, format } = fileOr404(request.params.file, request);
      const l = localeOf(request);
      checkJurisdiction(request, l);
      return send(reply, format, 200, renderObject(format, 'service_definition', serviceDefinition(topicOr404(name, l), translator(l))), 'public, max-age=300');
    });

    scope.get<{ Params: { file: string } }>('/requests/:file', { config: MACHINE, schema: { hide: true } }, async (request, reply) => {
      const { name, format } = fileOr404(request.params.file, request);
      const l = localeOf(request);
      checkJurisdiction(request, l);
      const appeal = await appeals.byNumber(name);
      if (!appeal) throw new Open311Error(404, [translate(l, 'appeals.open311.error.request-not-found', { id: name })]);
      return send(reply, format, 200, renderList(format, 'service_requests', 'request', [requestView(appeal, appeals.topic(appeal.topicId), l, translator(l), names)]));
    });

    scope.get<{ Params: { file: string } }>('/tokens/:file', { config: MACHINE, schema: { hide: true } }, async (request, reply) => {
      const { name, format } = fileOr404(request.params.file, request);
      const l = localeOf(request);
      checkJurisdiction(request, l);
      const appeal = name.length <= 200 ? await appeals.byToken(name) : undefined;
      if (!appeal) throw new Open311Error(404, [translate(l, 'appeals.open311.error.token-not-found')]);
      return send(reply, format, 200, renderList(format, 'service_requests', 'request', [{ service_request_id: appeal.number, token: name } satisfies Record<string, Value>]));
    });
  }, { prefix: OPEN311_PREFIX });

  /** The filters of GET requests, with the spec's defaults: the last 90 days, at most 1000. */
  function requestFilter(query: Record<string, unknown>, l: Locale): AppealFilter {
    const t = translator(l);
    const text = (name: string) => {
      const value = query[name];
      if (Array.isArray(value)) throw new Open311Error(400, [t('appeals.open311.error.field-twice', { name })]);
      return value === undefined || value === '' ? undefined : String(value);
    };
    const list = (name: string) => text(name)?.split(',').map((s) => s.trim()).filter(Boolean);
    const ids = list('service_request_id');
    // service_request_id overrides every other argument.
    if (ids) {
      if (ids.length > MAX_IDS) throw new Open311Error(400, [t('appeals.open311.error.too-many-ids', { max: MAX_IDS })]);
      return { numbers: ids, limit: ids.length };
    }
    const errors: string[] = [];
    const codes = list('service_code');
    for (const code of codes ?? []) if (!appeals.topic(code)) errors.push(t('appeals.open311.error.service-code-unknown', { code }));
    const statuses = list('status');
    const states: AppealState[] = [];
    for (const s of statuses ?? []) {
      if (s === 'open') states.push(...openStates);
      else if (s === 'closed') states.push(...closedStates);
      else errors.push(t('appeals.open311.error.status-invalid', { value: s }));
    }
    const date = (name: string, endOfDay: boolean) => {
      const value = text(name);
      if (value === undefined) return undefined;
      const parsed = parseW3cDate(value, endOfDay);
      if (!parsed) errors.push(t('appeals.open311.error.date-invalid', { name }));
      return parsed ?? null;
    };
    const start = date('start_date', false), end = date('end_date', true);
    if (errors.length > 0) throw new Open311Error(400, errors);
    const window = WINDOW_DAYS * 86_400_000;
    const to = end ?? (start ? new Date(start.getTime() + window) : now());
    const from = start ?? new Date(to.getTime() - window);
    if (from.getTime() > to.getTime()) throw new Open311Error(400, [t('appeals.open311.error.date-order')]);
    if (to.getTime() - from.getTime() > window) throw new Open311Error(400, [t('appeals.open311.error.date-span', { days: WINDOW_DAYS })]);
    return { from, to, limit: MAX_REQUESTS, ...(codes ? { topicIds: codes } : {}), ...(states.length > 0 ? { states: [...new Set(states)] } : {}) };
  }
}

function apiKeyOf(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown>;
  const key = formOf(request).fields.get('api_key')?.[0] ?? (typeof query.api_key === 'string' ? query.api_key : undefined);
  return key?.trim() || undefined;
}

function fileOr404(file: string, request: FastifyRequest): { name: string; format: Format } {
  const parsed = splitFormat(file);
  if (!parsed) throw new Open311Error(404, [translate(localeOf(request), 'appeals.open311.error.format')]);
  return parsed;
}

const w3c = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Fastify's own errors (body too large, a rate limit) as AppErrors; anything else is ours to fix. */
function toError(raw: unknown): AppError {
  const error = raw as { code?: string; statusCode?: number };
  if (error?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new AppError('payload-too-large', 413);
  if (error?.statusCode === 429) return new AppError('rate-limited', 429, { seconds: 60 });
  if (error?.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new AppError('bad-request', error.statusCode);
  return new AppError('internal', 500);
}

/** One sentence for an AppError: its detail in the catalogues, else its title. */
function describe(l: Locale, error: AppError): string {
  for (const key of [`errors.${error.code}.detail`, `errors.${error.code}.title`, `errors.${error.code}`]) {
    const text = translate(l, key, error.params);
    if (text !== key) return text;
  }
  return translate(l, 'errors.bad-request.detail');
}
