import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fromRoot } from './paths.js';

/** The five locales, by URL prefix. `uz` (Uzbek, Latin script) is the default. */
export const LOCALES = ['uz', 'oz', 'kaa', 'ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'uz';

/** Localised text as stored: one string per locale. */
export type LocalText = Record<Locale, string>;

export const LOCALE_INFO: Record<Locale, { tag: string; intl: string; name: string }> = {
  uz: { tag: 'uz-Latn', intl: 'uz-Latn-UZ', name: 'Oʻzbekcha' },
  oz: { tag: 'uz-Cyrl', intl: 'uz-Cyrl-UZ', name: 'Ўзбекча' },
  kaa: { tag: 'kaa', intl: 'uz-Latn-UZ', name: 'Qaraqalpaqsha' },
  ru: { tag: 'ru', intl: 'ru-RU', name: 'Русский' },
  en: { tag: 'en', intl: 'en-GB', name: 'English' },
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

type Catalogue = Map<string, string | Record<string, string>>;
const SRC_DIR = fromRoot('src');

function flatten(node: Record<string, unknown>, prefix: string, out: Catalogue, file: string): Catalogue {
  for (const [key, value] of Object.entries(node)) {
    const path = prefix + key;
    // An object whose keys are plural categories is one message, not a group.
    if (value && typeof value === 'object' && 'other' in value) add(out, path, value as Record<string, string>, file);
    else if (value && typeof value === 'object') flatten(value as Record<string, unknown>, `${path}.`, out, file);
    else add(out, path, String(value), file);
  }
  return out;
}

function add(out: Catalogue, key: string, message: string | Record<string, string>, file: string) {
  if (out.has(key)) throw new Error(`${file}: the key ${key} is already defined in another catalogue`);
  out.set(key, message);
}

/** Every `locales` folder under `src`: the shared one and each module's own. */
export function catalogueDirs(root = SRC_DIR): string[] {
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((p) => p.split(sep).at(-1) === 'locales' && statSync(join(root, p)).isDirectory())
    .map((p) => join(root, p)).sort();
}

/**
 * Loads `<locale>.json` from every `locales` folder (`src/locales` for the shared texts,
 * `src/<module>/locales` for a module's own) into one catalogue per locale; a key defined
 * twice is an error. Exported for the test that keeps them in step.
 */
export function loadCatalogues(dirs = catalogueDirs()): Record<string, Catalogue> {
  const result: Record<string, Catalogue> = {};
  for (const dir of dirs) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const locale = file.replace(/\.json$/, '');
      flatten(JSON.parse(readFileSync(join(dir, file), 'utf8')), '', result[locale] ??= new Map(), join(dir, file));
    }
  }
  return result;
}

const catalogues = loadCatalogues();
const plurals = Object.fromEntries(LOCALES.map((l) => [l, new Intl.PluralRules(LOCALE_INFO[l].intl)])) as Record<Locale, Intl.PluralRules>;

export type Params = Record<string, string | number>;

/**
 * Translates a key, filling `{name}` placeholders. A message with plural forms picks the
 * form for `params.count`. A missing key shows as the key itself, which the catalogue
 * test forbids.
 */
export function t(locale: Locale, key: string, params?: Params): string {
  const message = catalogues[locale]?.get(key) ?? catalogues[DEFAULT_LOCALE]?.get(key);
  if (message === undefined) return key;
  const template = typeof message === 'string'
    ? message
    : message[plurals[locale].select(Number(params?.count ?? 0))] ?? message.other;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => {
    const value = params[name];
    if (value === undefined) return match;
    return typeof value === 'number' ? formatNumber(locale, value) : value;
  });
}

const numberFormats = Object.fromEntries(LOCALES.map((l) => [l, new Intl.NumberFormat(LOCALE_INFO[l].intl)])) as Record<Locale, Intl.NumberFormat>;
export function formatNumber(locale: Locale, value: number): string {
  return numberFormats[locale].format(value);
}

/** A translator bound to one locale, handed to views. */
export type Translate = (key: string, params?: Params) => string;
export const translator = (locale: Locale): Translate => (key, params) => t(locale, key, params);

const ACCEPT: [RegExp, Locale][] = [
  [/^uz-cyrl/i, 'oz'], [/^uz/i, 'uz'], [/^kaa/i, 'kaa'], [/^ru/i, 'ru'], [/^en/i, 'en'],
];

/** Picks the best of our locales from an Accept-Language header, honouring q-values. */
export function localeFromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranges = header.split(',').slice(0, 20).map((part, index) => {
    const [tag = '', ...rest] = part.trim().split(';');
    const q = Number(rest.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? 1);
    return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, index };
  }).filter((r) => r.q > 0).sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranges) {
    const hit = ACCEPT.find(([pattern]) => pattern.test(tag));
    if (hit) return hit[1];
  }
  return undefined;
}

/** Picks the text of a locale from stored localised text. */
export function local(text: LocalText | undefined, locale: Locale): string {
  return text?.[locale] || text?.[DEFAULT_LOCALE] || '';
}
