// The appeal form as the pages read it: fields from a multipart body (files last), checked
// here in the user's language before the service checks them again. The limits are the
// service's (src/appeals/service.ts); the service's own ValidationError is the last word.
import type { FastifyRequest } from 'fastify';
import { districtById, type Session } from '../../identity/index.js';
import type { FieldError, Translate } from '../../platform/index.js';
import { inUzbekistan } from '../geo.js';
import { LIMITS as CORE } from '../service.js';
import { APPEAL_KINDS, type AppealKind, type NewAttachment, type Place, type Topic } from '../types.js';
import { REGION_IDS } from './places.js';

/** The service's limits, as the forms say them. */
export const LIMITS = { ...CORE, reason: CORE.reason[1], fileMb: CORE.fileBytes / 1024 / 1024 } as const;
/** How an officer received an appeal they enter. */
export const OFFICE_CHANNELS = ['phone', 'post', 'in_person'] as const;

/** A form's fields as typed (for re-rendering) and its files. */
export interface ReadForm { fields: Record<string, string>; files: NewAttachment[]; fileError?: 'too-large' | 'too-many'; broken?: boolean }

/**
 * Reads a form, multipart or not. Fields are cut at 12,000 characters; a file over the limit
 * stops the reading there, which is why the file input comes last in the form.
 */
