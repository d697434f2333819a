import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Locale } from '../../platform/index.js';
import { audit } from '../identity.store.js';
import type { PersonName } from '../identity.tables.js';
import { actingPower } from '../sessions.js';

export type BusinessName = { uz: string; ru: string; en: string };

/** A business's registered name in a locale: registries keep Uzbek (Latin), Russian and English. */
export const businessName = (name: BusinessName, locale: Locale | string) => (locale === 'ru' ? name.ru : locale === 'en' ? name.en : name.uz);

export const fullName = (n: PersonName) => [n.first, n.middle, n.last].filter(Boolean).join(' ');

/** A person's name as the page's script has it: Cyrillic on Uzbek Cyrillic pages when known. */
export const personName = (latin: PersonName, cyrillic: PersonName | null, locale: Locale) => fullName(locale === 'oz' && cyrillic ? cyrillic : latin);

/** The business with its director's name, as the registry has it. */
export async function findBusiness(db: Db, id: string) {
  return db.selectFrom('identity_business').innerJoin('identity_person', 'identity_person.id', 'identity_business.director_id')
    .select(['identity_business.id', 'stir', 'legal_form', 'identity_business.name', 'registered_on', 'region', 'district', 'address', 'director_id',
      'identity_person.name_latin as director_latin', 'identity_person.name_cyrillic as director_cyrillic'])
    .where('identity_business.id', '=', id).executeTakeFirst();
}

export type PowerRow = Awaited<ReturnType<typeof activePowers>>[number];

/** Powers in force for a business (not revoked, not expired), soonest to end first; one person's only when `personId` is given. */
export async function activePowers(db: Db, businessId: string, personId?: string) {
  let query = db.selectFrom('identity_power').innerJoin('identity_person', 'identity_person.id', 'identity_power.person_id')
    .select(['identity_power.id', 'identity_power.person_id', 'scope', 'expires_at', 'identity_power.created_at',
      'identity_person.pinfl', 'identity_person.name_latin', 'identity_person.name_cyrillic'])
    .where('business_id', '=', businessId).where('revoked_at', 'is', null).where('expires_at', '>', sql<Date>`now()`);
  if (personId) query = query.where('identity_power.person_id', '=', personId);
  return query.orderBy('expires_at').orderBy('identity_power.id').execute();
}

export type GrantCheck = { ok: true; personId: string } | { ok: false; reason: 'unknown' | 'director' | 'holds' };

/** Whether a power may go to the person of this PINFL: they must exist, not direct the business, not hold a power already. */
export async function checkGrantee(db: Db, businessId: string, pinfl: string): Promise<GrantCheck> {
  const person = await db.selectFrom('identity_person').select('id').where('pinfl', '=', pinfl).executeTakeFirst();
  if (!person) return { ok: false, reason: 'unknown' };
  const business = await db.selectFrom('identity_business').select('director_id').where('id', '=', businessId).executeTakeFirstOrThrow();
  if (business.director_id === person.id) return { ok: false, reason: 'director' };
  if ((await activePowers(db, businessId, person.id)).length > 0) return { ok: false, reason: 'holds' };
  return { ok: true, personId: person.id };
}

/**
 * Grants a power and records it in one transaction; the check that the person holds no
 * power yet is made again inside it, so two clicks cannot make two. Returns the power's id,
 * or the reason it was refused.
 */
export async function grantPower(db: Db, grant: { businessId: string; pinfl: string; scope: string[]; expiresAt: Date; by: string; ip: string }): Promise<{ id: string; personId: string } | GrantCheck & { ok: false }> {
  return db.transaction().execute(async (trx) => {
    // Grants for one business wait for each other here, so the check below sees the last one.
    await trx.selectFrom('identity_business').select('id').where('id', '=', grant.businessId).forUpdate().execute();
    const check = await checkGrantee(trx, grant.businessId, grant.pinfl);
    if (!check.ok) return check;
    const id = randomUUID();
    await trx.insertInto('identity_power').values({
      id, business_id: grant.businessId, person_id: check.personId, scope: JSON.stringify(grant.scope), granted_by: grant.by,
      expires_at: grant.expiresAt, revoked_at: null, revoked_by: null,
    }).execute();
    await audit(trx, {
      actor: grant.by, action: 'power.granted', subject: check.personId, ip: grant.ip,
      detail: { power: id, business: grant.businessId, scope: grant.scope, expiresAt: grant.expiresAt.toISOString() },
    });
    return { id, personId: check.personId };
  });
}

/** Revokes a power of the business that is still in force, with its audit record in one transaction; returns whose it was. */
export async function revokePower(db: Db, revoke: { businessId: string; powerId: string; by: string; reason: string | null; ip: string }): Promise<string | undefined> {
  return db.transaction().execute(async (trx) => {
    const power = await trx.updateTable('identity_power').set({ revoked_at: sql`now()`, revoked_by: revoke.by })
      .where('id', '=', revoke.powerId).where('business_id', '=', revoke.businessId).where('revoked_at', 'is', null)
      .returning('person_id').executeTakeFirst();
    if (!power) return undefined;
    await audit(trx, {
      actor: revoke.by, action: 'power.revoked', subject: power.person_id, ip: revoke.ip,
      detail: { power: revoke.powerId, business: revoke.businessId, ...(revoke.reason ? { reason: revoke.reason } : {}) },
    });
    return power.person_id;
  });
}

/** Remembers whom the person acts for under a grant (null: themselves); a new choice for the same grant replaces the old. */
export async function rememberGrantBusiness(db: Db, grantId: string, personId: string, businessId: string | null, locale: string): Promise<void> {
  await db.insertInto('identity_grant_business').values({ grant_id: grantId, person_id: personId, business_id: businessId, locale })
    .onConflict((oc) => oc.column('grant_id').doUpdateSet({ person_id: personId, business_id: businessId, locale, chosen_at: sql`now()` })).execute();
}

/**
 * The business claims of a grant: `stir` and `business_name` when the person chose a
 * business for it and may still act for it now; nothing otherwise. Asked each time claims
 * are issued, so a revoked or expired power stops them at once.
 */
export async function grantBusinessClaims(db: Db, grantId: string, personId: string): Promise<{ stir?: string; business_name?: string }> {
  const chosen = await db.selectFrom('identity_grant_business').select(['business_id', 'locale'])
    .where('grant_id', '=', grantId).where('person_id', '=', personId).executeTakeFirst();
  if (!chosen?.business_id) return {};
  const power = await actingPower(db, personId, chosen.business_id);
  if (!power) return {};
  return { stir: power.actingFor.stir, business_name: businessName(power.actingFor.name, chosen.locale) };
}
