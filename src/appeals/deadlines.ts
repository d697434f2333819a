// The deadlines of appeals, run every minute: reminders before the term, escalation to the
// heads after it, and closing answered appeals once the time to complain has run out.
import { notify } from '../identity/index.js';
import type { Db } from '../platform/index.js';
import { headsOf, insertEvents, type NewEvent } from './store.js';
import type { TermsBook } from './terms.js';
import type { AppealKind } from './types.js';
import { tashkentDay } from './analytics/period.js';

const DAY = 86_400_000;
/** Rows claimed per kind of step in one pass; the next pass takes the rest. */
const BATCH = 500;
const OPEN = ['open', 'assigned'];
const event = (appealId: string, at: Date, kind: string, data: Record<string, unknown>): NewEvent =>
  ({ appeal_id: appealId, at, kind, actor_id: null, actor_name: null, reason: null, data });

/**
 * One pass of the deadline poller at `at`: reminds the executors (or, with none, the heads)
 * of appeals due within their reminder term, escalates overdue ones to the agency's heads,
 * and closes answered appeals whose time to complain has run out. Each row is claimed by a
 * conditional update, in one transaction with its notifications, so two processes never
 * tell anyone twice and a failed pass tells nobody.
 */
export async function pollDeadlines(db: Db, terms: TermsBook, at: Date): Promise<{ reminded: number; escalated: number; closed: number }> {
  const rules = [terms.data.default, ...Object.values(terms.data.kinds ?? {}), ...Object.values(terms.data.agencies ?? {}).flatMap((a) => Object.values(a))];
  const days = (name: 'remindBefore' | 'complainWithin') => rules.map((r) => r?.[name]?.days).filter((d): d is number => d !== undefined);
  const termsOf = (r: { kind: string; agency_id: string }) => terms.terms(r.kind as AppealKind, r.agency_id);

  // Reminders: due within the reminder window and not reminded since the deadline was set.
  const soon = await db.selectFrom('appeals_appeal').select(['id', 'kind', 'agency_id', 'due_at'])
    .where('state', 'in', OPEN).where('reminded_at', 'is', null).where('escalated_at', 'is', null)
    .where('due_at', '>', at).where('due_at', '<=', new Date(at.getTime() + (Math.max(...days('remindBefore')) + 1) * DAY)).limit(BATCH).execute();
  const toRemind = soon.filter((r) => at >= terms.before(r.due_at, termsOf(r).remindBefore)).map((r) => r.id);
  const reminded = toRemind.length === 0 ? [] : await db.updateTable('appeals_appeal').set({ reminded_at: at })
    .where('id', 'in', toRemind).where('reminded_at', 'is', null).where('state', 'in', OPEN)
    .returningAll().execute();

  const escalated = await db.updateTable('appeals_appeal').set({ escalated_at: at })
    .where('id', 'in', (eb) => eb.selectFrom('appeals_appeal').select('id').where('state', 'in', OPEN).where('escalated_at', 'is', null).where('due_at', '<', at).limit(BATCH))
    .where('escalated_at', 'is', null).where('state', 'in', OPEN)
    .returningAll().execute();

  const answered = await db.selectFrom('appeals_appeal').select(['id', 'kind', 'agency_id', 'answered_at'])
    .where('state', '=', 'answered').where('answered_at', '<', new Date(at.getTime() - Math.min(...days('complainWithin')) * DAY)).limit(BATCH).execute();
  const toClose = answered.filter((r) => at > terms.end(r.answered_at!, termsOf(r).complainWithin)).map((r) => r.id);
  const closed = toClose.length === 0 ? [] : await db.updateTable('appeals_appeal').set({ state: 'closed', updated_at: at })
    .where('id', 'in', toClose).where('state', '=', 'answered').returning(['id']).execute();

  const heads = await headsOf(db, [...new Set([...escalated, ...reminded.filter((r) => !r.executor_id)].map((r) => r.agency_id))]);
  const events: NewEvent[] = [];
  for (const r of reminded) {
    const people = r.executor_id ? [r.executor_id, ...r.co_executors.map((p) => p.id)] : heads.get(r.agency_id) ?? [];
    for (const personId of people) await notify(db, { personId, messageKey: 'appeals.core.notice.reminder', params: { number: r.number, date: tashkentDay(r.due_at) }, link: `/office/appeals/${r.id}` });
    events.push(event(r.id, at, 'reminded', { to: people, dueAt: r.due_at.toISOString() }));
  }
  for (const r of escalated) {
    const people = heads.get(r.agency_id) ?? [];
    for (const personId of people) await notify(db, { personId, messageKey: 'appeals.core.notice.overdue', params: { number: r.number, date: tashkentDay(r.due_at) }, link: `/office/appeals/${r.id}` });
    events.push(event(r.id, at, 'escalated', { to: people, dueAt: r.due_at.toISOString() }));
  }
  for (const r of closed) events.push(event(r.id, at, 'closed', {}));
  await insertEvents(db, events);
  return { reminded: reminded.length, escalated: escalated.length, closed: closed.length };
}
