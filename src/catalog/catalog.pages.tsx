import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LOCALES, ValidationError, translator, type Locale } from '../platform/index.js';
import { PageCache, sendPage } from '../web/index.js';
import { agencyNotFound, serviceNotFound, sphereNotFound } from './catalog.errors.js';
import { cleanQuery, type CatalogService } from './catalog.service.js';
import type { Audience, ServiceType } from './catalog.types.js';
import { AgenciesPage, AgencyPage } from './views/agency.js';
import { HomePage } from './views/home.js';
import { SearchPage, searchHref, type SearchParams } from './views/search.js';
import { ServicePage } from './views/service.js';
import { SpherePage, SpheresPage } from './views/sphere.js';

const PER_PAGE = 20;

/**
 * The portal's catalog pages in each locale. Every page is rendered once per catalog
 * revision and then served from memory (with ETag and brotli), so a page view costs no
 * database query; the cache is emptied when the catalog changes.
 */
export function catalogPages(app: FastifyInstance, catalog: CatalogService): void {
  const cache = new PageCache();
  catalog.onChange(() => cache.clear());
  const ctx = (locale: Locale) => ({ locale, t: translator(locale), snap: catalog.snapshot });

  for (const l of LOCALES) {
    app.get(`/${l}/`, { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) =>
      sendPage(request, reply, cache.get(`${l}/`, () => <HomePage ctx={ctx(l)} />)));

    app.get(`/${l}/spheres`, { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) =>
      sendPage(request, reply, cache.get(`${l}/spheres`, () => <SpheresPage ctx={ctx(l)} />)));

    app.get<{ Params: { id: string } }>(`/${l}/spheres/:id`, { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
      const sphere = catalog.snapshot.sphere(request.params.id);
      if (!sphere) throw sphereNotFound(request.params.id);
      return sendPage(request, reply, cache.get(`${l}/spheres/${sphere.id}`, () => <SpherePage sphere={sphere} ctx={ctx(l)} />));
    });

    app.get(`/${l}/agencies`, { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) =>
      sendPage(request, reply, cache.get(`${l}/agencies`, () => <AgenciesPage ctx={ctx(l)} />)));

    app.get<{ Params: { id: string } }>(`/${l}/agencies/:id`, { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
      const agency = catalog.snapshot.agency(request.params.id);
      if (!agency) throw agencyNotFound(request.params.id);
      return sendPage(request, reply, cache.get(`${l}/agencies/${agency.id}`, () => <AgencyPage agency={agency} ctx={ctx(l)} />));
    });

    app.get<{ Params: { id: string } }>(`/${l}/services/:id`, { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
      const service = catalog.snapshot.service(request.params.id);
      if (!service) throw serviceNotFound(request.params.id);
      return sendPage(request, reply, cache.get(`${l}/services/${service.id}`, () => <ServicePage service={service} ctx={ctx(l)} />));
    });

    app.get(`/${l}/search`, { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
      const params = searchParams(request);
      const results = catalog.snapshot.find(params.q, params, params.page, PER_PAGE);
      if (params.page > results.pages) throw new ValidationError([{ pointer: '#/querystring/page', detail: translator(l)('validation.maximum', { limit: results.pages }) }]);
      return sendPage(request, reply, cache.get(searchHref(l, params, params.page), () => <SearchPage params={params} results={results} ctx={ctx(l)} />));
    });
  }
}

// Search pages take whatever a browser sends: empty filters are no filters, a bad page
// number is a clear error, unknown filter values are refused by the catalog.
function searchParams(request: FastifyRequest): SearchParams {
  const query = request.query as Record<string, unknown>;
  const text = (name: string) => (typeof query[name] === 'string' && query[name] ? (query[name] as string) : undefined);
  const pageText = text('page') ?? '1';
  if (!/^\d{1,5}$/.test(pageText) || Number(pageText) < 1) {
    throw new ValidationError([{ pointer: '#/querystring/page', detail: translator(request.locale)('validation.page') }]);
  }
  return {
    q: cleanQuery(text('q')),
    sphere: text('sphere'),
    agency: text('agency'),
    audience: text('audience') as Audience | undefined,
    type: text('type') as ServiceType | undefined,
    page: Number(pageText),
  };
}
