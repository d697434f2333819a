import type { Logger } from 'pino';
import { startPoller, type Db, type Poller } from '../platform/index.js';
import { badFilter, queryTooLong } from './catalog.errors.js';
import { currentRevision, loadAgencies, loadBhmRates, loadServices, loadSpheres } from './catalog.store.js';
import { AUDIENCES, SERVICE_TYPES, type Agency, type BhmRate, type Service, type Sphere } from './catalog.types.js';
import { matches, ServiceSearch, type SearchFilters } from './search/search-index.js';

export const MAX_QUERY = 200;

export interface Fee { bhm: number; fullTiyin: number; onlineTiyin: number; discount: number; bhmTiyin: number; bhmFrom: string }
export interface Page<T> { items: T[]; total: number; page: number; perPage: number; pages: number }

/** The whole published catalog of one revision, in memory, with its search index. */
export class CatalogSnapshot {
  readonly spheres: Sphere[];
  readonly agencies: Agency[];
  readonly services: Service[];
  private readonly spheresById: Map<string, Sphere>;
  private readonly agenciesById: Map<string, Agency>;
  private readonly servicesById: Map<string, Service>;
  #index: ServiceSearch | undefined;
  /** Results of recent queries: people search for the same few things all day. */
  private readonly recent = new Map<string, Service[]>();

  constructor(readonly revision: number, spheres: Sphere[], agencies: Agency[], services: Service[], private readonly bhm: BhmRate[]) {
    this.spheres = spheres;
    this.agencies = agencies;
    this.services = services; // most popular first
    this.spheresById = new Map(spheres.map((s) => [s.id, s]));
    this.agenciesById = new Map(agencies.map((a) => [a.id, a]));
    this.servicesById = new Map(services.map((s) => [s.id, s]));
  }

  sphere(id: string) { return this.spheresById.get(id); }
  agency(id: string) { return this.agenciesById.get(id); }
  service(id: string) { return this.servicesById.get(id); }

  /**
   * The search index, built at the first search rather than at start or at each catalog
   * change: it takes a third of a second, and pages do not need it.
   */
  private index(): ServiceSearch {
    return this.#index ??= new ServiceSearch(this.services, this.spheresById, this.agenciesById);
  }

  /** Services matching the filters, most popular first; with a query, most relevant first. */
  find(query: string, filters: SearchFilters, page: number, perPage: number): Page<Service> {
    const q = cleanQuery(query);
    this.checkFilters(filters);
    const key = JSON.stringify([q, filters.sphere, filters.agency, filters.audience, filters.type]);
    let found = this.recent.get(key);
    if (!found) {
      found = q
        ? this.index().search(q, filters).map((hit) => this.servicesById.get(hit.id)!)
        : this.services.filter((s) => matches(s, filters));
      if (this.recent.size >= 2000) this.recent.delete(this.recent.keys().next().value as string);
      this.recent.set(key, found);
    }
    const pages = Math.max(1, Math.ceil(found.length / perPage));
    return { items: found.slice((page - 1) * perPage, page * perPage), total: found.length, page, perPage, pages };
  }

  countIn(filters: SearchFilters): number {
    return this.services.filter((s) => matches(s, filters)).length;
  }

  /** The fee of a service at the BHM in force on a day; amounts in tiyin. */
  fee(service: Service, on = new Date()): Fee | undefined {
    const day = on.toISOString().slice(0, 10);
    const rate = [...this.bhm].reverse().find((r) => r.validFrom <= day);
    if (!rate) return undefined;
    const fullTiyin = Math.round(rate.amountTiyin * service.feeBhm);
    const onlineTiyin = Math.round(fullTiyin * (100 - service.onlineDiscount) / 100);
    return { bhm: service.feeBhm, fullTiyin, onlineTiyin, discount: service.onlineDiscount, bhmTiyin: rate.amountTiyin, bhmFrom: rate.validFrom };
  }

  private checkFilters(filters: SearchFilters) {
    if (filters.sphere && !this.spheresById.has(filters.sphere)) throw badFilter('sphere');
    if (filters.agency && !this.agenciesById.has(filters.agency)) throw badFilter('agency');
    if (filters.audience && !AUDIENCES.includes(filters.audience)) throw badFilter('audience');
    if (filters.type && !SERVICE_TYPES.includes(filters.type)) throw badFilter('type');
  }
}

/**
 * A query as typed, made safe: control characters out, spaces folded. Too long is an
 * error rather than a silent cut, so the user knows what was searched.
 */
export function cleanQuery(raw: string | undefined): string {
  const q = (raw ?? '').replace(/[\p{Cc}\p{Cf}]+/gu, ' ').replace(/\s+/g, ' ').trim();
  if (q.length > MAX_QUERY) throw queryTooLong(MAX_QUERY);
  return q;
}

/**
 * Keeps the current snapshot and replaces it when the catalog's revision moves on, in
 * this process at once and in others on their next poll; listeners (the page caches)
 * are told.
 */
export class CatalogService {
  private current: CatalogSnapshot | undefined;
  private poller: Poller | undefined;
  private readonly listeners: ((snapshot: CatalogSnapshot) => void)[] = [];

  constructor(private readonly db: Db, private readonly log: Logger) {}

  get snapshot(): CatalogSnapshot {
    if (!this.current) throw new Error('The catalog is not loaded yet');
    return this.current;
  }

  get loaded(): boolean { return this.current !== undefined; }

  onChange(listener: (snapshot: CatalogSnapshot) => void): void { this.listeners.push(listener); }

  async reload(): Promise<CatalogSnapshot> {
    const revision = await currentRevision(this.db);
    const [spheres, agencies, services, bhm] = await Promise.all([loadSpheres(this.db), loadAgencies(this.db), loadServices(this.db), loadBhmRates(this.db)]);
    this.current = new CatalogSnapshot(revision, spheres, agencies, services, bhm);
    for (const listener of this.listeners) listener(this.current);
    this.log.info({ revision, services: services.length }, 'catalog loaded');
    return this.current;
  }

  async refreshIfChanged(): Promise<boolean> {
    const revision = await currentRevision(this.db);
    if (this.current && revision === this.current.revision) return false;
    await this.reload();
    return true;
  }

  startPolling(ms: number): void {
    this.poller = startPoller(() => this.refreshIfChanged(), ms, (error) => this.log.warn({ err: error }, 'catalog refresh failed'));
  }

  /** Stops polling; resolves when a refresh under way has finished. */
  async stop(): Promise<void> {
    await this.poller?.stop();
  }
}
