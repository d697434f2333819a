// The exchange between agencies, built as X-Road: a centre that publishes the signed global
// configuration (central.ts, globalconf.ts), and one gateway (security server) per member that
// signs, checks and logs every message (gateway.ts, signer.ts, message-log.ts).
import type { FastifyInstance } from 'fastify';
import { openCa } from '../identity/index.js';
import type { AppContext, Module } from '../platform/index.js';
import { Central, centralCredentials, centralRoutes, provisionMember, seedCentral } from './central.js';
import { exchangeMigrations } from './central.tables.js';
import { createExchangeClient, type CallRequest, type CallResult, type ExchangeClient } from './client.js';
import { PORTAL_MEMBER, type Registry, type StartRegistryServer } from './contract.js';
import { INSTANCE } from './ids.js';
import { launchGateway, type LaunchedGateway } from './launch.js';
import { gatewayLocks, type GatewayLocks } from './locks.js';

export type { ExchangeTables } from './central.tables.js';
export type { Registry, RegistryService, StartRegistryServer } from './contract.js';
export { PORTAL_MEMBER } from './contract.js';
export type { CallRequest, CallResult, CallFailure, ExchangeClient } from './client.js';
export { createExchangeClient } from './client.js';
export { INSTANCE } from './ids.js';
export { GatewaySetupError, runGateway, verifyLogs } from './standalone.js';

export interface ExchangeOptions {
  /** The demo registries: members, subsystems, services and access rights of the seed. */
  registries?: () => readonly Registry[];
  /** Starts the registries' information systems, behind their gateways (serve only). */
  startRegistryServer?: StartRegistryServer;
}

export interface ExchangeModule extends Module {
  /** Calls a service through the portal's own gateway (`GOV/digital-technologies/portal`). */
  call<T = unknown>(request: CallRequest): Promise<CallResult<T>>;
  /** The gateways this process runs. */
  readonly gateways: readonly LaunchedGateway[];
  readonly central: Central | undefined;
  /** The registries' information system, when this process started it. */
  readonly registryUrl: string | undefined;
}

export const PORTAL_CLIENT = `${INSTANCE}/${PORTAL_MEMBER.class}/${PORTAL_MEMBER.code}/${PORTAL_MEMBER.subsystem}`;

/** The centre (tables, seed, the published configuration) and, on `serve`, the demo gateways. */
export function exchangeModule(options: ExchangeOptions = {}): ExchangeModule {
  let central: Central | undefined;
  let locks: GatewayLocks | undefined;
  let registry: { url: string; close(): Promise<void> } | undefined;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  const gateways: LaunchedGateway[] = [];
  let portalAddress: string | undefined;
  let portalAddressAt = 0;
  let client: ExchangeClient | undefined;
  let ctxRef: AppContext | undefined;

  // Where the portal's gateway listens: this process's own, or (another process runs it) the centre's record.
  const portalGateway = () => gateways.find((g) => g.member.endsWith(`/${PORTAL_MEMBER.code}`))?.url ?? portalAddress;
  const refreshPortalAddress = async () => {
    if (!ctxRef || Date.now() - portalAddressAt < 5000) return;
    portalAddressAt = Date.now();
    const row = await ctxRef.db.selectFrom('exchange_member').select('address').where('member_code', '=', PORTAL_MEMBER.code).executeTakeFirst();
    portalAddress = row?.address ?? undefined;
  };

  async function startGateways(ctx: AppContext) {
    if (stopped || !central) return;
    const ca = await openCa(ctx.config);
    const members = await ctx.db.selectFrom('exchange_member').select(['member_class', 'member_code', 'name']).orderBy('member_code').execute();
    let missing = 0;
    const ours: { memberCode: string; credentials: Awaited<ReturnType<typeof provisionMember>> }[] = [];
    for (const member of members) {
      if (gateways.some((g) => g.member === `${INSTANCE}/${member.member_class}/${member.member_code}`)) continue;
      if (!(await locks!.tryLock(member.member_code))) { missing++; continue; }
      ours.push({ memberCode: member.member_code, credentials: await provisionMember(ctx.db, ctx.config.dataDir, ca, member) });
    }
    // All launched at once, and their addresses published after: every gateway starts on the
    // same document, verified and read once for all (one per gateway took a second of each start).
    const c = central;
    const launched = await Promise.all(ours.map(({ memberCode, credentials }) => launchGateway({
      db: ctx.db, dataDir: ctx.config.dataDir, memberCode, credentials, caPem: ca.certificatePem,
      fetchConf: () => c.signed(), refreshMs: ctx.config.EXCHANGE_CONF_REFRESH_MS, timeoutMs: ctx.config.EXCHANGE_TIMEOUT_MS,
      tls: ctx.config.EXCHANGE_TLS, serviceUrl: () => registry?.url, log: ctx.log, host: '127.0.0.1',
    })));
    for (const [i, gateway] of launched.entries()) {
      gateways.push(gateway);
      await central.setAddress(ours[i]!.memberCode, gateway.url);
    }
    // The configuration now names the addresses: every gateway takes it at once.
    if (gateways.length > 0) await Promise.all(gateways.map((g) => g.conf.refresh()));
    // Members whose gateway another process runs: taken over if that process goes away.
    if (missing > 0 && !retry) {
      retry = setInterval(() => void startGateways(ctx).catch((error) => ctx.log.warn({ err: error }, 'gateways could not be started')), 10_000);
      retry.unref();
    } else if (missing === 0 && retry) {
      clearInterval(retry);
      retry = undefined;
    }
  }

  return {
    name: 'exchange',
    migrations: exchangeMigrations,
    get gateways() { return gateways; },
    get central() { return central; },
    get registryUrl() { return registry?.url; },
    async seed(ctx: AppContext) {
      return seedCentral(ctx.db, options.registries?.() ?? []);
    },
    async start(ctx: AppContext) {
      ctxRef = ctx;
      const ca = await openCa(ctx.config);
      central = new Central(ctx.db, await centralCredentials(ctx.db, ca), ca.certificatePem);
      // With TLS the portal's system only needs to trust the CA: its gateway knows it by the loopback.
      client = createExchangeClient({ gatewayUrl: portalGateway, client: PORTAL_CLIENT, ...(ctx.config.EXCHANGE_TLS ? { tls: { ca: ca.certificatePem } } : {}) });
      // The registries' systems run either way: with GATEWAYS=off their gateways are processes of their own.
      if (options.startRegistryServer) registry = await options.startRegistryServer({ db: ctx.db, log: ctx.log, host: '127.0.0.1' });
      if (ctx.config.GATEWAYS === 'on') {
        locks = await gatewayLocks(ctx.config.DATABASE_URL);
        await startGateways(ctx);
      }
      await refreshPortalAddress();
    },
    async stop() {
      stopped = true;
      clearInterval(retry);
      for (const gateway of gateways.splice(0)) await gateway.close();
      client?.close();
      await locks?.close();
      await registry?.close();
    },
    routes(app: FastifyInstance) {
      centralRoutes(app, () => central);
    },
    async call<T>(request: CallRequest): Promise<CallResult<T>> {
      if (!client) return { ok: false, error: 'down', message: 'the exchange has not started' };
      // Another process runs the portal's gateway: its address as the centre last heard it (re-read every 5 s at most).
      if (!gateways.some((g) => g.member.endsWith(`/${PORTAL_MEMBER.code}`))) await refreshPortalAddress().catch(() => {});
      return client.call<T>(request);
    },
  };
}
