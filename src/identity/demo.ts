import type { Db } from '../platform/index.js';
import { hashPassword } from './password.js';
import { insertAccount, insertPerson } from './identity.store.js';

/** The demo accounts listed in the README and printed on the first start. */
export const DEMO_ACCOUNTS = [
  { id: '00000000-0000-4000-8000-000000000001', role: 'citizen', login: '+998 90 123-45-67', phone: '998901234567', password: 'demo-citizen-2026', pinfl: '31507905670012', first: 'Aziz', last: 'Karimov', middle: 'Rustamovich', cyr: { first: 'Азиз', last: 'Каримов', middle: 'Рустамович' }, birth: '1990-07-15', locale: 'uz' },
] as const;

/** Loads the demo people and their accounts into an empty database. */
export async function seedDemoPeople(db: Db): Promise<boolean> {
  const any = await db.selectFrom('identity_person').select('id').limit(1).executeTakeFirst();
  if (any) return false;
  for (const a of DEMO_ACCOUNTS) {
    await insertPerson(db, {
      id: a.id, kind: 'citizen', pinfl: a.pinfl, documentNumber: null, documentCountry: null,
      nameLatin: { first: a.first, last: a.last, middle: a.middle }, nameCyrillic: { ...a.cyr }, birthDate: a.birth,
      phone: a.phone, email: null, locale: a.locale,
    });
    await insertAccount(db, a.id, await hashPassword(a.password));
  }
  return true;
}
