import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/index.js';
import type { PersonName } from './identity.tables.js';

export interface Person {
  id: string;
  kind: 'citizen' | 'foreigner';
  pinfl: string | null;
  documentNumber: string | null;
  documentCountry: string | null;
  nameLatin: PersonName;
  nameCyrillic: PersonName | null;
  birthDate: string;
  phone: string | null;
  email: string | null;
  locale: string;
}

export const PERSON_COLUMNS = ['id', 'kind', 'pinfl', 'document_number', 'document_country', 'name_latin', 'name_cyrillic', 'birth_date', 'phone', 'email', 'locale'] as const;

export function toPerson(row: { id: string; kind: string; pinfl: string | null; document_number: string | null; document_country: string | null; name_latin: PersonName; name_cyrillic: PersonName | null; birth_date: string; phone: string | null; email: string | null; locale: string }): Person {
  return {
    id: row.id, kind: row.kind as Person['kind'], pinfl: row.pinfl, documentNumber: row.document_number, documentCountry: row.document_country,
    nameLatin: row.name_latin, nameCyrillic: row.name_cyrillic, birthDate: row.birth_date, phone: row.phone, email: row.email, locale: row.locale,
  };
}

export async function findPerson(db: Db, id: string): Promise<Person | undefined> {
  const row = await db.selectFrom('identity_person').select(PERSON_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row && toPerson(row);
}

/** A person by what they type to sign in: their phone number or PINFL. */
export async function findAccountByLogin(db: Db, login: string): Promise<(Person & { passwordHash: string }) | undefined> {
  const digits = login.replace(/[^\d]/g, '');
  const phone = digits.length === 9 ? `998${digits}` : digits;
  const row = await db.selectFrom('identity_person').innerJoin('identity_account', 'identity_account.person_id', 'identity_person.id')
    .select([...PERSON_COLUMNS.map((c) => `identity_person.${c}` as const), 'identity_account.password_hash'])
    .where((eb) => eb.or([eb('identity_person.phone', '=', phone), eb('identity_person.pinfl', '=', digits)]))
    .executeTakeFirst();
  return row && { ...toPerson(row), passwordHash: row.password_hash };
}

export async function insertPerson(db: Db, person: Omit<Person, 'id'> & { id?: string }): Promise<string> {
  const id = person.id ?? randomUUID();
  await db.insertInto('identity_person').values({
    id, kind: person.kind, pinfl: person.pinfl, document_number: person.documentNumber, document_country: person.documentCountry,
    name_latin: JSON.stringify(person.nameLatin), name_cyrillic: JSON.stringify(person.nameCyrillic), birth_date: person.birthDate,
    phone: person.phone, email: person.email, locale: person.locale,
  }).execute();
  return id;
}

export async function insertAccount(db: Db, personId: string, passwordHash: string): Promise<void> {
  await db.insertInto('identity_account').values({ person_id: personId, password_hash: passwordHash, phone_verified_at: new Date() }).execute();
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

export async function audit(db: Db, entry: { actor?: string | null; action: string; subject?: string | null; ip?: string | null; detail?: Record<string, unknown> }): Promise<void> {
  await db.insertInto('identity_audit').values({ actor: entry.actor ?? null, action: entry.action, subject: entry.subject ?? null, ip: entry.ip ?? null, detail: JSON.stringify(entry.detail ?? {}) }).execute();
}

/** The OpenID claims of a person for the scopes granted. */
export function personClaims(person: Person, scope: string): { sub: string; [claim: string]: unknown } {
  const scopes = new Set(scope.split(' '));
  const { first, last, middle } = person.nameLatin;
  return {
    sub: person.id,
    ...(scopes.has('profile') ? {
      name: [first, middle, last].filter(Boolean).join(' '), given_name: first, family_name: last, ...(middle ? { middle_name: middle } : {}),
      birthdate: person.birthDate, locale: person.locale,
    } : {}),
    ...(scopes.has('pinfl') && person.pinfl ? { pinfl: person.pinfl } : {}),
  };
}
