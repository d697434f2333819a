// The demo state registries (issue #6): civil status, population, tax, cadastre, traffic
// fines, enforcement, pension fund, utilities, kindergartens, business registry. Each is a
// member subsystem with a few REST services over data consistent with the demo people and
// businesses. The exchange takes REGISTRIES as its central configuration and forwards
// allowed calls to the registry server.
import type { AppContext, Module } from '../platform/index.js';
import { accessOf, openapiOf, REGISTRY_DEFS } from './catalog.js';
import { seedRegistries } from './seed.js';
import { startRegistryServer } from './server.js';
import { registriesMigrations } from './tables.js';

export interface RegistryService {
  code: string;
  method: 'GET' | 'POST';
  /** Path template after the service code, e.g. '/{pinfl}' or '' (then parameters go in the query). */
  path: string;
  title: { uz: string; ru: string; en: string };
  /** Whether answers carry a person's data (for the data tracker). */
  personal: boolean;
  /** An OpenAPI 3.1 document describing this service alone (paths relative to the service root '/'). */
  openapi: Record<string, unknown>;
  /** A call that answers with demo data (the demo citizen's or business's): the path after the code, and the query. */
  example?: { path: string; query: string };
}

export interface Registry {
  member: { class: 'GOV'; code: string; name: string };
  subsystem: string;
  title: { uz: string; ru: string; en: string };
  services: RegistryService[];
  /** Which client subsystems may call which of its services, as the demo grants them: 'GOV/<code>/<subsystem>' → service codes. */
  access: { client: string; services: string[] }[];
}

export const REGISTRIES: Registry[] = REGISTRY_DEFS.map((r) => ({
  member: { ...r.member },
  subsystem: r.subsystem,
  title: { ...r.title },
  services: r.services.map((s) => ({
    code: s.code, method: s.method, path: s.path, title: { ...s.title }, personal: s.personal, openapi: openapiOf(r, s), example: { ...s.example },
  })),
  access: accessOf(r),
}));

export { PORTAL_CLIENT } from './catalog.js';
export { seedRegistries } from './seed.js';
export { startRegistryServer, type RegistryServerOptions } from './server.js';
export { setRegistryFault, registryFault, clearRegistryFaults, type RegistryFault } from './faults.js';
export type { RegistriesTables } from './tables.js';

/**
 * The registries' tables (`registry_*`) and their demo data, loaded on an empty database.
 * With `serve`, the module also runs the registry server while the app runs (`url` then
 * says where); otherwise whoever needs it calls `startRegistryServer`.
 */
export function registriesModule(options: { serve?: { port?: number; host?: string } } = {}): Module & { url?: string } {
  let server: { url: string; close(): Promise<void> } | undefined;
  const module: Module & { url?: string } = {
    name: 'registries',
    migrations: registriesMigrations,
    seed: (ctx: AppContext) => seedRegistries(ctx.db),
    async start(ctx: AppContext) {
      if (!options.serve) return;
      server = await startRegistryServer({ db: ctx.db, log: ctx.log, ...options.serve });
      module.url = server.url;
    },
    async stop() { await server?.close(); server = undefined; },
  };
  return module;
}
