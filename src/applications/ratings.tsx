import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Type, type Static } from 'typebox';
import type { CatalogSnapshot } from '../catalog/index.js';
import { LOCALES, local, NotFoundError, translator, type Db } from '../platform/index.js';
import { Layout, renderPage, sendPage, SummaryList } from '../web/index.js';

export interface RatingSummary { average: number | null; count: number; stars: Record<'1' | '2' | '3' | '4' | '5', number> }

/** The average (one decimal) and count of a service's ratings, and how many gave each number of stars. */
export async function ratingsOf(db: Db, serviceId: string): Promise<RatingSummary> {
  const rows = await db.selectFrom('applications_rating').select(['stars', sql<number>`count(*)`.as('n')]).where('service_id', '=', serviceId).groupBy('stars').execute();
  const stars = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } as RatingSummary['stars'];
  let count = 0, sum = 0;
  for (const r of rows) { stars[String(r.stars) as keyof RatingSummary['stars']] = Number(r.n); count += Number(r.n); sum += Number(r.n) * r.stars; }
  return { average: count > 0 ? Math.round((sum / count) * 10) / 10 : null, count, stars };
}

const Params = Type.Object({ id: Type.String({ maxLength: 80 }) });
const Ratings = Type.Object({
  service: Type.String(), average: Type.Union([Type.Number(), Type.Null()]), count: Type.Integer(),
  stars: Type.Object({ 1: Type.Integer(), 2: Type.Integer(), 3: Type.Integer(), 4: Type.Integer(), 5: Type.Integer() }),
});

/**
 * The ratings citizens gave a service after their applications were decided: an API for
 * anyone, and a small public page. The catalog's service page is cached per revision, so
 * it links here rather than showing figures that change with every rating.
 */
export function ratingRoutes(app: FastifyInstance, deps: { db: Db; catalog: () => CatalogSnapshot | undefined }): void {
  app.get<{ Params: Static<typeof Params> }>('/api/v1/services/:id/ratings', {
    config: { access: 'public' },
    schema: {
      tags: ['services'], summary: "A service's ratings: average (1–5), count, and how many gave each number of stars",
      params: Params, response: { 200: Ratings, 404: { $ref: 'Problem#' } },
    },
  }, async (request, reply) => {
    const service = deps.catalog()?.service(request.params.id);
    if (!service) throw new NotFoundError('catalog.service-not-found', { id: request.params.id });
    reply.header('cache-control', 'public, max-age=60');
    return { service: service.id, ...(await ratingsOf(deps.db, service.id)) };
  });

  for (const l of LOCALES) {
    const t = translator(l);
    app.get<{ Params: Static<typeof Params> }>(`/${l}/services/:id/ratings`, { schema: { hide: true, params: Params }, config: { access: 'public' } }, async (request, reply) => {
      const service = deps.catalog()?.service(request.params.id);
      if (!service) throw new NotFoundError('catalog.service-not-found', { id: request.params.id });
      const summary = await ratingsOf(deps.db, service.id);
      const name = local(service.name, l);
      const title = t('applications.ratings.title', { service: name });
      return sendPage(request, reply.header('cache-control', 'public, max-age=60'), renderPage(
        <Layout locale={l} t={t} title={title} path={`/services/${service.id}/ratings`}
          breadcrumbs={[{ href: `/${l}/`, label: t('nav.home') }, { href: `/${l}/services/${service.id}`, label: name }, { label: t('applications.ratings.short') }]}>
          <h1>{title}</h1>
          {summary.count === 0 ? <p>{t('applications.ratings.none')}</p> : <>
            <p class="lead">{t('applications.ratings.average', { average: summary.average!.toFixed(1), count: summary.count })}</p>
            <SummaryList rows={(['5', '4', '3', '2', '1'] as const).map((s) => [t('applications.cabinet.star', { count: Number(s) }), String(summary.stars[s])])} />
          </>}
          <p><a href={`/${l}/services/${service.id}`}>{t('applications.ratings.back')}</a></p>
        </Layout>,
      ));
    });
  }
}
