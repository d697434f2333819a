import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { LOCALES, local, type Locale } from '../platform/index.js';
import { agencyNotFound, serviceNotFound } from './catalog.errors.js';
import { MAX_QUERY, type CatalogService, type CatalogSnapshot } from './catalog.service.js';
import { AUDIENCES, SERVICE_TYPES, type Agency, type Service } from './catalog.types.js';

// The catalog's JSON API (`/api/v1`). Texts come in the language of `lang`, else of
// Accept-Language; errors are RFC 9457 problems from the one error handler.

const Lang = Type.Optional(Type.Enum([...LOCALES], { description: 'Language of the texts: uz, oz (Uzbek Cyrillic), kaa, ru, en' }));
const Paging = {
  page: Type.Integer({ minimum: 1, maximum: 10000, default: 1 }),
  per_page: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
};
const Filters = {
  sphere: Type.Optional(Type.String({ maxLength: 80 })),
  agency: Type.Optional(Type.String({ maxLength: 80 })),
  audience: Type.Optional(Type.Enum([...AUDIENCES])),
  type: Type.Optional(Type.Enum([...SERVICE_TYPES])),
};
const ListQuery = Type.Object({ lang: Lang, ...Paging, ...Filters }, { additionalProperties: false });
const SearchQuery = Type.Object({ q: Type.String({ minLength: 1, maxLength: MAX_QUERY }), lang: Lang, ...Paging, ...Filters }, { additionalProperties: false });
const IdParams = Type.Object({ id: Type.String({ maxLength: 80 }) });
const LangQuery = Type.Object({ lang: Lang }, { additionalProperties: false });

const Ref = Type.Object({ id: Type.String(), name: Type.String() });
const ServiceSummary = Type.Object({
  id: Type.String(), name: Type.String(), summary: Type.String(), type: Type.String(), audience: Type.Array(Type.String()),
  sphere: Ref, agency: Ref, popularity: Type.Integer(), url: Type.String(),
});
const Money = Type.Object({ bhm: Type.Number(), amount_tiyin: Type.Integer(), online_amount_tiyin: Type.Integer(), online_discount_percent: Type.Number(), bhm_tiyin: Type.Integer(), bhm_valid_from: Type.String() });
const ServiceDetail = Type.Object({
  ...ServiceSummary.properties,
  channels: Type.Array(Type.String()),
  fee: Type.Union([Money, Type.Null()]),
  term: Type.Object({ days: Type.Integer(), kind: Type.String() }),
  documents: Type.Array(Type.String()),
  result: Type.String(),
  steps: Type.Array(Type.String()),
  legal_basis: Type.Array(Type.Object({ act: Type.String(), article: Type.Optional(Type.String()), url: Type.Optional(Type.String()) })),
});
const AgencyOut = Type.Object({
  id: Type.String(), name: Type.String(), parent: Type.Union([Ref, Type.Null()]), kind: Type.String(), region: Type.String(),
  address: Type.String(), phone: Type.String(), email: Type.String(), website: Type.Union([Type.String(), Type.Null()]),
  hours: Type.String(), services: Type.Integer(),
});
const PageOf = <T extends ReturnType<typeof Type.Object>>(item: T) => Type.Object({
  items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), per_page: Type.Integer(), pages: Type.Integer(),
});
const Problem = { $ref: 'Problem#' };
const errors = { 400: Problem, 404: Problem, 429: Problem };

function summary(s: Service, snap: CatalogSnapshot, l: Locale): Static<typeof ServiceSummary> {
  return {
    id: s.id, name: local(s.name, l), summary: local(s.summary, l), type: s.type, audience: s.audience,
    sphere: { id: s.sphereId, name: local(snap.sphere(s.sphereId)?.name, l) },
    agency: { id: s.agencyId, name: local(snap.agency(s.agencyId)?.name, l) },
    popularity: s.popularity, url: `/${l}/services/${s.id}`,
  };
}

function detail(s: Service, snap: CatalogSnapshot, l: Locale): Static<typeof ServiceDetail> {
  const fee = snap.fee(s);
  return {
    ...summary(s, snap, l),
    channels: s.channels,
    fee: fee ? { bhm: fee.bhm, amount_tiyin: fee.fullTiyin, online_amount_tiyin: fee.onlineTiyin, online_discount_percent: fee.discount, bhm_tiyin: fee.bhmTiyin, bhm_valid_from: fee.bhmFrom } : null,
    term: s.term,
    documents: s.documents.map((d) => local(d, l)),
    result: local(s.result, l),
    steps: s.steps.map((d) => local(d, l)),
    legal_basis: s.legalBasis.map((b) => ({ act: local(b.act, l), ...(b.article ? { article: b.article } : {}), ...(b.url ? { url: b.url } : {}) })),
  };
}