export async function readAppealForm(request: FastifyRequest): Promise<ReadForm> {
  const out: ReadForm = { fields: {}, files: [] };
  if (!request.isMultipart()) {
    for (const [k, v] of Object.entries((request.body ?? {}) as Record<string, unknown>)) if (typeof v === 'string') out.fields[k] = v.slice(0, 12_000);
    return out;
  }
  try {
    for await (const part of request.parts({ limits: { fileSize: LIMITS.fileMb * 1024 * 1024, files: LIMITS.files + 1, fields: 40, fieldSize: 50_000 } })) {
      if (part.type === 'field') { out.fields[part.fieldname] = String(part.value).slice(0, 12_000); continue; }
      const content = await part.toBuffer();
      if (content.length === 0) continue; // an empty file input
      if (out.files.length >= LIMITS.files) { out.fileError = 'too-many'; continue; }
      out.files.push({ name: (part.filename || 'file').replace(/[\\/\u0000-\u001f]/g, '_').slice(-120), mime: part.mimetype, content });
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') out.fileError = 'too-large';
    else if (code === 'FST_FILES_LIMIT') out.fileError = 'too-many';
    else out.broken = true;
  }
  return out;
}

/** What the form asks for, checked; `errors` by field name, in the page's language. */
export interface AppealInput {
  kind: AppealKind; topicId: string; summary: string; body: string; place: Place; idempotencyKey: string; applicationId?: string;
  /** Entered by an officer: how it came and who the author is. */
  external?: { channel: (typeof OFFICE_CHANNELS)[number]; name: string; phone?: string; address?: string };
}

const REGION_SET = new Set<string>(REGION_IDS);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

/** A decimal degree as typed: a dot or a comma, at most 8 decimals. */
function degree(raw: string): number | undefined | null {
  const s = raw.trim().replace(',', '.');
  if (!s) return undefined;
  return /^-?\d{1,3}(\.\d{1,8})?$/.test(s) ? Number(s) : null;
}

/**
 * Checks the appeal form. Returns the input for the service, or the errors to show beside the
 * fields. `office` adds the author and channel an officer enters for someone without an account.
 */
export function checkAppealForm(fields: Record<string, string>, topic: (id: string) => Topic | undefined, t: Translate, office = false):
  { input: AppealInput; errors?: undefined } | { input?: undefined; errors: Record<string, string> } {
  const f = (name: string) => (fields[name] ?? '').trim();
  const errors: Record<string, string> = {};
  const kind = f('kind') as AppealKind;
  if (!APPEAL_KINDS.includes(kind)) errors.kind = t('appeals.ui.error.kind');
  const found = topic(f('topic'));
  if (!found) errors.topic = t('appeals.ui.error.topic');
  const summary = f('summary');
  if (summary.length < LIMITS.summary[0]) errors.summary = t('appeals.ui.error.summary-short', { min: LIMITS.summary[0] });
  else if (summary.length > LIMITS.summary[1]) errors.summary = t('appeals.ui.error.too-long', { max: LIMITS.summary[1] });
  const body = f('body');
  if (body.length < LIMITS.body[0]) errors.body = t('appeals.ui.error.body-short', { min: LIMITS.body[0] });
  else if (body.length > LIMITS.body[1]) errors.body = t('appeals.ui.error.too-long', { max: LIMITS.body[1] });

  const region = f('region'), district = f('district'), address = f('address');
  const place: Place = {};
  if (district) {
    const d = districtById(district);
    if (!d || (region && d.region !== region)) errors.district = t('appeals.ui.error.district');
    else { place.district = d.id; place.region = d.region; }
  } else if (region) {
    if (!REGION_SET.has(region)) errors.region = t('appeals.ui.error.region');
    else place.region = region;
  }
  if (address.length > LIMITS.address) errors.address = t('appeals.ui.error.too-long', { max: LIMITS.address });
  else if (address) place.address = address;
  const lat = degree(f('lat')), lon = degree(f('lon'));
  if (lat === null) errors.lat = t('appeals.ui.error.degree');
  if (lon === null) errors.lon = t('appeals.ui.error.degree');
  if (typeof lat === 'number' && typeof lon === 'number') {
    if (inUzbekistan(lat, lon)) { place.lat = lat; place.lon = lon; } else errors.lat = t('appeals.ui.error.point-outside');
  }
  else if (lat !== null && lon !== null && (lat === undefined) !== (lon === undefined)) errors[lat === undefined ? 'lat' : 'lon'] = t('appeals.ui.error.point-half');
  // A local matter goes to the district's administration: it needs to know where.
  if (found?.local && !place.region && place.lat === undefined && !errors.district && !errors.region && !errors.lat && !errors.lon) errors.region = t('appeals.ui.error.place-needed');

  const idempotencyKey = f('idempotency');
  if (!isUuid(idempotencyKey)) errors.idempotency = t('appeals.ui.error.form-expired');
  const application = f('application');
  if (application && !isUuid(application)) errors.application = t('appeals.ui.error.application');

  let external: AppealInput['external'];
  if (office) {
    const channel = f('channel') as (typeof OFFICE_CHANNELS)[number];
    if (!OFFICE_CHANNELS.includes(channel)) errors.channel = t('appeals.ui.error.channel');
    const name = f('author-name'), phone = f('author-phone'), postal = f('author-address');
    if (!name) errors['author-name'] = t('appeals.ui.error.author-name');
    else if (name.length > LIMITS.name) errors['author-name'] = t('appeals.ui.error.too-long', { max: LIMITS.name });
    if (phone && !/^\+?[\d\s()-]{7,20}$/.test(phone)) errors['author-phone'] = t('appeals.ui.error.phone');
    if (postal.length > LIMITS.address) errors['author-address'] = t('appeals.ui.error.too-long', { max: LIMITS.address });
    if (!phone && !postal && !errors['author-phone']) errors['author-phone'] = t('appeals.ui.error.author-contact');
    external = { channel, name, ...(phone ? { phone } : {}), ...(postal ? { address: postal } : {}) };
  }
  if (Object.keys(errors).length > 0) return { errors };
  return { input: { kind, topicId: found!.id, summary, body, place, idempotencyKey, ...(application ? { applicationId: application } : {}), ...(external ? { external } : {}) } };
}

/** The service's field errors (JSON pointers) under the form's field names. */
export function formErrors(errors: FieldError[], fallback: string): Record<string, string> {
  const names: Record<string, string> = {
    topicId: 'topic', place: 'region', name: 'author-name', author: 'author-name', applicationId: 'application', idempotencyKey: 'summary', locale: 'summary',
  };
  const out: Record<string, string> = {};
  for (const e of errors) {
    const last = e.pointer.split('/').filter(Boolean).at(-1) ?? '';
    const name = names[last] ?? (/^\d+$/.test(last) ? 'attachments' : last || fallback);
    out[name] ??= e.detail;
  }
  return out;
}

/** A person's name as an actor in the appeal's trail: Latin, with the position held at the agency when there is one. */
export function actorOf(session: Session, agencyId?: string): { id: string; name: string } {
  const n = session.person.nameLatin;
  const name = [n.last, n.first].filter(Boolean).join(' ');
  const position = session.roles.find((r) => r.agencyId === agencyId && r.position)?.position;
  return { id: session.person.id, name: position ? `${name}, ${position}` : name };
}
