import type { FastifyInstance } from 'fastify';
import { DEFAULT_LOCALE, isLocale, type Module } from '../platform/index.js';
import { assetRoutes } from './assets.js';

export { Layout, type PageProps } from './layout.js';
export { OfficeLayout, type OfficePageProps } from './office-layout.js';
export * from './components.js';
export { renderPage, sendPage, PageCache, type RenderedPage } from './html.js';
export { renderErrorPage } from './errors.js';
export { assetUrl } from './assets.js';
export { apiDocsRoutes } from './api-docs.js';

/** Layout, assets, the language choice and the pages that belong to no other module. */
export const webModule: Module = {
  name: 'web',
  routes(app: FastifyInstance) {
    assetRoutes(app);

    app.get('/', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
      reply.header('vary', 'accept-language, cookie').header('cache-control', 'no-store');
      return reply.redirect(`/${isLocale(request.locale) ? request.locale : DEFAULT_LOCALE}/`, 302);
    });

  },
};

