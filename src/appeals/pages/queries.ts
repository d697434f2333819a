// The SQL of the appeal pages: the back office's tabs within the user's scope, the files,
// the agency's executors, and the application a complaint is about.
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { officeScope, type Session } from '../../identity/index.js';
import type { Db, Schema } from '../../platform/index.js';

type Eb = ExpressionBuilder<Schema, 'appeals_appeal'>;
export type Scope = ReturnType<typeof officeScope>;

/** The roles that handle appeals: a head of the agency, or an officer without a unit or in the appeals unit. */
export const appealScope = (session: Session): Scope => officeScope(session).filter((s) => s.unit === null || s.unit === 'appeals');

/** `appealScope` as SQL: the same rule as the service's `mayHandle`. */
export function scopeFilter(scope: Scope) {
  return (eb: Eb): Expression<SqlBool> => {
    if (scope.length === 0) return sql<SqlBool>`false`;
    return eb.or(scope.map((s) => {
      const parts = [eb('agency_id', '=', s.agencyId)];
      if (s.region) parts.push(eb('region', '=', s.region));
      if (s.district) parts.push(eb('district', '=', s.district));
      return eb.and(parts);
    }));
  };
}

export const TABS = ['new', 'mine', 'near', 'overdue', 'all'] as const;
export type Tab = (typeof TABS)[number];

/** How far ahead "near the deadline" looks (the reminder term of the default terms). */
export const NEAR_MS = 3 * 86_400_000;

/**
 * One tab as a filter. Overdue: still open past the term, or escalated to the head for it (the
 * deadline poller may run on another clock than the page, as in the journey's test clock).
 */
export function tabFilter(tab: Tab, personId: string, now: Date) {
  return (eb: Eb): Expression<SqlBool> => {
    const open = eb('state', 'in', ['open', 'assigned']);
    switch (tab) {
      case 'new': return eb.and([eb('state', '=', 'open'), eb('executor_id', 'is', null)]);
      case 'mine': return eb.and([open, eb.or([
        eb('executor_id', '=', personId),
        sql<SqlBool>`co_executors @> ${JSON.stringify([{ id: personId }])}::jsonb`,
      ])]);
      case 'near': return eb.and([open, eb('due_at', '>=', now), eb('due_at', '<', new Date(now.getTime() + NEAR_MS))]);
      case 'overdue': return eb.and([open, eb.or([eb('due_at', '<', now), eb('escalated_at', 'is not', null)])]);
      case 'all': return sql<SqlBool>`true`;
    }
  };
}

/** How many appeals each tab holds for this user. */
export async function countTabs(db: Db, scope: Scope, personId: string, now: Date): Promise<Record<Tab, number>> {
  if (scope.length === 0) return Object.fromEntries(TABS.map((tab) => [tab, 0])) as Record<Tab, number>;
  const row = await db.selectFrom('appeals_appeal')
    .select((eb) => TABS.map((tab) => sql<number>`count(*) filter (where ${tabFilter(tab, personId, now)(eb)})`.as(tab)))
    .where(scopeFilter(scope)).executeTakeFirstOrThrow() as unknown as Record<Tab, number>;
  return Object.fromEntries(TABS.map((tab) => [tab, Number(row[tab])])) as Record<Tab, number>;
}

/** `M-2026-123`, `m 2026 0000123`, `2026-123`: the appeal number as stored (`M-2026-0000123`), or undefined. */
export function parseNumber(q: string): string | undefined {
  const m = /^(?:M[\s-]*)?(\d{4})[\s-]+(\d{1,7})$/i.exec(q.trim());
  return m ? `M-${m[1]}-${m[2]!.padStart(7, '0')}` : undefined;
}

export async function attachmentsOf(db: Db, appealId: string) {
  return db.selectFrom('appeals_attachment').select(['id', 'name', 'mime', 'size']).where('appeal_id', '=', appealId).orderBy('name').orderBy('id').execute();
}

export async function attachment(db: Db, appealId: string, id: string) {
  return db.selectFrom('appeals_attachment').select(['name', 'mime', 'content']).where('appeal_id', '=', appealId).where('id', '=', id).executeTakeFirst();
}

/**
 * Who may execute an appeal: officers of its agency whose role lets them see it (no unit or the
 * appeals unit; no region or its region; no district or its district). identity lists no
 * agency's staff; its tables are read as the applications module does.
 */
export async function executorsOf(db: Db, a: { agencyId: string; region: string | null; district: string | null }): Promise<{ id: string; name: string }[]> {
  const rows = await db.selectFrom('identity_role').innerJoin('identity_person', 'identity_person.id', 'identity_role.person_id')
    .select(['identity_person.id', 'identity_person.name_latin', 'identity_role.position', 'identity_role.unit', 'identity_role.region', 'identity_role.district'])
    .where('identity_role.agency_id', '=', a.agencyId).where('identity_role.role', '=', 'officer').where('identity_role.revoked_at', 'is', null)
    .orderBy('identity_person.id').execute();
  const seen = new Map<string, string>();
  for (const r of rows) {
    if ((r.unit && r.unit !== 'appeals') || (r.region && r.region !== a.region) || (r.district && r.district !== a.district)) continue;
    const name = [r.name_latin.last, r.name_latin.first].filter(Boolean).join(' ');
    if (!seen.has(r.id)) seen.set(r.id, r.position ? `${name}, ${r.position}` : name);
  }
  return [...seen].map(([id, name]) => ({ id, name }));
}

/** The application a complaint is about, if the portal user may complain about it (theirs, or their business's). */
export async function applicationFor(db: Db, session: Session, id: string) {
  const app = await db.selectFrom('applications_application').select(['id', 'number', 'service_id', 'person_id', 'business_id'])
    .where('id', '=', id).executeTakeFirst();
  if (!app) return undefined;
  const mine = app.business_id === null ? app.person_id === session.person.id && !session.actingFor : session.actingFor?.businessId === app.business_id;
  return mine ? app : undefined;
}
