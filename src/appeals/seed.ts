// Demo data for the appeals registry: the back-office roles the journey needs, and ~500
// deterministic appeals over the last 90 days (every state, some overdue, some rated) with
// one planted surge, so that the heads' dashboard has something to show and to alert on.
import { randomUUID } from 'node:crypto';
import { sql, type InsertObject } from 'kysely';
import { DEMO_ACCOUNTS, Prng, readDemoPopulation, type DemoPerson } from '../identity/index.js';
import type { Db, Schema } from '../platform/index.js';
import { DISTRICT_CENTRES } from './geo.js';
import { APPEALS_UNIT, hokimiyatOf, routeOf } from './routing.js';
import type { NewEvent } from './store.js';
import { readTerms, type TermsBook } from './terms.js';
import { readTopics } from './topics.js';
import type { AppealKind, Topic } from './types.js';

const DAY = 86_400_000;
const account = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!.id;
export const DEMO_APPEALS = 500;
/** The planted surge: this topic in this district, in the last three days. */
export const DEMO_SURGE = { topicId: 'water-outage', district: 'chilonzor', region: 'tashkent-city', count: 24 } as const;

const fullName = (p: DemoPerson) => [p.nameLatin.last, p.nameLatin.first, p.nameLatin.middle].filter(Boolean).join(' ');

const SUMMARIES: Record<string, string> = {
  statement: 'Iltimos, masalani hal qilishda yordam bering', complaint: 'Muammo uzoq vaqtdan beri hal qilinmayapti', proposal: 'Ishni yaxshilash boʻyicha taklif',
};
const BODY = 'Hurmatli rahbariyat! Mahallamizda ushbu masala boʻyicha muammo bor, aholi koʻp marta murojaat qilgan. Iltimos, koʻrib chiqib, choralar koʻrishingizni soʻrayman.';
const ANSWER = 'Murojaatingiz koʻrib chiqildi. Mutaxassislar joyiga chiqib oʻrgandi, muammoni bartaraf etish boʻyicha choralar koʻrildi.';

/**
 * Grants the demo officer and head their roles at the administration of the demo citizen's
 * region (the officer for the appeals unit of the citizen's district), and loads the demo
 * appeals. Only on a database with no appeals and with the demo people loaded.
 */
