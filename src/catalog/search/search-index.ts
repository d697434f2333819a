import MiniSearch from 'minisearch';
import { LOCALES } from '../../platform/index.js';
import type { Agency, Audience, Service, ServiceType, Sphere } from '../catalog.types.js';
import { termVariants } from './stem.js';
import { normaliseApostrophes } from './transliterate.js';

export interface SearchFilters { sphere?: string; agency?: string; audience?: Audience; type?: ServiceType }
export interface SearchHit { id: string; score: number }

interface IndexedService { id: string; name: string; keywords: string; summary: string; agency: string; sphere: string }

const WORD = /[\p{L}\p{N}\p{M}ʻʼ]+/gu;
const tokenize = (text: string) => normaliseApostrophes(text).toLowerCase().match(WORD) ?? [];
const all = (text: Record<string, string> | null | undefined) => (text ? LOCALES.map((l) => text[l]).join(' \n ') : '');

// One or two letters off, by word length: short words must be exact.
const fuzzy = (term: string) => (term.length <= 3 ? 0 : term.length <= 6 ? 1 : 2);

/**
 * Full-text search over the catalog with MiniSearch. Every locale's text is indexed in
 * one folded Latin form, so a query in either Uzbek script, Karakalpak, Russian or
 * English finds a service whatever language it was written in; fuzzy matching forgives
 * typos, prefixes serve half-typed words and stems serve inflected ones. Relevance is
 * weighted by field and lifted by the service's popularity.
 */
export class ServiceSearch {
  private readonly index: MiniSearch<IndexedService>;
  private readonly services: Map<string, Service>;
  private readonly boosts: Map<string, number>;

  constructor(services: Service[], spheres: Map<string, Sphere>, agencies: Map<string, Agency>) {
    this.services = new Map(services.map((s) => [s.id, s]));
    // Popularity lifts a result by up to ~4× between a rare service and the most used.
    this.boosts = new Map(services.map((s) => [s.id, (1 + s.popularity) ** 0.12]));
    this.index = new MiniSearch<IndexedService>({
      fields: ['name', 'keywords', 'summary', 'agency', 'sphere'],
      tokenize,
      processTerm: (term) => termVariants(term),
      searchOptions: {
        boost: { name: 5, keywords: 3, sphere: 1.5, agency: 1, summary: 1 },
        fuzzy: (term) => fuzzy(term),
        prefix: (term) => term.length >= 3,
        combineWith: 'OR',
        weights: { fuzzy: 0.3, prefix: 0.15 },
        boostDocument: (id) => this.boosts.get(id as string) ?? 1,
      },
    });
    this.index.addAll(services.map((s) => ({
      id: s.id,
      name: all(s.name),
      keywords: all(s.keywords),
      summary: all(s.summary),
      agency: all(agencies.get(s.agencyId)?.name),
      sphere: all(spheres.get(s.sphereId)?.name),
    })));
  }

  /** Services matching the query and filters, best first. */
  search(query: string, filters: SearchFilters = {}): SearchHit[] {
    const filter = Object.values(filters).some(Boolean)
      ? (result: { id: string }) => matches(this.services.get(result.id), filters)
      : undefined;
    return this.index.search(query, filter ? { filter } : {}).map((r) => ({ id: r.id as string, score: r.score }));
  }
}

export function matches(service: Service | undefined, filters: SearchFilters): boolean {
  if (!service) return false;
  return (!filters.sphere || service.sphereId === filters.sphere)
    && (!filters.agency || service.agencyId === filters.agency)
    && (!filters.audience || service.audience.includes(filters.audience))
    && (!filters.type || service.type === filters.type);
}
