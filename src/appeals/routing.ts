// Where an appeal goes: local matters to the administration of its region (to its district),
// others to the topic's agency; a complaint about a used service to that service's agency.
// And where it goes up to when the author complains about the answer.
import type { Session } from '../identity/index.js';
import { maySeeRecord } from '../identity/index.js';
import type { Topic } from './types.js';

/** The unit of an agency that handles appeals (officer roles may be limited to it). */
export const APPEALS_UNIT = 'appeals';

/** The local administration of a region: its hokimiyat, or the Jokargi Kenes of Karakalpakstan. */
export const hokimiyatOf = (region: string) => (region === 'karakalpakstan' ? 'karakalpakstan-council' : `hokimiyat-${region}`);

/** The region a local administration governs, if the agency is one. */
export function regionOfHokimiyat(agencyId: string): string | undefined {
  if (agencyId === 'karakalpakstan-council') return 'karakalpakstan';
  return agencyId.startsWith('hokimiyat-') ? agencyId.slice('hokimiyat-'.length) : undefined;
}

export interface Route { agencyId: string; region: string | null; district: string | null }

/** The body that answers an appeal on `topic` at a known place (region/district already checked). */
export function routeOf(topic: Topic, place: { region: string | null; district: string | null }, applicationAgency?: string): Route {
  if (applicationAgency) return { agencyId: applicationAgency, ...place };
  if (topic.local) {
    if (!place.region) throw new Error(`routeOf: local topic ${topic.id} without a region`);
    return { agencyId: hokimiyatOf(place.region), ...place };
  }
  return { agencyId: topic.agencyId!, ...place };
}

/**
 * One level higher, for a complaint about the answer: a district's appeal goes to the
 * region's administration (district cleared); an agency with a parent to the parent; else
 * it stays with the same agency, one level up (for its head).
 */
export function higherBody(current: Route, parentOf: (agencyId: string) => string | null | undefined): Route {
  if (current.district && regionOfHokimiyat(current.agencyId)) return { ...current, district: null };
  const parent = parentOf(current.agencyId);
  if (parent) return { ...current, agencyId: parent };
  return current;
}

/**
 * Whether a back-office user may handle an appeal: an officer of its agency whose role has no
 * unit or the appeals unit and matches its region and district; a head of its agency always.
 */
export function mayHandle(session: Session, appeal: { agencyId: string; region: string | null; district: string | null }): boolean {
  return maySeeRecord(session, { agencyId: appeal.agencyId, unit: APPEALS_UNIT, region: appeal.region, district: appeal.district });
}
