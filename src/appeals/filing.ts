// Checking a filing before anything is written: fields, place, attachments, the application a
// complaint is about. Everything wrong is reported at once, in the author's language.
import { createHash } from 'node:crypto';
import { districtById, regionById } from '../identity/index.js';
import { DEFAULT_LOCALE, isLocale, t, ValidationError, type Db, type FieldError, type Locale } from '../platform/index.js';
import { inUzbekistan, nearestDistrict } from './geo.js';
import { routeOf, type Route } from './routing.js';
import { APPEAL_CHANNELS, APPEAL_KINDS, type NewAppeal, type Topic } from './types.js';

export const LIMITS = {
  summary: [5, 200], body: [20, 10_000], answer: [20, 10_000], reason: [1, 2000], comment: 1000, name: 200, address: 500,
  files: 5, fileBytes: 10 * 1024 * 1024, key: 200,
} as const;
/** Attachments are judged by their content, never by their name or claimed type. */
export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];

/** Characters as people count them (a letter with a combining mark aside), ignoring spaces around. */
export const count = (text: string) => [...text.trim()].length;

export interface CheckedFiling {
  topic: Topic;
  place: { region: string | null; district: string | null; lat: number | null; lon: number | null; address: string | null };
  attachments: { name: string; mime: string; size: number; sha256: string; content: Buffer }[];
  route: Route;
}

/**
 * Checks a filing: every problem at once, as field errors in the author's language (pointers
 * like `/summary`, `/place/lat`, `/attachments/1`); attachments judged by their content. Gives
 * the topic, the place (region and district found from a point when not given) and the route.
 */
export async function checkFiling(input: NewAppeal, db: Db, topicOf: (id: string) => Topic | undefined): Promise<CheckedFiling> {
  const l: Locale = isLocale(input.locale) ? input.locale : DEFAULT_LOCALE;
  const errors: FieldError[] = [];
  const fail = (pointer: string, key: string, params?: Record<string, string | number>) => errors.push({ pointer, detail: t(l, `appeals.core.invalid.${key}`, params) });
  if (!isLocale(input.locale)) fail('/locale', 'locale');
  if (!APPEAL_KINDS.includes(input.kind)) fail('/kind', 'kind');
  if (!APPEAL_CHANNELS.includes(input.channel)) fail('/channel', 'channel');
  const topic = typeof input.topicId === 'string' ? topicOf(input.topicId) : undefined;
  if (!topic) fail('/topicId', 'topic');
  const text = (pointer: string, value: unknown, [min, max]: readonly [number, number], key: string) => {
    if (typeof value !== 'string' || count(value) === 0) fail(pointer, `${key}-missing`);
    else if (count(value) < min || [...value].length > max) fail(pointer, `${key}-length`, { min, max });
  };
  text('/summary', input.summary, LIMITS.summary, 'summary');
  text('/body', input.body, LIMITS.body, 'body');
  if (typeof input.idempotencyKey !== 'string' || !input.idempotencyKey || input.idempotencyKey.length > LIMITS.key) fail('/idempotencyKey', 'key');
  const author = input.author;
  if (!['person', 'business', 'external'].includes(author?.kind) || (author.kind !== 'external' && typeof author.personId !== 'string')) fail('/author', 'author');
  else if (typeof author.name !== 'string' || !author.name.trim() || author.name.length > LIMITS.name) fail('/author/name', 'name');

  const place = checkPlace(input.place ?? {}, topic, fail);

  const files = input.attachments ?? [];
  if (files.length > LIMITS.files) fail('/attachments', 'files-count', { max: LIMITS.files });
  const attachments: { name: string; mime: string; size: number; sha256: string; content: Buffer }[] = [];
  for (const [i, f] of files.slice(0, LIMITS.files).entries()) {
    if (!Buffer.isBuffer(f.content) || f.content.length === 0) { fail(`/attachments/${i}`, 'file-empty', { name: String(f.name) }); continue; }
    if (f.content.length > LIMITS.fileBytes) { fail(`/attachments/${i}`, 'file-size', { name: String(f.name), mb: LIMITS.fileBytes / 1024 / 1024 }); continue; }
    const type = await (await import('file-type')).fileTypeFromBuffer(f.content);
    if (!type || !ATTACHMENT_TYPES.includes(type.mime)) { fail(`/attachments/${i}`, 'file-type', { name: String(f.name) }); continue; }
    const name = String(f.name ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(-150) || 'file';
    attachments.push({ name, mime: type.mime, size: f.content.length, sha256: createHash('sha256').update(f.content).digest('hex'), content: f.content });
  }

  let applicationAgency: string | undefined;
  if (input.applicationId !== undefined) {
    const personId = author && author.kind !== 'external' ? author.personId : undefined;
    const app = personId && typeof input.applicationId === 'string'
      ? await db.selectFrom('applications_application').select(['agency_id', 'person_id', 'business_id']).where('id', '=', input.applicationId).executeTakeFirst()
      : undefined;
    // Someone else's application reads as an unknown one: its existence is not told.
    const mine = app && app.person_id === personId && (author?.kind !== 'business' || app.business_id === author.businessId);
    if (!mine) fail('/applicationId', 'application');
    else applicationAgency = app.agency_id;
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return { topic: topic!, place: place!, attachments, route: routeOf(topic!, place!, applicationAgency) };
}

/** The region and district of a place: as given (checked), else the nearest district to the point. */
function checkPlace(p: NewAppeal['place'], topic: Topic | undefined, fail: (pointer: string, key: string) => void) {
  let region: string | null = null, district: string | null = null;
  const hasPoint = p.lat != null || p.lon != null;
  let point: { lat: number; lon: number } | null = null;
  if (hasPoint) {
    const ok = (v: unknown, lim: number) => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= lim;
    if (!ok(p.lat, 90) || !ok(p.lon, 180)) fail('/place/lat', 'point');
    else if (!inUzbekistan(p.lat!, p.lon!)) fail('/place/lat', 'point-outside');
    else point = { lat: p.lat!, lon: p.lon! };
  }
  if (p.region !== undefined && p.region !== null && p.region !== '') {
    if (typeof p.region !== 'string' || !regionById(p.region)) fail('/place/region', 'region');
    else region = p.region;
  }
  if (p.district !== undefined && p.district !== null && p.district !== '') {
    const d = typeof p.district === 'string' ? districtById(p.district) : undefined;
    if (!d || (region && d.region !== region)) fail('/place/district', 'district');
    else { district = d.id; region = d.region; }
  }
  // A point places the appeal in the nearest district, unless a district was chosen (or the point lies outside the region chosen).
  if (point && !district) {
    const near = nearestDistrict(point.lat, point.lon);
    if (!region || near.region === region) { region = near.region; district = near.id; }
  }
  if (p.address !== undefined && (typeof p.address !== 'string' || p.address.length > LIMITS.address)) fail('/place/address', 'address');
  if (topic?.local && !hasPoint && !district) fail(region ? '/place/district' : '/place', 'place-needed');
  return { region, district, lat: point?.lat ?? null, lon: point?.lon ?? null, address: typeof p.address === 'string' ? p.address.trim() || null : null };
}
