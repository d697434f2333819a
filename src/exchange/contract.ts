// The shapes the registries module hands the exchange (docs: the registries/exchange
// contract). Declared here too so the exchange builds and is tested on its own; the
// registries' own `Registry` is assignable to these.
import type { Logger } from 'pino';
import type { Db } from '../platform/index.js';

export interface RegistryService {
  code: string;
  method: 'GET' | 'POST';
  /** Path template after the service code, e.g. '/{pinfl}' or ''. */
  path: string;
  title: { uz: string; ru: string; en: string };
  personal: boolean;
  /** OpenAPI 3.1 of this service alone, paths relative to the service root '/'. */
  openapi: Record<string, unknown>;
}

export interface Registry {
  member: { class: 'GOV' | 'COM'; code: string; name: string };
  subsystem: string;
  title: { uz: string; ru: string; en: string };
  services: RegistryService[];
  /** 'GOV/<code>/<subsystem>' → service codes it may call. */
  access: { client: string; services: string[] }[];
}

/** The registries' information systems, one HTTP server answering `/{member}/{subsystem}/{service}{path}`. */
export type StartRegistryServer = (deps: { db: Db; log: Logger; port?: number; host?: string }) => Promise<{ url: string; close(): Promise<void> }>;

/** The portal as a member of the exchange: the digital technologies ministry's `portal` subsystem. */
export const PORTAL_MEMBER = { class: 'GOV' as const, code: 'digital-technologies', name: 'Ministry of Digital Technologies of the Republic of Uzbekistan', subsystem: 'portal' };
