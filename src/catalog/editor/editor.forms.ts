import { Value } from 'typebox/value';
import type { TObject } from 'typebox';
import { fieldMessage, LOCALES, t, type Locale, type LocalText } from '../../platform/index.js';
import { AgenciesFile, ServicesFile, SpheresFile } from '../catalog.schemas.js';
import { AUDIENCES, CHANNELS, type Agency, type LegalBasis, type Service, type Sphere } from '../catalog.types.js';

// The editor's forms: records to form values and back. A form is checked against the very
// schemas the catalog import uses (catalog.schemas.ts), one field at a time so that every
// problem is reported (TypeBox stops after a few per call), and against the same references
// the import checks (the sphere and the agency must exist).

/** What a form holds: text fields as typed, checkbox groups as lists. */
export type FormValues = Record<string, string | string[]>;
/** Messages by field name, in the user's language. */
export type FieldErrors = Record<string, string>;

export interface Parsed<T> { record?: T; errors: FieldErrors }

/** One catalog item as its file has it, the shape the schemas check. */
const SERVICE_ITEM = ServicesFile.properties.services.items as unknown as TObject;
const AGENCY_ITEM = AgenciesFile.items as unknown as TObject;
const SPHERE_ITEM = SpheresFile.items as unknown as TObject;

/** Lines of a list (documents, steps) a form may hold per language. */
export const MAX_LINES = 40;
const MAX_DECIMALS = { fee: 3, discount: 2 };

export const SERVICE_TEXTS = ['name', 'summary', 'result'] as const;
export const SERVICE_LISTS = ['documents', 'steps'] as const;
export const AGENCY_TEXTS = ['name', 'address', 'hours'] as const;
export const LEGAL_TEXT = 'act';

export const fieldName = (key: string, l: Locale) => `${key}-${l}`;

// --- reading what a browser (or anyone) sent ---------------------------------------------

/** A single-line value: a string or nothing; control characters and runs of spaces folded. */
function line(value: unknown): string {
  return typeof value === 'string' ? value.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').replace(/\s+/g, ' ').trim() : '';
}

/** A multi-line value: line breaks kept (as \n), other control characters dropped. */
function block(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value.replace(/\r\n?/g, '\n').replace(/[^\P{Cc}\n\t]+/gu, '').replace(/[\p{Cf}]+/gu, '').trim();
}

function list(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).slice(0, 20);
}

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/** The fields of a form, read from a request body: unknown names are dropped. */
export function readForm(kind: 'service' | 'new-service' | 'agency' | 'sphere', body: unknown): FormValues {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const out: FormValues = {};
  const single = (name: string) => { out[name] = line(b[name]); };
  const multi = (name: string) => { out[name] = block(b[name]); };
  for (const l of LOCALES) {
    if (kind === 'service' || kind === 'new-service') {
      single(fieldName('name', l));
      for (const k of ['summary', 'result', ...SERVICE_LISTS]) multi(fieldName(k, l));
      if (kind === 'new-service') single(fieldName(LEGAL_TEXT, l));
    } else if (kind === 'agency') {
      for (const k of AGENCY_TEXTS) single(fieldName(k, l));
    } else {
      single(fieldName('name', l));
    }
  }
  if (kind === 'service' || kind === 'new-service') {
    for (const k of ['fee', 'discount', 'term-days', 'term-kind', 'type', 'sphere', 'agency']) single(k);
    out.audience = list(b.audience);
    out.channels = list(b.channels);
    if (kind === 'new-service') for (const k of ['id', 'article', 'url']) single(k);
  }
  if (kind === 'agency') for (const k of ['phone', 'email', 'website']) single(k);
  return out;
}

// --- records to forms ------------------------------------------------------------------

const perLocale = (key: string, text: (l: Locale) => string) => Object.fromEntries(LOCALES.map((l) => [fieldName(key, l), text(l)]));

export function serviceToForm(s: Service): FormValues {
  return {
    ...perLocale('name', (l) => s.name[l]),
    ...perLocale('summary', (l) => s.summary[l]),
    ...perLocale('result', (l) => s.result[l]),
    ...perLocale('documents', (l) => s.documents.map((d) => d[l]).join('\n')),
    ...perLocale('steps', (l) => s.steps.map((d) => d[l]).join('\n')),
    fee: String(s.feeBhm), discount: String(s.onlineDiscount), 'term-days': String(s.term.days), 'term-kind': s.term.kind,
    type: s.type, sphere: s.sphereId, agency: s.agencyId, audience: [...s.audience], channels: [...s.channels],
  };
}

