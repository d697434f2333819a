import { LOCALES, type Locale, type LocalText } from '../../platform/index.js';
import type { Agency, Service, Sphere } from '../catalog.types.js';
import type { DraftKind } from './editor.tables.js';
import type { CatalogRecord } from './editor.store.js';

/** One field of a record as the review page shows it: a text, a list (documents, steps), per language or not. */
export interface Entry { key: string; locale?: Locale; value: string | string[] }
/** A field whose value a draft changes; `before` is undefined for a new record. */
export interface Change { key: string; locale?: Locale; before?: string | string[]; after?: string | string[] }

const local = (key: string, text: LocalText): Entry[] => LOCALES.map((l) => ({ key, locale: l, value: text[l] }));
const localList = (key: string, items: LocalText[]): Entry[] => LOCALES.map((l) => ({ key, locale: l, value: items.map((i) => i[l]) }));

/** A record's fields in the order the review page lists them. */
export function entries(kind: DraftKind, record: CatalogRecord): Entry[] {
  if (kind === 'sphere') return local('name', (record as Sphere).name);
  if (kind === 'agency') {
    const a = record as Agency;
    return [...local('name', a.name), ...local('address', a.address), ...local('hours', a.hours),
      { key: 'phone', value: a.phone }, { key: 'email', value: a.email }, { key: 'website', value: a.website ?? '' }];
  }
  const s = record as Service;
  return [
    { key: 'id', value: s.id },
    ...local('name', s.name), ...local('summary', s.summary), ...local('result', s.result),
    ...localList('documents', s.documents), ...localList('steps', s.steps),
    { key: 'fee', value: String(s.feeBhm) }, { key: 'discount', value: String(s.onlineDiscount) },
    { key: 'term-days', value: String(s.term.days) }, { key: 'term-kind', value: s.term.kind },
    { key: 'type', value: s.type }, { key: 'channels', value: s.channels }, { key: 'audience', value: s.audience },
    { key: 'sphere', value: s.sphereId }, { key: 'agency', value: s.agencyId },
    ...s.legalBasis.flatMap((b, i) => [...local(`act-${i}`, b.act), { key: `article-${i}`, value: b.article ?? '' }, { key: `url-${i}`, value: b.url ?? '' }]),
  ];
}

const same = (a: string | string[] | undefined, b: string | string[] | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** What a draft changes, field by field and language by language. */
export function diff(kind: DraftKind, base: CatalogRecord | null, payload: CatalogRecord): Change[] {
  const before = new Map((base ? entries(kind, base) : []).map((e) => [`${e.key}/${e.locale ?? ''}`, e.value]));
  const after = entries(kind, payload);
  const changes: Change[] = [];
  for (const e of after) {
    const id = `${e.key}/${e.locale ?? ''}`;
    const old = before.get(id);
    before.delete(id);
    const empty = e.value === '' || (Array.isArray(e.value) && e.value.length === 0);
    if (!base && empty) continue; // a new record: only what it has
    if (!same(old, e.value)) changes.push({ key: e.key, locale: e.locale, before: base ? old : undefined, after: e.value });
  }
  // Fields the new record no longer has (a legal act fewer).
  for (const [id, value] of before) {
    const [key, locale] = id.split('/');
    changes.push({ key: key!, locale: (locale || undefined) as Locale | undefined, before: value, after: undefined });
  }
  return changes;
}