function agencyOut(a: Agency, snap: CatalogSnapshot, l: Locale): Static<typeof AgencyOut> {
  const parent = a.parentId ? snap.agency(a.parentId) : undefined;
  return {
    id: a.id, name: local(a.name, l), parent: parent ? { id: parent.id, name: local(parent.name, l) } : null, kind: a.kind,
    region: a.region, address: local(a.address, l), phone: a.phone, email: a.email, website: a.website, hours: local(a.hours, l),
    services: snap.countIn({ agency: a.id }),
  };
}

const paged = <T>(p: { items: T[]; total: number; page: number; perPage: number; pages: number }) =>
  ({ items: p.items, total: p.total, page: p.page, per_page: p.perPage, pages: p.pages });

export function catalogApi(app: FastifyInstance, catalog: CatalogService): void {
  const locale = (request: FastifyRequest) => request.locale;
  const tags = ['catalog'];

  app.get('/api/v1/spheres', {
    config: { access: 'public' },
    schema: { tags, summary: 'Spheres (categories) of services', querystring: LangQuery, response: { 200: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), icon: Type.String(), services: Type.Integer() })), ...errors } },
  }, async (request) => {
    const snap = catalog.snapshot;
    return snap.spheres.map((s) => ({ id: s.id, name: local(s.name, locale(request)), icon: s.icon, services: snap.countIn({ sphere: s.id }) }));
  });

  app.get<{ Querystring: Static<typeof ListQuery> }>('/api/v1/agencies', {
    config: { access: 'public' },
    schema: { tags, summary: 'Agencies that provide services', querystring: Type.Object({ lang: Lang, ...Paging }, { additionalProperties: false }), response: { 200: PageOf(AgencyOut), ...errors } },
  }, async (request) => {
    const snap = catalog.snapshot;
    const { page, per_page } = request.query;
    const items = snap.agencies.slice((page - 1) * per_page, page * per_page).map((a) => agencyOut(a, snap, locale(request)));
    return { items, total: snap.agencies.length, page, per_page, pages: Math.max(1, Math.ceil(snap.agencies.length / per_page)) };
  });

  app.get<{ Params: Static<typeof IdParams> }>('/api/v1/agencies/:id', {
    config: { access: 'public' },
    schema: { tags, summary: 'One agency', params: IdParams, querystring: LangQuery, response: { 200: AgencyOut, ...errors } },
  }, async (request) => {
    const snap = catalog.snapshot;
    const agency = snap.agency(request.params.id);
    if (!agency) throw agencyNotFound(request.params.id);
    return agencyOut(agency, snap, locale(request));
  });

  app.get<{ Querystring: Static<typeof ListQuery> }>('/api/v1/services', {
    config: { access: 'public' },
    schema: { tags, summary: 'Services, most used first, with filters', querystring: ListQuery, response: { 200: PageOf(ServiceSummary), ...errors } },
  }, async (request) => {
    const snap = catalog.snapshot;
    const { page, per_page, lang: _lang, ...filters } = request.query;
    const found = snap.find('', filters, page, per_page);
    return paged({ ...found, items: found.items.map((s) => summary(s, snap, locale(request))) });
  });

  app.get<{ Params: Static<typeof IdParams> }>('/api/v1/services/:id', {
    config: { access: 'public' },
    schema: { tags, summary: 'One service, with its fee, term, documents, steps and legal basis', params: IdParams, querystring: LangQuery, response: { 200: ServiceDetail, ...errors } },
  }, async (request) => {
    const snap = catalog.snapshot;
    const service = snap.service(request.params.id);
    if (!service) throw serviceNotFound(request.params.id);
    return detail(service, snap, locale(request));
  });

  app.get<{ Querystring: Static<typeof SearchQuery> }>('/api/v1/search', {
    config: { access: 'public' },
    schema: { tags, summary: 'Search services in any language or script, typos forgiven', querystring: SearchQuery, response: { 200: PageOf(ServiceSummary), ...errors } },
  }, async (request) => {
    const snap = catalog.snapshot;
    const { q, page, per_page, lang: _lang, ...filters } = request.query;
    const found = snap.find(q, filters, page, per_page);
    return paged({ ...found, items: found.items.map((s) => summary(s, snap, locale(request))) });
  });
}
