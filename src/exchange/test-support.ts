// Test support for the exchange: a fake registry (definitions and information system of
// the contract's shape), a database with the centre's tables, and gateways around them.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { pino } from 'pino';
import { openCa, type Ca } from '../identity/index.js';
import { loadConfig, migrateToLatest, openDatabase, type Config, type Database } from '../platform/index.js';
import { Central, centralCredentials, centralRoutes, provisionMember, seedCentral } from './central.js';
import { exchangeMigrations } from './central.tables.js';
import { PORTAL_MEMBER, type Registry } from './contract.js';
import { launchGateway, type LaunchedGateway } from './launch.js';

export const PORTAL = 'DARCHA/GOV/digital-technologies/portal';
const openapi = (path: string, method: string) => ({ openapi: '3.1.0', info: { title: 'test', version: '1' }, paths: { [path]: { [method]: { responses: { 200: { description: 'ok' } } } } } });
const title = (text: string) => ({ uz: text, ru: text, en: text });

export const TEST_REGISTRIES: Registry[] = [
  {
    member: { class: 'GOV', code: 'tax-committee', name: 'State Tax Committee' }, subsystem: 'soliq', title: title('Soliq'),
    services: [
      { code: 'taxpayer-debts', method: 'GET', path: '/{pinfl}', title: title('Debts'), personal: true, openapi: openapi('/{pinfl}', 'get') },
      { code: 'slow', method: 'GET', path: '', title: title('Slow'), personal: false, openapi: openapi('/', 'get') },
      { code: 'echo', method: 'POST', path: '', title: title('Echo'), personal: false, openapi: openapi('/', 'post') },
      { code: 'audit-plan', method: 'GET', path: '', title: title('Audit plan'), personal: false, openapi: openapi('/', 'get') },
    ],
    access: [{ client: 'GOV/digital-technologies/portal', services: ['taxpayer-debts', 'slow', 'echo'] }],
  },
  {
    member: { class: 'GOV', code: 'road-safety', name: 'Road Safety' }, subsystem: 'fines', title: title('Fines'),
    services: [{ code: 'fines', method: 'GET', path: '/{pinfl}', title: title('Fines'), personal: true, openapi: openapi('/{pinfl}', 'get') }],
    access: [],
  },
];

/** The registries' information system, as the contract shapes it: `/{member}/{subsystem}/{service}{path}`. */
export async function startFakeRegistry(): Promise<{ url: string; server: FastifyInstance; seen: { url: string; headers: Record<string, unknown>; body?: string }[]; close(): Promise<void> }> {
  const seen: { url: string; headers: Record<string, unknown>; body?: string }[] = [];
  const app = Fastify();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_r, body, done) => done(null, body));
  app.addHook('onRequest', async (request) => { seen.push({ url: request.url, headers: request.headers }); });
  app.get<{ Params: { pinfl: string } }>('/tax-committee/soliq/taxpayer-debts/:pinfl', async (request, reply) => {
    if (request.params.pinfl === '00000000000000') return reply.code(404).send({ error: 'no such taxpayer' });
    return { pinfl: request.params.pinfl, debts: [{ kind: 'property', amount: 125_000 }], userId: request.headers['x-road-userid'] ?? null, query: request.query };
  });
  app.get<{ Querystring: { ms?: string } }>('/tax-committee/soliq/slow', async (request) => {
    await new Promise((r) => setTimeout(r, Number(request.query.ms ?? 1000)));
    return { slow: true };
  });
  app.post('/tax-committee/soliq/echo', async (request, reply) => {
    seen[seen.length - 1]!.body = String(request.body);
    return reply.type(String(request.headers['content-type'] ?? 'text/plain')).header('x-custom', 'kept').header('x-road-service', 'forged').send(request.body);
  });
  app.get('/tax-committee/soliq/audit-plan', async () => ({ plan: [] }));
  app.get<{ Params: { pinfl: string } }>('/road-safety/fines/fines/:pinfl', async () => ({ fines: [] }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, server: app, seen, close: () => app.close() };
}

