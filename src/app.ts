import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import {
  createLogger, createServer, migrateToLatest, openDatabase, opsRoutes, outboxMigrations, OutboxDispatcher, ProblemSchema,
  type AppContext, type Config, type Database, type Module,
} from './platform/index.js';
import { catalogModule } from './catalog/index.js';
import { identityModule, openEmailChannel, openSmsChannel, openTelegramChannel, type EmailChannel, type SmsSender, type TelegramChannel } from './identity/index.js';
import { apiDocsRoutes, renderErrorPage, webModule } from './web/index.js';
import { REGISTRIES, registriesModule, startRegistryServer } from './registries/index.js';
import { exchangeModule } from './exchange/index.js';
import { workflowModule } from './workflow/index.js';
import { formsModule } from './forms/index.js';
import { paymentsModule } from './payments/index.js';
import { documentsModule } from './documents/index.js';
import { applicationsModule } from './applications/index.js';
import { mydataModule } from './mydata/index.js';
import { appealsModule } from './appeals/index.js';

export interface App {
  server: FastifyInstance;
  ctx: AppContext;
  modules: Module[];
  /** Whether this start loaded the demo data (the first start on an empty database). */
  seeded: boolean;
  /** Outside production without a gateway: where the SMS stand-in shows the messages. */
  smsInbox?: string;
  /** Outside production without a bot: where the Telegram Bot API stand-in shows the bot's messages. */
  telegramInbox?: string;
  /** Outside production, the SMTP stand-in's inbox. */
  mailInbox?: string;
  close(): Promise<void>;
}

/** The modules in the order they start; routes are registered in the same order. */
export function createModules(deps: { sms?: SmsSender; smsInbox?: string; telegram?: TelegramChannel; mail?: EmailChannel; clock?: () => Date } = {}): Module[] {
  const catalog = catalogModule();
  const agencies = () => catalog.catalog?.snapshot.agencies ?? [];
  const services = () => catalog.catalog?.snapshot.services ?? [];
  // The exchange seeds its configuration from the registries and, on serve, runs their server behind the demo gateways.
  const exchange = exchangeModule({ registries: () => REGISTRIES, startRegistryServer });
  // Issue #7: forms, workflow, payments and documents, and the applications module that puts them together.
  const workflow = workflowModule({ clock: deps.clock });
  const forms = formsModule({ exchange, services });
  const payments = paymentsModule();
  const documents = documentsModule({ agencies });
  const applications = applicationsModule({ catalog: () => catalog.catalog?.snapshot, workflow, forms, payments, documents, exchange, now: deps.clock });
  // Issue #8: the appeals registry.
  const appeals = appealsModule({ catalog: () => catalog.catalog?.snapshot, documents, now: deps.clock });
  return [
    webModule, catalog, identityModule({ sms: deps.sms, smsInbox: deps.smsInbox, telegram: deps.telegram, mail: deps.mail, agencies, services }), registriesModule(), exchange, mydataModule({ exchange }),
    workflow, forms, payments, documents, applications, appeals,
  ];
}

/**
 * Builds the whole platform: database and migrations, demo data on an empty database,
 * modules, and the HTTP server with every route. Listening is left to the caller.
 */
export async function createApp(config: Config, options: { database?: Database; seed?: boolean; modules?: Module[]; sms?: SmsSender } = {}): Promise<App> {
  const log = createLogger(config.LOG_LEVEL);
  const database = options.database ?? await openDatabase({
    url: config.DATABASE_URL, dataDir: config.dataDir, onIdleError: (error) => log.warn({ err: error }, 'idle database connection lost'),
  });
  // The channels (or their stand-ins, each a server of its own) open together.
  const [smsChannel, telegramChannel, mailChannel] = await Promise.all([
    options.sms || options.modules ? undefined : openSmsChannel(config),
    options.modules ? undefined : openTelegramChannel(config, log),
    options.modules ? undefined : openEmailChannel(config),
  ]);
  const modules = options.modules ?? createModules({ sms: options.sms ?? smsChannel?.sender, smsInbox: smsChannel?.inboxUrl, telegram: telegramChannel, mail: mailChannel });
  const migrations = Object.assign({}, outboxMigrations, ...modules.map((m) => m.migrations ?? {}));
  await migrateToLatest(database.db, migrations);

  const outbox = new OutboxDispatcher(database.db, log);
  const ctx: AppContext = { config, db: database.db, engine: database.engine, listen: database.listen, log, outbox };
  let seeded = false;
  if (options.seed !== false) {
    for (const module of modules) if (module.seed && await module.seed(ctx)) seeded = true;
  }
  for (const module of modules) await module.start?.(ctx);

  const server = await createServer(config, log, renderErrorPage);
  server.addSchema(ProblemSchema);
  await server.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Darcha API', version: '1.0.0', description: 'State services of the Darcha platform. Errors are RFC 9457 problem details; texts come in the language of `lang` (uz, oz, kaa, ru, en).' },
      servers: [{ url: config.publicUrl }],
    },
  });
  opsRoutes(server, database.db, Object.fromEntries(modules.filter((m) => m.ready).map((m) => [m.name, m.ready!])));
  for (const module of modules) await module.routes?.(server, ctx);
  apiDocsRoutes(server);
  server.get('/api/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => server.swagger());
  await server.ready();
  outbox.start();

  return {
    server, ctx, modules, seeded, smsInbox: smsChannel?.inboxUrl, telegramInbox: telegramChannel?.inboxUrl, mailInbox: mailChannel?.inboxUrl,
    async close() {
      // Requests under way get a few seconds to finish; a connection still held after that
      // (a client that never reads its answer) must not keep the process from stopping.
      const deadline = setTimeout(() => server.server.closeAllConnections(), 5000);
      await server.close();
      clearTimeout(deadline);
      await outbox.stop();
      for (const module of [...modules].reverse()) await module.stop?.();
      await smsChannel?.close();
      await telegramChannel?.close();
      await mailChannel?.close();
      if (!options.database) await database.close();
    },
  };
}
