// How a registry service is written: its contract (path, parameters and answer as TypeBox
// schemas, from which the OpenAPI description is derived) beside the handler that answers it.
import { Type, type TObject, type TSchema } from 'typebox';
import type { Db } from '../platform/index.js';
import { districtById, parsePinfl, PinflError, parseStir, regionById, StirError } from '../identity/index.js';

export interface Title { uz: string; ru: string; en: string }

/** What a handler gets: the database and the request's checked parameters. */
export interface ServiceInput {
  db: Db;
  params: Record<string, string>;
  query: Record<string, string | number | undefined>;
  /** X-Road-UserId: the person on whose behalf the call is made, when the client says. */
  userId?: string;
}

export interface ServiceDef {
  code: string;
  method: 'GET';
  /** After the service code: '' (parameters in the query) or '/{name}'. */
  path: string;
  title: Title;
  /** What the service answers, for its OpenAPI description (English). */
  description: string;
  personal: boolean;
  params?: TObject;
  query?: TObject;
  response: TSchema;
  /** When the service answers 404, for its description. */
  notFound?: string;
  /** A call that answers with data for the demo citizen or business: path after the code, and query. */
  example: { path: string; query: string };
  handler(input: ServiceInput): Promise<unknown>;
}

export interface RegistryDef {
  member: { class: 'GOV'; code: string; name: string };
  subsystem: string;
  title: Title;
  services: ServiceDef[];
}

/** An answer other than 200: `{ type, message }` with a status. */
export class RegistryError extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

export const notFound = (message: string) => new RegistryError(404, 'not-found', message);
export const badRequest = (message: string) => new RegistryError(400, 'invalid-parameter', message);

// ---- Schemas every registry uses ----

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const PinflSchema = Type.String({ pattern: '^\\d{14}$', description: 'PINFL: 14 digits, the last a check digit', examples: ['31507901120014'] });
export const StirSchema = Type.String({ pattern: '^[2-6]\\d{8}$', description: 'STIR (taxpayer number): 9 digits', examples: ['305123458'] });
export const DaySchema = Type.String({ format: 'date' });
export const MonthSchema = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });
export const Tiyin = (description = 'tiyin (1/100 soʻm)') => Type.Integer({ minimum: 0, description });
export const TextSchema = Type.Object({ uz: Type.String(), ru: Type.String(), en: Type.String() }, { additionalProperties: false });
export const NameSchema = Type.Object({ first: Type.String(), last: Type.String(), middle: Type.Optional(Type.String()) }, { additionalProperties: false });
export const PersonRefSchema = Type.Object({
  pinfl: Nullable(PinflSchema), name: NameSchema,
}, { additionalProperties: false, description: 'A person; pinfl is null for one the registry knows by name only' });
export const PlaceSchema = Type.Object({
  region: Type.String({ description: 'region id, e.g. tashkent-city' }),
  district: Type.String({ description: 'district id, e.g. yunusobod' }),
  name: TextSchema,
}, { additionalProperties: false });
export const AddressSchema = Type.Object({
  region: Type.String({ description: 'region id' }),
  district: Type.String({ description: 'district id' }),
  line: Type.String({ description: 'street, house and flat, in Uzbek Latin' }),
  text: TextSchema,
}, { additionalProperties: false });
export const ErrorSchema = Type.Object({ type: Type.String(), message: Type.String() }, { additionalProperties: false });

/** A district with its region's and its own names. */
export function place(districtId: string) {
  const district = districtById(districtId);
  const region = district && regionById(district.region);
  if (!district || !region) return { region: '', district: districtId, name: { uz: districtId, ru: districtId, en: districtId } };
  const join = (l: 'uz' | 'ru' | 'en') => `${region.name[l]}, ${district.name[l]}`;
  return { region: region.id, district: district.id, name: { uz: join('uz'), ru: join('ru'), en: join('en') } };
}

/** An address as the registries answer it: ids, the line, and the whole in three languages. */
export function address(districtId: string, line: string) {
  const p = place(districtId);
  return { region: p.region, district: p.district, line, text: { uz: `${p.name.uz}, ${line}`, ru: `${p.name.ru}, ${line}`, en: `${p.name.en}, ${line}` } };
}

// ---- Input checks beyond the schemas: PINFL and STIR rules ----

/** A PINFL with a valid date and check digit (any district code: real numbers may carry one we do not list). */
export function checkPinfl(value: unknown, name = 'pinfl'): string {
  try {
    return parsePinfl(String(value ?? ''), { anyDistrict: true }).pinfl;
  } catch (error) {
    if (error instanceof PinflError) throw badRequest(`${name}: ${error.message}`);
    throw error;
  }
}

export function checkStir(value: unknown, name = 'stir'): string {
  try {
    return parseStir(String(value ?? '')).stir;
  } catch (error) {
    if (error instanceof StirError) throw badRequest(`${name}: ${error.message}`);
    throw error;
  }
}

/** Exactly one of the named query parameters, checked; its name and value. */
export function oneOf<K extends string>(query: ServiceInput['query'], names: readonly K[]): { name: K; value: string } {
  const given = names.filter((n) => query[n] !== undefined && query[n] !== '');
  if (given.length !== 1) throw badRequest(`give exactly one of ${names.join(', ')}`);
  const name = given[0];
  const value = name === 'stir' ? checkStir(query[name]) : /pinfl|parent|child|applicant|person/.test(name) ? checkPinfl(query[name], name) : String(query[name]);
  return { name, value };
}

/** The person the population register knows by this PINFL, or 404: services answer only for people that exist. */
export async function knownPerson(db: Db, pinfl: string) {
  const person = await db.selectFrom('registry_person').selectAll().where('pinfl', '=', pinfl).executeTakeFirst();
  if (!person) throw notFound(`no person with PINFL ${pinfl}`);
  return person;
}

/** A registered business by STIR, or 404. */
export async function knownCompany(db: Db, stir: string) {
  const company = await db.selectFrom('registry_company').selectAll().where('stir', '=', stir).executeTakeFirst();
  if (!company) throw notFound(`no business with STIR ${stir}`);
  return company;
}

/** Names of people by PINFL, for answers that name them. */
export async function namesOf(db: Db, pinfls: (string | null)[]): Promise<Map<string, { first: string; last: string; middle?: string }>> {
  const wanted = [...new Set(pinfls.filter((p): p is string => !!p))];
  if (!wanted.length) return new Map();
  const rows = await db.selectFrom('registry_person').select(['pinfl', 'name_latin']).where('pinfl', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.pinfl, r.name_latin]));
}

export const pinflQuery = (description: string) => Type.Object({ pinfl: Type.String({ ...PinflSchema, description }) }, { additionalProperties: false });
export const pinflPath = Type.Object({ pinfl: PinflSchema }, { additionalProperties: false });
/** `?pinfl=` or `?stir=`, exactly one. */
export const ownerQuery = Type.Object({
  pinfl: Type.Optional(Type.String({ ...PinflSchema, description: 'a person (give this or stir)' })),
  stir: Type.Optional(Type.String({ ...StirSchema, description: 'a business (give this or pinfl)' })),
}, { additionalProperties: false });