/** An empty form for a new service, with the usual choices made. */
export function newServiceForm(): FormValues {
  const empty = (key: string) => perLocale(key, () => '');
  return {
    ...empty('name'), ...empty('summary'), ...empty('result'), ...empty('documents'), ...empty('steps'), ...empty(LEGAL_TEXT),
    id: '', article: '', url: '', fee: '0', discount: '10', 'term-days': '1', 'term-kind': 'working', type: 'interactive',
    sphere: '', agency: '', audience: ['G2C'], channels: ['portal', 'centre'],
  };
}

export function agencyToForm(a: Agency): FormValues {
  return {
    ...perLocale('name', (l) => a.name[l]), ...perLocale('address', (l) => a.address[l]), ...perLocale('hours', (l) => a.hours[l]),
    phone: a.phone, email: a.email, website: a.website ?? '',
  };
}

export function sphereToForm(s: Sphere): FormValues {
  return perLocale('name', (l) => s.name[l]);
}

// --- forms to records --------------------------------------------------------------------

const text = (v: FormValues, name: string) => (typeof v[name] === 'string' ? v[name] as string : '');
const localText = (v: FormValues, key: string): LocalText => Object.fromEntries(LOCALES.map((l) => [l, text(v, fieldName(key, l))])) as LocalText;

/**
 * Checks a catalog item against its import schema, one property at a time, and reports each
 * problem under the form field `fieldOf` names (the first problem of a field wins).
 */
function schemaErrors(schema: TObject, item: Record<string, unknown>, fieldOf: (path: string[]) => string, locale: Locale, errors: FieldErrors): void {
  for (const [key, property] of Object.entries(schema.properties)) {
    if (item[key] === undefined) continue; // an optional property left out; the form always sets the others
    for (const e of Value.Errors(property, item[key])) {
      const path = [key, ...e.instancePath.split('/').slice(1)];
      const field = fieldOf(path);
      const limit = (e.params as { limit?: number }).limit;
      errors[field] ??= e.keyword === 'minLength' && limit === 1 ? t(locale, 'editor.error.empty') : fieldMessage(locale, e.keyword, e.params as Record<string, unknown>);
    }
  }
}

/** A number as typed (a decimal comma is fine), or an error message. */
function number(v: FormValues, name: string, locale: Locale, errors: FieldErrors, options: { integer?: boolean; decimals?: number } = {}): number {
  const raw = text(v, name).replace(/\s/g, '').replace(',', '.');
  const n = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n)) errors[name] = t(locale, options.integer ? 'editor.error.whole-number' : 'editor.error.number');
  else if (options.integer && !Number.isInteger(n)) errors[name] = t(locale, 'editor.error.whole-number');
  else if (options.decimals !== undefined && (raw.split('.')[1]?.length ?? 0) > options.decimals) errors[name] = t(locale, 'editor.error.decimals', { count: options.decimals });
  return n;
}

/** A list field (one item per line) in every language: the same number of lines in each. */
function localList(v: FormValues, key: string, locale: Locale, errors: FieldErrors): LocalText[] {
  const byLocale = Object.fromEntries(LOCALES.map((l) => [l, lines(text(v, fieldName(key, l)))])) as Record<Locale, string[]>;
  const count = byLocale.uz.length;
  for (const l of LOCALES) {
    const name = fieldName(key, l);
    if (byLocale[l].length > MAX_LINES) errors[name] = t(locale, 'editor.error.too-many-lines', { limit: MAX_LINES });
    else if (l !== 'uz' && byLocale[l].length !== count) errors[name] = t(locale, 'editor.error.line-count', { count });
  }
  return Array.from({ length: Math.max(...LOCALES.map((l) => byLocale[l].length)) }, (_, i) =>
    Object.fromEntries(LOCALES.map((l) => [l, byLocale[l][i] ?? ''])) as LocalText);
}

export interface References { sphere(id: string): boolean; agency(id: string): boolean }

/**
 * A service from its form: `existing` is the service being edited (what the form does not
 * touch is kept from it: popularity, keywords, legal basis); without it, a new service.
 */
