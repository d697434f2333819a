import { issueClient } from './appeals/index.js';
import { parseArgs } from 'node:util';
import { createApp } from './app.js';
import { CatalogImportError, fillCyrillic, importCatalog, readCatalog } from './catalog/index.js';
import { ConfigError, createLogger, loadConfig, migrateToLatest, openDatabase, outboxMigrations } from './platform/index.js';
import { createModules } from './app.js';
import { DEMO_ACCOUNTS, saveClient } from './identity/index.js';
import { GatewaySetupError, PORTAL_MEMBER, runGateway, verifyLogs, type ExchangeModule } from './exchange/index.js';

const HELP = `Darcha — state services platform

Usage: npm run darcha -- <command> [options]   (npm start runs "serve")

  serve                       serve the portal, back office and API (port $PORT, default 3000)
  migrate                     bring the database schema up to date
  import-catalog <dir>        check and import a catalog directory in one transaction
      --check                 only check it; write nothing
  fill-cyrillic <dir>         write Uzbek Cyrillic (oz) text from Uzbek Latin where missing
  add-client                  register an agency's system with the sign-on (OpenID Connect) and print its credentials
      --id <client-id> --name <name> --redirect-uri <url> [--redirect-uri <url>…]
      [--logout-uri <url>…] [--scope "openid profile pinfl"]
  add-open311-client          register an Open311 (GeoReport v2) client and print its api_key (shown once)
      --name <application> --contact <e-mail or phone>
  gateway --member <code>     run one member's exchange gateway as its own process (its log: DATABASE_URL,
                              or a database of its own in DATA_DIR/gateways/<code>/db)
      [--port <n>] [--host <h>] [--address <url>] [--service-url <url of the member's information system>]
  verify-log [--member <code>] prove the gateways' message logs; names any altered, inserted or deleted record
                              (with the embedded database, stop npm start first: PGlite is one process's)

Environment: DATABASE_URL (PostgreSQL; default: embedded PGlite in DATA_DIR=./data), PORT, HOST,
PUBLIC_URL, LOG_LEVEL, COOKIE_SECRET (required in production), NODE_ENV; the exchange: GATEWAYS (on|off),
EXCHANGE_CENTRAL_URL, EXCHANGE_CONF_REFRESH_MS, EXCHANGE_TIMEOUT_MS, EXCHANGE_TLS.`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: {
    check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, id: { type: 'string' }, name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true }, 'logout-uri': { type: 'string', multiple: true }, scope: { type: 'string' },
    contact: { type: 'string' }, member: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, address: { type: 'string' }, 'service-url': { type: 'string' },
  } });
  const [command, ...args] = positionals;
  if (!command || values.help) { console.log(HELP); return command || values.help ? 0 : 1; }

  switch (command) {
    case 'serve': {
      const started = Date.now();
      const config = loadConfig();
      const app = await createApp(config);
      await app.server.listen({ port: config.PORT, host: config.HOST });
      // Starting (migrations, the catalog, its search index, the gateways' configuration) leaves
      // tens of MB of garbage that V8 would keep until the heap grows; `npm start` exposes gc
      // so that a new server gives it back at once.
      (globalThis as { gc?: () => void }).gc?.();
      const url = `http://localhost:${(app.server.server.address() as { port: number }).port}/`;
      const engine = app.ctx.engine === 'pglite' ? `embedded PostgreSQL (PGlite) in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
      console.log(`\nDarcha is running at ${url}  (${engine}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
      if (app.seeded) {
        console.log('Demo data was loaded on this first start. Demo accounts (sign in at /uz/cabinet):');
        for (const a of DEMO_ACCOUNTS) console.log(`  ${a.role.padEnd(12)} ${a.login.padEnd(20)} ${a.password}`);
      }
      if (app.smsInbox) console.log(`SMS gateway stand-in (sign-in codes land here): ${app.smsInbox}`);
      if (app.mailInbox) console.log(`SMTP stand-in (e-mail notifications land here): ${app.mailInbox}`);
      const exchange = app.modules.find((m) => m.name === 'exchange') as ExchangeModule | undefined;
      if (exchange?.gateways.length) {
        const portal = exchange.gateways.find((g) => g.member.endsWith(`/${PORTAL_MEMBER.code}`));
        console.log(`Exchange: ${exchange.gateways.length} member gateways on loopback (the portal's at ${portal?.url}); registries' systems at ${exchange.registryUrl ?? 'none'}`);
      } else if (exchange?.registryUrl) {
        console.log(`Exchange: no gateways in this process (GATEWAYS=off: npm run darcha -- gateway --member <code>); registries' systems at ${exchange.registryUrl}`);
      }
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
    case 'add-client': {
      const id = values.id ?? '';
      const redirects = values['redirect-uri'] ?? [];
      const problems = [
        ...(/^[a-z0-9][a-z0-9-]{2,62}$/.test(id) ? [] : ['--id: 3 to 63 lower-case letters, digits and dashes']),
        ...(values.name ? [] : ['--name: the name people see on the consent screen']),
        ...(redirects.length > 0 ? [] : ['--redirect-uri: at least one']),
        ...[...redirects, ...(values['logout-uri'] ?? [])].filter((u) => !/^https:\/\/[^\s#]+$|^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\/[^\s#]*$/.test(u)).map((u) => `${u}: must be https (http only on localhost), without a fragment`),
      ];
      if (problems.length > 0) { console.error(`The client was not registered:\n  ${problems.join('\n  ')}`); return 2; }
      const config = loadConfig();
      const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir });
      await migrateToLatest(database.db, Object.assign({}, outboxMigrations, ...createModules().map((m) => m.migrations ?? {})));
      const secret = await saveClient(database.db, {
        client_id: id, client_name: values.name!, redirect_uris: redirects, post_logout_redirect_uris: values['logout-uri'] ?? [],
        scope: values.scope ?? 'openid profile pinfl',
      });
      await database.close();
      console.log(`Registered "${values.name}".\n  issuer:        ${config.publicUrl}\n  discovery:     ${config.publicUrl}/.well-known/openid-configuration\n  client_id:     ${id}\n  client_secret: ${secret}\n  auth method:   client_secret_basic, PKCE (S256) required`);
      return 0;
    }
    case 'add-open311-client': {
      const name = values.name?.trim() ?? '', contact = values.contact?.trim() ?? '';
      const problems = [
        ...(name.length >= 2 && name.length <= 100 ? [] : ['--name: the application, 2 to 100 characters']),
        ...(contact.length >= 3 && contact.length <= 200 ? [] : ['--contact: who answers for it, 3 to 200 characters']),
      ];
      if (problems.length > 0) { console.error(`The client was not registered:\n  ${problems.join('\n  ')}`); return 2; }
      const config = loadConfig();
      const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir });
      await migrateToLatest(database.db, Object.assign({}, outboxMigrations, ...createModules().map((m) => m.migrations ?? {})));
      const { id, key } = await issueClient(database.db, { name, contact });
      await database.close();
      console.log(`Registered "${name}" for Open311.\n  discovery: ${config.publicUrl}/open311/v2/discovery.xml\n  client:    ${id}\n  api_key:   ${key}   (shown once; only its SHA-256 is kept)`);
      return 0;
    }
    case 'gateway': {
      const member = values.member ?? '';
      if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(member)) { console.error('gateway needs --member <member code>, e.g. --member tax-committee'); return 2; }
      const config = loadConfig();
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) { console.error('--port: a port number'); return 2; }
      const { gateway, close } = await runGateway({
        config, memberCode: member, log: createLogger(config.LOG_LEVEL), port, host: values.host, address: values.address, serviceUrl: values['service-url'],
      });
      console.log(`Gateway ${gateway.member} running at ${gateway.url}`);
      const stop = async () => { await close(); process.exit(0); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return -1;
    }
    case 'verify-log': {
      const reports = await verifyLogs(loadConfig(), values.member);
      if (reports.length === 0) { console.error(values.member ? `No message log of ${values.member} was found.` : 'No message log was found.'); return 1; }
      let bad = 0;
      for (const report of reports) {
        const name = `${report.member} (${report.schema} in ${report.where})`;
        if (report.problems.length === 0) { console.log(`${name}: ${report.records} records, chain and seals intact.`); continue; }
        bad++;
        console.log(`${name}: ${report.records} records, ${report.problems.length} problem(s):`);
        for (const problem of report.problems) console.log(`  ${problem.kind.padEnd(8)} ${problem.message}`);
      }
      return bad > 0 ? 1 : 0;
    }
    default:
      console.error(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => { if (code >= 0) process.exit(code); },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof CatalogImportError || error instanceof GatewaySetupError) console.error(error.message);
    else console.error(error);
    process.exit(1);
  },
);
