import type { FastifyInstance } from 'fastify';
import { fromRoot, type AppContext, type Module } from '../platform/index.js';
import { catalogApi } from './catalog.api.js';
import { importCatalog } from './catalog.import.js';
import { catalogPages } from './catalog.pages.js';
import { CatalogService } from './catalog.service.js';
import { countServices } from './catalog.store.js';
import { catalogMigrations } from './catalog.tables.js';
import { editorRoutes } from './editor/index.js';

export type { CatalogTables } from './catalog.tables.js';
export type * from './catalog.types.js';
export { CatalogService, CatalogSnapshot, cleanQuery, MAX_QUERY, type Fee } from './catalog.service.js';
export { importCatalog, readCatalog, CatalogImportError, formatProblem, type ImportProblem } from './catalog.import.js';
export { fillCyrillic } from './catalog.fill-cyrillic.js';
export { fold, latinToCyrillic, cyrillicToLatin, normaliseApostrophes } from './search/transliterate.js';
export { ServiceSearch, type SearchFilters, type SearchHit } from './search/search-index.js';

/** The demo catalog shipped in the repository. */
export const DEMO_CATALOG_DIR = fromRoot('demo', 'catalog');

/** The service catalog: spheres, agencies, services, search, its pages and API. */
export function catalogModule(): Module & { catalog?: CatalogService } {
  let catalog: CatalogService | undefined;
  return {
    name: 'catalog',
    migrations: catalogMigrations,
    async seed(ctx: AppContext) {
      if ((await countServices(ctx.db)) > 0) return false;
      const result = await importCatalog(ctx.db, DEMO_CATALOG_DIR);
      ctx.log.info(result, 'demo catalog imported');
      return true;
    },
    async start(ctx: AppContext) {
      catalog = new CatalogService(ctx.db, ctx.log);
      await catalog.reload();
      catalog.startPolling(ctx.config.CATALOG_POLL_MS);
    },
    routes(app: FastifyInstance, ctx: AppContext) {
      if (!catalog) throw new Error('catalog module routes registered before start');
      catalogApi(app, catalog);
      catalogPages(app, catalog);
      editorRoutes(app, { db: ctx.db, catalog });
    },
    async stop() { await catalog?.stop(); },
    ready: () => catalog?.loaded ?? false,
    get catalog() { return catalog; },
  };
}