export function parseService(v: FormValues, existing: Service | undefined, refs: References, locale: Locale): Parsed<Service> {
  const errors: FieldErrors = {};
  const feeBhm = number(v, 'fee', locale, errors, { decimals: MAX_DECIMALS.fee });
  const onlineDiscount = number(v, 'discount', locale, errors, { decimals: MAX_DECIMALS.discount });
  const days = number(v, 'term-days', locale, errors, { integer: true });
  const documents = localList(v, 'documents', locale, errors);
  const steps = localList(v, 'steps', locale, errors);
  const legalBasis: LegalBasis[] = existing?.legalBasis ?? [{
    act: localText(v, LEGAL_TEXT),
    ...(text(v, 'article') ? { article: text(v, 'article') } : {}),
    ...(text(v, 'url') ? { url: text(v, 'url') } : {}),
  }];
  // The item as a catalog file would have it, so that the import's schema checks it.
  const item: Record<string, unknown> = {
    id: existing?.id ?? text(v, 'id'),
    agency: text(v, 'agency'),
    type: text(v, 'type'),
    audience: v.audience,
    channels: v.channels,
    fee_bhm: feeBhm,
    online_discount: onlineDiscount,
    term: { days, kind: text(v, 'term-kind') },
    popularity: existing?.popularity ?? 0,
    keywords: existing?.keywords ?? undefined,
    name: localText(v, 'name'),
    summary: localText(v, 'summary'),
    documents,
    result: localText(v, 'result'),
    steps,
    legal_basis: legalBasis.map((b) => ({ act: b.act, ...(b.article ? { article: b.article } : {}), ...(b.url ? { url: b.url } : {}) })),
  };
  const fieldOf = (path: string[]): string => {
    const [key, a, b] = path;
    switch (key) {
      case 'fee_bhm': return 'fee';
      case 'online_discount': return 'discount';
      case 'term': return a === 'kind' ? 'term-kind' : 'term-days';
      case 'name': case 'summary': case 'result': return a ? fieldName(key, a as Locale) : fieldName(key, 'uz');
      case 'documents': case 'steps': return b ? fieldName(key, b as Locale) : fieldName(key, 'uz');
      case 'legal_basis': return b === 'act' ? fieldName(LEGAL_TEXT, (path[3] ?? 'uz') as Locale) : b === 'url' ? 'url' : b === 'article' ? 'article' : fieldName(LEGAL_TEXT, 'uz');
      default: return key!;
    }
  };
  // Numbers that are not numbers were reported already; the schema need not say it again.
  for (const [key, field] of [['fee_bhm', 'fee'], ['online_discount', 'discount']] as const) if (errors[field]) item[key] = 0;
  if (errors['term-days']) (item.term as { days: number }).days = 0;
  if (!existing && !text(v, 'id')) errors.id = t(locale, 'editor.error.empty');
  schemaErrors(SERVICE_ITEM, item, fieldOf, locale, errors);
  const sphereId = text(v, 'sphere');
  if (!refs.sphere(sphereId)) errors.sphere = t(locale, sphereId ? 'editor.error.unknown-sphere' : 'editor.error.choose');
  if (!errors.agency && !refs.agency(text(v, 'agency'))) errors.agency = t(locale, text(v, 'agency') ? 'editor.error.unknown-agency' : 'editor.error.choose');
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    record: {
      id: item.id as string, sphereId, agencyId: item.agency as string, type: item.type as Service['type'],
      audience: AUDIENCES.filter((a) => (v.audience as string[]).includes(a)), channels: CHANNELS.filter((c) => (v.channels as string[]).includes(c)),
      feeBhm, onlineDiscount, term: { days, kind: text(v, 'term-kind') as Service['term']['kind'] },
      popularity: item.popularity as number, name: item.name as LocalText, summary: item.summary as LocalText, keywords: existing?.keywords ?? null,
      documents, result: item.result as LocalText, steps, legalBasis,
    },
  };
}

/** An agency from its form; its place in the structure (kind, region, parent) is kept. */
export function parseAgency(v: FormValues, existing: Agency, locale: Locale): Parsed<Agency> {
  const errors: FieldErrors = {};
  const website = text(v, 'website') || null;
  const item: Record<string, unknown> = {
    id: existing.id, ...(existing.parentId ? { parent: existing.parentId } : {}), kind: existing.kind, region: existing.region,
    name: localText(v, 'name'), address: localText(v, 'address'), hours: localText(v, 'hours'),
    phone: text(v, 'phone'), email: text(v, 'email'), ...(website ? { website } : {}),
  };
  schemaErrors(AGENCY_ITEM, item, ([key, l]) => (l ? fieldName(key!, l as Locale) : key!), locale, errors);
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    record: { ...existing, name: item.name as LocalText, address: item.address as LocalText, hours: item.hours as LocalText, phone: item.phone as string, email: item.email as string, website },
  };
}

/** A sphere from its form: its name; position and icon are kept. */
export function parseSphere(v: FormValues, existing: Sphere, locale: Locale): Parsed<Sphere> {
  const errors: FieldErrors = {};
  const item = { id: existing.id, position: existing.position, icon: existing.icon, name: localText(v, 'name') };
  schemaErrors(SPHERE_ITEM, item, ([key, l]) => (l ? fieldName(key!, l as Locale) : key!), locale, errors);
  if (Object.keys(errors).length > 0) return { errors };
  return { errors, record: { ...existing, name: item.name } };
}