export const silentLog = pino({ level: 'silent' });

/** A database of its own (PGlite in memory, or a new one on DATABASE_URL) and its URL there. */
export async function freshDatabase(): Promise<{ database: Database; url?: string; close(): Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (!server) {
    const database = await openDatabase({ dataDir: 'memory://' });
    return { database, close: () => database.close() };
  }
  const name = `darcha_xtest_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(server);
  target.pathname = `/${name}`;
  const database = await openDatabase({ url: target.toString(), poolSize: 10 });
  return {
    database, url: target.toString(),
    async close() {
      await database.close();
      const dropper = new pg.Client({ connectionString: server });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

export interface TestExchange {
  config: Config;
  dataDir: string;
  database: Database;
  databaseUrl?: string;
  ca: Ca;
  central: Central;
  /** The centre's HTTP endpoint (GET /exchange/globalconf, POST /exchange/gateway-address). */
  centralUrl: string;
  centralServer: FastifyInstance;
  registry: Awaited<ReturnType<typeof startFakeRegistry>>;
  gateways: Record<string, LaunchedGateway>;
  /** Where provider gateways send allowed requests (the fake registry unless changed). */
  serviceUrl: string;
  launch(memberCode: string, options?: { overHttp?: boolean; timeoutMs?: number; tls?: boolean }): Promise<LaunchedGateway>;
  close(): Promise<void>;
}

/** A centre with the test registries, its HTTP endpoint, the fake registry, and the gateways named. */
export async function startTestExchange(members: string[] = [PORTAL_MEMBER.code, 'tax-committee', 'road-safety'], options: { timeoutMs?: number; tls?: boolean } = {}): Promise<TestExchange> {
  const dataDir = mkdtempSync(join(tmpdir(), 'darcha-exchange-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const { database, url: databaseUrl, close: closeDatabase } = await freshDatabase();
  await migrateToLatest(database.db, exchangeMigrations);
  await seedCentral(database.db, TEST_REGISTRIES);
  const ca = await openCa(config);
  const central = new Central(database.db, await centralCredentials(database.db, ca), ca.certificatePem);
  const centralServer = Fastify();
  centralRoutes(centralServer, () => central);
  const centralUrl = await centralServer.listen({ port: 0, host: '127.0.0.1' });
  const registry = await startFakeRegistry();
  const gateways: Record<string, LaunchedGateway> = {};
  const rows = await database.db.selectFrom('exchange_member').select(['member_class', 'member_code', 'name']).execute();
  const launch = async (code: string, launchOptions: { overHttp?: boolean; timeoutMs?: number; tls?: boolean } = {}) => {
    const member = rows.find((r) => r.member_code === code)!;
    const credentials = await provisionMember(database.db, dataDir, ca, member);
    const gateway = await launchGateway({
      db: database.db, dataDir, memberCode: code, credentials, caPem: ca.certificatePem,
      fetchConf: launchOptions.overHttp ? async () => { const res = await fetch(`${centralUrl}/exchange/globalconf`); if (!res.ok) throw new Error(String(res.status)); return res.text(); } : () => central.signed(),
      refreshMs: 60_000, timeoutMs: launchOptions.timeoutMs ?? options.timeoutMs ?? 2000, tls: launchOptions.tls ?? options.tls,
      serviceUrl: () => exchange.serviceUrl, log: silentLog,
    });
    await central.setAddress(code, gateway.url);
    gateways[code] = gateway;
    for (const g of Object.values(gateways)) await g.conf.refresh();
    return gateway;
  };
  const exchange: TestExchange = {
    config, dataDir, database: database, databaseUrl, ca, central, centralUrl, centralServer, registry, gateways, launch, serviceUrl: registry.url,
    async close() {
      for (const g of Object.values(gateways)) await g.close().catch(() => {});
      await registry.close();
      await centralServer.close();
      await closeDatabase();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  for (const code of members) await launch(code);
  return exchange;
}