export async function seedAppeals(db: Db, options: { now: Date; topics?: Topic[]; terms?: TermsBook }): Promise<boolean> {
  const any = await db.selectFrom('appeals_appeal').select('id').limit(1).executeTakeFirst();
  if (any) return false;
  const population = await readDemoPopulation();
  const citizen = population.people.find((p) => p.id === account('citizen'));
  const known = await db.selectFrom('identity_person').select('id').where('id', '=', account('citizen')).executeTakeFirst();
  if (!citizen || !known) return false;
  const topics = options.topics ?? readTopics();
  const terms = options.terms ?? readTerms();
  const now = options.now;
  const agency = hokimiyatOf(citizen.region);
  const rng = new Prng('darcha-appeals-demo');
  const people = population.people.filter((p) => p.kind === 'citizen' && p.id !== citizen.id);

  type Draft = { topic: Topic; district: (typeof DISTRICT_CENTRES)[number]; at: Date; author: DemoPerson; kind: AppealKind };
  const drafts: Draft[] = [];
  const kinds = { statement: 55, complaint: 30, proposal: 15 } as const;
  for (let i = 0; i < DEMO_APPEALS - DEMO_SURGE.count; i++) {
    drafts.push({ topic: rng.pick(topics), district: rng.pick(DISTRICT_CENTRES), at: new Date(now.getTime() - rng.next() * 90 * DAY), author: rng.pick(people), kind: rng.weighted(kinds) });
  }
  const surgeTopic = topics.find((t) => t.id === DEMO_SURGE.topicId)!;
  const surgeDistrict = DISTRICT_CENTRES.find((d) => d.id === DEMO_SURGE.district)!;
  for (let i = 0; i < DEMO_SURGE.count; i++) {
    drafts.push({ topic: surgeTopic, district: surgeDistrict, at: new Date(now.getTime() - rng.next() * 3 * DAY), author: rng.pick(people), kind: 'complaint' });
  }
  // Numbers rise with time, as they would have been given.
  drafts.sort((a, b) => a.at.getTime() - b.at.getTime());

  const rows: InsertObject<Schema, 'appeals_appeal'>[] = [];
  const events: NewEvent[] = [];
  for (const [i, d] of drafts.entries()) {
    const id = rng.uuid();
    const route = routeOf(d.topic, { region: d.district.region, district: d.district.id });
    const t = terms.terms(d.kind, route.agencyId);
    const dueAt = terms.end(d.at, t.answer);
    // Most appeals past their term were answered in time; about one in eight is overdue.
    const past = dueAt < now;
    const roll = rng.next();
    const state = past ? (roll < 0.12 ? rng.pick(['open', 'assigned'] as const) : roll < 0.55 ? 'answered' : 'closed')
      : roll < 0.35 ? 'open' : roll < 0.75 ? 'assigned' : 'answered';
    const executor = state === 'open' ? null : route.agencyId === agency && route.district === citizen.district ? account('officer') : rng.pick(people).id;
    const executorName = executor ? fullName(population.people.find((p) => p.id === executor)!) : null;
    const answeredAt = state === 'answered' || state === 'closed'
      ? new Date(Math.min(now.getTime() - 3600_000, d.at.getTime() + (0.2 + rng.next() * 0.8) * (Math.min(dueAt.getTime(), now.getTime()) - d.at.getTime())))
      : null;
    const rated = state === 'closed' && rng.chance(0.7);
    const rating = rated ? rng.weighted({ 1: 1, 2: 1, 3: 2, 4: 4, 5: 5 }) : null;
    rows.push({
      id, number: sql<string>`'M-' || ${String(new Date(d.at.getTime() + 5 * 3600_000).getUTCFullYear())} || '-' || lpad(nextval('appeals_number_seq')::text, 7, '0')`,
      kind: d.kind, author_kind: 'person', author_person_id: d.author.id, author_business_id: null, author_name: fullName(d.author), author_contact: '{}',
      locale: d.author.locale, channel: rng.weighted({ portal: 70, phone: 15, in_person: 8, post: 4, api: 3 }), client_id: null, token: null,
      topic_id: d.topic.id, sphere_id: d.topic.sphereId, summary: SUMMARIES[d.kind]!, body: BODY,
      region: route.region, district: route.district, lat: d.district.lat + (rng.next() - 0.5) * 0.04, lon: d.district.lon + (rng.next() - 0.5) * 0.04, address: null,
      agency_id: route.agencyId, state, executor_id: executor, executor_name: executorName, co_executors: '[]',
      registered_at: d.at, due_at: dueAt, reminded_at: null,
      // Overdue ones were escalated when their term ran out: the poller does not tell the head of them all at the first start.
      escalated_at: past && (state === 'open' || state === 'assigned') ? new Date(dueAt.getTime() + 60_000) : null,
      answered_at: answeredAt, answer: answeredAt ? ANSWER : null, answer_document_id: null,
      rating: rating === null ? null : Number(rating), rating_comment: null, rated_at: rated ? new Date(Math.min(now.getTime(), answeredAt!.getTime() + 2 * DAY)) : null,
      application_id: null, idempotency_key: `seed:${i}`, updated_at: answeredAt ?? d.at,
    });
    const event = (kind: string, at: Date, data: Record<string, unknown> = {}) => events.push({ appeal_id: id, at, kind, actor_id: null, actor_name: null, reason: null, data });
    event('registered', d.at, { agencyId: route.agencyId, region: route.region, district: route.district, dueAt: dueAt.toISOString() });
    if (executor) event('assigned', new Date(d.at.getTime() + 3600_000), { executor: { id: executor, name: executorName } });
    if (answeredAt) event('answered', answeredAt, { text: ANSWER });
    if (rating !== null) event('rated', answeredAt!, { stars: Number(rating) });
  }

  await db.transaction().execute(async (trx) => {
    await trx.insertInto('identity_role').values([
      { id: randomUUID(), person_id: account('officer'), role: 'officer', agency_id: agency, unit: APPEALS_UNIT, region: citizen.region, district: citizen.district, position: null, granted_by: null, revoked_at: null },
      { id: randomUUID(), person_id: account('head'), role: 'head', agency_id: agency, unit: null, region: null, district: null, position: null, granted_by: null, revoked_at: null },
    ]).execute();
    for (let i = 0; i < rows.length; i += 250) await trx.insertInto('appeals_appeal').values(rows.slice(i, i + 250)).execute();
    for (let i = 0; i < events.length; i += 500) {
      await trx.insertInto('appeals_event').values(events.slice(i, i + 500).map((e) => ({ ...e, data: JSON.stringify(e.data) }))).execute();
    }
  });
  return true;
}
