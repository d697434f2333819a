// POST requests: the spec's form fields read into a new appeal, or the list of what is wrong
// with them (every problem at once, in the client's language). Lengths and the country's
// outline are the appeals service's to check; here only what is Open311's own.
import type { Translate } from '../../platform/index.js';
import { APPEAL_KINDS, type AppealKind, type Place, type Topic } from '../types.js';

/** What the form asks to file, before the client and the idempotency key are added. */
export interface Filing {
  topicId: string;
  kind: AppealKind;
  summary: string;
  body: string;
  place: Place;
  name?: string;
  contact: { email?: string; phone?: string };
}

/** The attributes every service takes (see `serviceDefinition`). */
export const ATTRIBUTES = ['kind', 'summary'] as const;

const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]+\.[^\s@<>"]{2,}$/;
const PHONE = /^\+?[\d\s()-]{7,20}$/;
const URL_OK = /^https?:\/\/[^\s<>"]{1,2000}$/;
/** Where the media_url is kept in the appeal's text (the registry has no field for it); `mediaUrlOf` reads it back. */
const MEDIA_LINE = '\n\nmedia_url: ';

/** Form fields in order, a field given twice kept twice; `attribute[x]` and `attribute[x][]` under `attributes`. */
export function readForm(body: string): { fields: Map<string, string[]>; attributes: Map<string, string[]> } {
  const fields = new Map<string, string[]>();
  const attributes = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(body)) {
    const attr = /^attribute\[([^\]]*)\](\[\])?$/.exec(name);
    const into = attr ? attributes : fields;
    const key = attr ? attr[1]! : name;
    into.set(key, [...(into.get(key) ?? []), value]);
  }
  return { fields, attributes };
}

/** The one value of a field; undefined when absent or blank. Given twice, the field is an error (`twice`). */
function one(map: Map<string, string[]>, name: string, twice: string[]): string | undefined {
  const values = map.get(name);
  if (!values) return undefined;
  if (values.length > 1) twice.push(name);
  const value = values[0]!.trim();
  return value === '' ? undefined : value;
}

/**
 * Checks the fields of a POST against the services and the district list. Returns the
 * filing, or the problems as sentences in the translator's language.
 */
export function readFiling(
  form: ReturnType<typeof readForm>, t: Translate,
  lookup: { topic(id: string): Topic | undefined; district(id: string): { id: string; region: string } | undefined },
): { filing: Filing } | { errors: string[] } {
  const errors: string[] = [];
  const twice: string[] = [];
  const f = (name: string) => one(form.fields, name, twice);
  const e = (key: string, params?: Record<string, string | number>) => errors.push(t(`appeals.open311.error.${key}`, params));

  const serviceCode = f('service_code');
  const topic = serviceCode ? lookup.topic(serviceCode) : undefined;
  if (!serviceCode) e('service-code-missing');
  else if (!topic) e('service-code-unknown', { code: serviceCode });

  // Location: a point, an address, or a district id (address_id), at least one of them.
  const place: Place = {};
  const lat = f('lat'), long = f('long');
  if ((lat === undefined) !== (long === undefined)) e('lat-long-pair');
  else if (lat !== undefined && long !== undefined) {
    const y = Number(lat), x = Number(long);
    if (!/^-?\d+(\.\d+)?$/.test(lat) || !/^-?\d+(\.\d+)?$/.test(long) || Math.abs(y) > 90 || Math.abs(x) > 180) e('lat-long-invalid');
    else { place.lat = y; place.lon = x; }
  }
  const address = f('address_string');
  if (address !== undefined) {
    if (address.length > 500) e('address-too-long', { max: 500 });
    else place.address = address;
  }
  const addressId = f('address_id');
  if (addressId !== undefined) {
    const district = lookup.district(addressId);
    if (!district) e('address-id-unknown', { id: addressId });
    else { place.region = district.region; place.district = district.id; }
  }
  if (lat === undefined && long === undefined && address === undefined && addressId === undefined) e('location-missing');

  const description = f('description');
  if (!description) e('description-missing');
  const media = f('media_url');
  if (media !== undefined && !URL_OK.test(media)) e('media-url-invalid');

  // Who reports: never required, never shown back; kept as the author's contact.
  const email = f('email'), phone = f('phone');
  const first = f('first_name'), last = f('last_name');
  if (email !== undefined && (email.length > 254 || !EMAIL.test(email))) e('email-invalid');
  if (phone !== undefined && !PHONE.test(phone)) e('phone-invalid');
  if ((first?.length ?? 0) > 100 || (last?.length ?? 0) > 100) e('name-too-long', { max: 100 });

  // Attributes of the service definition.
  for (const code of form.attributes.keys()) {
    if (!(ATTRIBUTES as readonly string[]).includes(code)) e('attribute-unknown', { code });
  }
  const kindValue = one(form.attributes, 'kind', twice);
  if (kindValue !== undefined && !(APPEAL_KINDS as readonly string[]).includes(kindValue)) e('attribute-value', { code: 'kind', value: kindValue });
  const summary = one(form.attributes, 'summary', twice);
  if (summary === undefined) e('attribute-required', { code: 'summary' });
  for (const name of new Set(twice)) e('field-twice', { name });

  if (errors.length > 0) return { errors };
  const name = [first, last].filter(Boolean).join(' ') || undefined;
  return {
    filing: {
      topicId: topic!.id,
      kind: (kindValue ?? 'statement') as AppealKind,
      summary: summary!,
      body: media ? `${description}${MEDIA_LINE}${media}` : description!,
      place,
      name,
      contact: { ...(email ? { email } : {}), ...(phone ? { phone } : {}) },
    },
  };
}

/** The appeal's text without the media line, and the media_url it carried. */
export function mediaUrlOf(body: string): { description: string; mediaUrl?: string } {
  const at = body.lastIndexOf(MEDIA_LINE);
  if (at < 0) return { description: body };
  const url = body.slice(at + MEDIA_LINE.length);
  return URL_OK.test(url) ? { description: body.slice(0, at), mediaUrl: url } : { description: body };
}

/** The service's field errors named as the client sent them (`#/body` → description). */
const FIELD_NAMES: [RegExp, string][] = [
  [/(^|[/#.])body$/, 'description'], [/(^|[/#.])summary$/, 'attribute[summary]'], [/(^|[/#.])kind$/, 'attribute[kind]'],
  [/(^|[/#.])(lat|lon|point)$/, 'lat/long'], [/(^|[/#.])address$/, 'address_string'], [/(^|[/#.])(region|district)$/, 'address_id'],
  [/(^|[/#.])(topicId|topic)$/, 'service_code'], [/(^|[/#.])place$/, 'location'], [/(^|[/#.])name$/, 'first_name/last_name'],
];

export function fieldName(pointer: string): string | undefined {
  return FIELD_NAMES.find(([re]) => re.test(pointer))?.[1];
}
