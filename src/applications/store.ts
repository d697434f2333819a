import { sql, type Expression, type ExpressionBuilder, type Selectable, type SqlBool } from 'kysely';
import { mayActIn, type Session } from '../identity/index.js';
import type { Db, Schema } from '../platform/index.js';
import type { ApplicationsTables } from './applications.tables.js';

export type Application = Selectable<ApplicationsTables['applications_application']>;
type Eb = ExpressionBuilder<Schema, 'applications_application'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isId = (id: string) => UUID.test(id);

export async function findApplication(db: Db, id: string, options: { lock?: boolean } = {}): Promise<Application | undefined> {
  if (!isId(id)) return undefined;
  let query = db.selectFrom('applications_application').selectAll().where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * Whether a portal user may see an application: their own, made for nobody else; or one made
 * for the business they act for now, within the power's scope of services.
 */
export function citizenMaySee(session: Session, app: Pick<Application, 'person_id' | 'business_id' | 'service_id'>): boolean {
  if (app.business_id === null) return app.person_id === session.person.id;
  return session.actingFor?.businessId === app.business_id && mayActIn(session, app.service_id);
}

/** The applications a portal user sees: acting for a business, the business's within the power's scope; else their own. */
export function citizenFilter(session: Session) {
  return (eb: Eb): Expression<SqlBool> => {
    const acting = session.actingFor;
    if (!acting) return eb.and([eb('person_id', '=', session.person.id), eb('business_id', 'is', null)]);
    const business: Expression<SqlBool>[] = [eb('business_id', '=', acting.businessId)];
    if (!acting.scope.includes('*')) business.push(acting.scope.length > 0 ? eb('service_id', 'in', acting.scope) : sql<SqlBool>`false`);
    return eb.and(business);
  };
}

/** What a back-office user may see, as SQL: the same rule as `maySeeRecord`, from `officeScope`. */
export function scopeFilter(scope: { agencyId: string; unit: string | null; region: string | null; district: string | null }[]) {
  return (eb: Eb): Expression<SqlBool> => {
    if (scope.length === 0) return sql<SqlBool>`false`;
    return eb.or(scope.map((s) => {
      const parts = [eb('agency_id', '=', s.agencyId)];
      if (s.unit) parts.push(eb('unit', '=', s.unit));
      if (s.region) parts.push(eb('region', '=', s.region));
      if (s.district) parts.push(eb('district', '=', s.district));
      return eb.and(parts);
    }));
  };
}

export const QUEUES = ['new', 'mine', 'unit', 'near-term', 'past-term'] as const;
export type Queue = (typeof QUEUES)[number];

export interface QueueContext {
  personId: string;
  scope: { agencyId: string; unit: string | null; region: string | null; district: string | null }[];
  now: Date;
  /** Two working days from now. */
  soon: Date;
}

/** One queue as a filter: new (nobody took it), mine, my unit, due within two working days, past the term. */
export function queueFilter(queue: Queue, q: QueueContext) {
  return (eb: Eb): Expression<SqlBool> => {
    // Only what officers work on: not decided, not waiting for the fee.
    const parts: Expression<SqlBool>[] = [scopeFilter(q.scope)(eb), eb('active', '=', true)];
    switch (queue) {
      case 'new': parts.push(eb('assigned_to', 'is', null)); break;
      case 'mine': parts.push(eb('assigned_to', '=', q.personId)); break;
      case 'unit': {
        const units = [...new Set(q.scope.map((s) => s.unit))];
        // A role without a unit (a head) has the whole agency as its unit.
        if (!units.includes(null)) parts.push(eb('unit', 'in', units as string[]));
        break;
      }
      case 'near-term': parts.push(eb('due_at', '>=', q.now), eb('due_at', '<=', q.soon)); break;
      case 'past-term': parts.push(eb('due_at', '<', q.now)); break;
    }
    return eb.and(parts);
  };
}

/** How many applications wait in each queue. */
export async function countQueues(db: Db, q: QueueContext): Promise<Record<Queue, number>> {
  if (q.scope.length === 0) return { new: 0, mine: 0, unit: 0, 'near-term': 0, 'past-term': 0 };
  const row = await db.selectFrom('applications_application')
    .select((eb) => QUEUES.map((queue) => sql<number>`count(*) filter (where ${queueFilter(queue, q)(eb)})`.as(queue)))
    .where(scopeFilter(q.scope))
    .executeTakeFirstOrThrow() as unknown as Record<Queue, number>;
  return Object.fromEntries(QUEUES.map((queue) => [queue, Number(row[queue])])) as Record<Queue, number>;
}
