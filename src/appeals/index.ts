// Appeals (issue #8): the registry of statements, proposals and complaints to every agency,
// routed by topic and place, with legal terms, reminders and escalation; its pages, the
// Open311 API and the heads' analytics are registered here.
import type { FastifyInstance } from 'fastify';
import type { CatalogSnapshot } from '../catalog/index.js';
import { startPoller, type AppContext, type Module, type Poller } from '../platform/index.js';
import { appealsMigrations, type AppealsTables as CoreTables } from './appeals.tables.js';
import { analyticsMigrations, analyticsRoutes, foldChanges, type AnalyticsTables } from './analytics/index.js';
import { appealPages } from './pages/index.js';
import { open311Routes } from './open311/index.js';
import { seedAppeals } from './seed.js';
import { AppealService, type AnswerSigner } from './service.js';
import { readTerms, type TermsBook } from './terms.js';
import { readTopics } from './topics.js';
import type { AppealsApi } from './types.js';

export type { AuthorContact } from './appeals.tables.js';
/** The registry's tables and the analytics' rollups, for the database type. */
export type AppealsTables = CoreTables & AnalyticsTables;
export * from './types.js';
export { AppealService, type AnswerSigner } from './service.js';
export { LIMITS, ATTACHMENT_TYPES, checkFiling } from './filing.js';
export { readTopics, TOPICS_FILE } from './topics.js';
export { readTerms, TermsBook, TERMS_FILE } from './terms.js';
export { inUzbekistan, nearestDistrict, DISTRICT_CENTRES, UZBEKISTAN, type DistrictCentre } from './geo.js';
export { issueClient, revokeClient } from './open311/index.js';
export { APPEALS_UNIT, hokimiyatOf, regionOfHokimiyat, mayHandle, routeOf, higherBody } from './routing.js';

export interface AppealsDeps {
  /** The published catalog: agencies (forwarding, parents for complaints) and spheres. */
  catalog: () => CatalogSnapshot | undefined;
  /** Signs the answer as a document with a QR code to /verify. */
  documents?: AnswerSigner;
  /** The clock (tests move it). */
  now?: () => Date;
  /** How often the deadline poller runs (default every minute). */
  pollMs?: number;
}

export interface AppealsModule extends Module {
  readonly service: AppealsApi;
  readonly terms: TermsBook;
}

export function appealsModule(deps: AppealsDeps): AppealsModule {
  const now = deps.now ?? (() => new Date());
  let service: AppealService | undefined;
  let terms: TermsBook | undefined;
  let poller: Poller | undefined;
  return {
    name: 'appeals',
    migrations: { ...appealsMigrations, ...analyticsMigrations },
    get service() {
      if (!service) throw new Error('appeals module used before start');
      return service;
    },
    get terms() {
      if (!terms) throw new Error('appeals module used before start');
      return terms;
    },
    seed: (ctx: AppContext) => seedAppeals(ctx.db, { now: now() }),
    async start(ctx: AppContext) {
      const snapshot = deps.catalog();
      const known = snapshot ? { spheres: snapshot.spheres.map((s) => s.id), agencies: snapshot.agencies.map((a) => a.id) } : undefined;
      const topics = readTopics(undefined, known);
      terms = readTerms(undefined, known?.agencies);
      service = new AppealService({ db: ctx.db, log: ctx.log, catalog: deps.catalog, topics, terms, documents: deps.documents, now });
      const s = service;
      // The rollups are folded on every dashboard read too; folding here keeps the change log short when nobody looks.
      poller = startPoller(async () => { await s.pollDeadlines(now()); await foldChanges(ctx.db); }, deps.pollMs ?? 60_000, (error) => ctx.log.error({ err: error }, 'appeals: deadline poll failed'));
    },
    async stop() { await poller?.stop(); },
    routes(app: FastifyInstance, ctx: AppContext) {
      if (!service) throw new Error('appeals routes registered before start');
      appealPages(app, { db: ctx.db, appeals: service, catalog: deps.catalog, now });
      open311Routes(app, { db: ctx.db, appeals: service, publicUrl: ctx.config.publicUrl, catalog: deps.catalog, now });
      const s = service;
      analyticsRoutes(app, { db: ctx.db, catalog: deps.catalog, now, topics: () => s.topics() });
    },
  };
}
