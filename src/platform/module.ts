import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database, Db } from './db/database.js';
import type { Migrations } from './db/migrate.js';
import type { OutboxDispatcher } from './outbox.js';

/** What every module is handed: the process's shared parts. */
export interface AppContext {
  config: Config;
  db: Db;
  engine: 'pglite' | 'postgres';
  /** Notifications between processes over the database (`pg_notify`). */
  listen: Database['listen'];
  log: Logger;
  outbox: OutboxDispatcher;
}

/**
 * A module as the composition root (`src/app.ts`) sees it: its migrations, its routes,
 * what it must do before the server is ready, and a readiness check.
 */
export interface Module {
  name: string;
  migrations?: Migrations;
  /** Loads the demo data when the module has none yet; says whether it did. */
  seed?: (ctx: AppContext) => Promise<boolean>;
  routes?: (app: FastifyInstance, ctx: AppContext) => Promise<void> | void;
  start?: (ctx: AppContext) => Promise<void>;
  stop?: () => Promise<void>;
  ready?: () => boolean;
}
