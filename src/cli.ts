import { parseArgs } from 'node:util';
import { createApp } from './app.js';
import { CatalogImportError, fillCyrillic, importCatalog, readCatalog } from './catalog/index.js';
import { ConfigError, loadConfig, migrateToLatest, openDatabase, outboxMigrations } from './platform/index.js';
import { createModules } from './app.js';

const HELP = `Darcha — state services platform

Usage: npm run darcha -- <command> [options]   (npm start runs "serve")

  serve                       serve the portal, back office and API (port $PORT, default 3000)
  migrate                     bring the database schema up to date
  import-catalog <dir>        check and import a catalog directory in one transaction
      --check                 only check it; write nothing
  fill-cyrillic <dir>         write Uzbek Cyrillic (oz) text from Uzbek Latin where missing

Environment: DATABASE_URL (PostgreSQL; default: embedded PGlite in DATA_DIR=./data), PORT, HOST,
PUBLIC_URL, LOG_LEVEL, COOKIE_SECRET (required in production), NODE_ENV.`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  const [command, ...args] = positionals;
  if (!command || values.help) { console.log(HELP); return command || values.help ? 0 : 1; }

  switch (command) {
    case 'serve': {
      const started = Date.now();
      const config = loadConfig();
      const app = await createApp(config);
      await app.server.listen({ port: config.PORT, host: config.HOST });
      const url = `http://localhost:${(app.server.server.address() as { port: number }).port}/`;
      const engine = app.ctx.engine === 'pglite' ? `embedded PostgreSQL (PGlite) in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
      console.log(`\nDarcha is running at ${url}  (${engine}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      if (app.seeded) console.log('Demo data was loaded on this first start.');
      const stop = async () => { await app.close(); process.exit(0); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return -1;
    }
    case 'migrate': {
      const config = loadConfig();
      const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir });
      const migrations = Object.assign({}, outboxMigrations, ...createModules().map((m) => m.migrations ?? {}));
      const applied = await migrateToLatest(database.db, migrations);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      await database.close();
      return 0;
    }
    case 'import-catalog': {
      const dir = args[0];
      if (!dir) { console.error('import-catalog needs a directory'); return 2; }
      if (values.check) {
        const catalog = await readCatalog(dir);
        console.log(`The catalog is valid: ${catalog.spheres.length} spheres, ${catalog.agencies.length} agencies, ${catalog.services.length} services.`);
        return 0;
      }
      const config = loadConfig();
      const app = await createApp(config, { seed: false });
      try {
        const result = await importCatalog(app.ctx.db, dir);
        console.log(`Imported: ${result.spheres} spheres, ${result.agencies} agencies, ${result.services} services (${result.withdrawn} withdrawn); catalog revision ${result.revision}.`);
      } finally {
        await app.close();
      }
      return 0;
    }
    case 'fill-cyrillic': {
      const dir = args[0];
      if (!dir) { console.error('fill-cyrillic needs a directory'); return 2; }
      console.log(`Filled ${await fillCyrillic(dir)} Uzbek Cyrillic text(s).`);
      return 0;
    }
    default:
      console.error(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => { if (code >= 0) process.exit(code); },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof CatalogImportError) console.error(error.message);
    else console.error(error);
    process.exit(1);
  },
);
