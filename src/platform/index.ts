// What other modules may use of the platform.
export { loadConfig, ConfigError, type Config } from './config.js';
export { ROOT, fromRoot } from './paths.js';
export { openDatabase, type Db, type Database } from './db/database.js';
export { migrateToLatest, migrationsDone, type Migrations } from './db/migrate.js';
export type { Schema } from './db/schema.js';
export { createLogger } from './log.js';
export { AppError, NotFoundError, ValidationError, type FieldError, type PlatformErrorCode } from './errors.js';
export {
  t, translator, formatNumber, local, isLocale, localeFromAcceptLanguage, loadCatalogues,
  LOCALES, LOCALE_INFO, DEFAULT_LOCALE, type Locale, type LocalText, type Translate, type Params,
} from './i18n.js';
export { startPoller, type Poller } from './poller.js';
export { enqueue, OutboxDispatcher, outboxMigrations, type OutboxHandler } from './outbox.js';
export { createServer, toAppError, fieldMessage, withMultipart, type ErrorPageRenderer } from './http/server.js';
export { toProblem, wantsProblem, sendProblem, type Problem } from './http/problem.js';
export { metrics } from './http/metrics.js';
export type { AppContext, Module } from './module.js';
export { opsRoutes, ProblemSchema } from './http/ops.js';
export { ACCESS_LEVELS, type Access, type AccessCheck, type RouteEntry } from './http/access.js';
