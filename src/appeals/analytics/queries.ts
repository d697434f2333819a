// The dashboard's figures, one SQL statement each (after folding the changes noted since the
// last read into the rollups): what the page shows and what the bench times. Counts come from
// the rollups of tables.ts; what depends on the hour (overdue, hotspots, the first days of a
// period for districts) from appeals_appeal through its indexes.
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/index.js';
import { APPEAL_KINDS, APPEAL_STATES, type AppealKind, type AppealState } from '../types.js';
import { addDays, dayStart, periodBuckets, weekOf, type Period } from './period.js';
import { foldChanges } from './tables.js';

/** What the figures cover: the agencies (`undefined`: the whole country), a period, a region ('': none named), a topic. */
export interface Filter {
  agencies?: readonly string[];
  period: Period;
  region?: string;
  topic?: string;
}

export interface Measures {
  n: number;
  states: Record<AppealState, number>;
  kinds: Record<AppealKind, number>;
  /** Answered (at any time), of them within their term, and the total time it took. */
  answered: number;
  onTime: number;
  answerSeconds: number;
  /** How many answers got 1, 2, 3, 4, 5 stars. */
  ratings: [number, number, number, number, number];
}

export interface Stats {
  total: Measures;
  byAgency: Map<string, Measures>;
  byRegion: Map<string, Measures>;
  byTopic: Map<string, Measures>;
}

const STATE_COLUMNS: Record<AppealState, string> = { open: 's_open', assigned: 's_assigned', answered: 's_answered', closed: 's_closed' };
const KIND_COLUMNS: Record<AppealKind, string> = { statement: 'k_statement', proposal: 'k_proposal', complaint: 'k_complaint' };
const COLUMNS = ['n', ...Object.values(STATE_COLUMNS), ...Object.values(KIND_COLUMNS), 'answered', 'on_time', 'answer_seconds', 'r1', 'r2', 'r3', 'r4', 'r5'];

const and = (condition: RawBuilder<unknown> | false | undefined) => (condition ? sql` and ${condition}` : sql``);
const inAgencies = (f: Filter) => f.agencies && sql`agency_id in (${sql.join(f.agencies.length > 0 ? f.agencies : [''])})`;
const inRegion = (f: Filter) => f.region !== undefined && sql`region = ${f.region}`;
const inTopic = (f: Filter) => f.topic !== undefined && sql`topic_id = ${f.topic}`;
/** The filter on the rollups, where a missing region is ''. */
const filters = (f: Filter) => sql`${and(inAgencies(f))}${and(inRegion(f))}${and(inTopic(f))}`;
/** The filter on appeals_appeal, where a missing region is null. */
const appealFilters = (f: Filter) => sql`${and(inAgencies(f))}${and(f.region === '' ? sql`region is null` : inRegion(f))}${and(inTopic(f))}`;

/** The rollup rows of the period, from the month, week and day tables. */
function statsRows(f: Filter): RawBuilder<unknown> {
  const b = periodBuckets(f.period);
  const columns = sql.raw(['agency_id', 'region', 'topic_id', ...COLUMNS].join(', '));
  const parts: RawBuilder<unknown>[] = [];
  if (b.months) parts.push(sql`select ${columns} from appeals_month_stats where bucket >= ${b.months.from}::date${filters(f)}`);
  if (b.weeks) parts.push(sql`select ${columns} from appeals_week_stats where bucket >= ${b.weeks.from}::date${b.weeks.to ? sql` and bucket < ${b.weeks.to}::date` : sql``}${filters(f)}`);
  for (const d of b.days) parts.push(sql`select ${columns} from appeals_day_stats where bucket >= ${d.from}::date and bucket < ${d.to}::date${filters(f)}`);
  return sql.join(parts, sql` union all `);
}

function measures(row: Record<string, unknown>): Measures {
  const n = (c: string) => Number(row[c] ?? 0);
  return {
    n: n('n'),
    states: Object.fromEntries(APPEAL_STATES.map((s) => [s, n(STATE_COLUMNS[s])])) as Record<AppealState, number>,
    kinds: Object.fromEntries(APPEAL_KINDS.map((k) => [k, n(KIND_COLUMNS[k])])) as Record<AppealKind, number>,
    answered: n('answered'), onTime: n('on_time'), answerSeconds: n('answer_seconds'),
    ratings: [n('r1'), n('r2'), n('r3'), n('r4'), n('r5')],
  };
}

export const emptyMeasures = (): Measures => measures({});

/**
 * Counts by state and kind, answers in term, time to answer and ratings: in total and by
 * agency, region and topic. The rollup rows are first summed per (agency, region, topic),
 * at most a few thousand groups, then grouped four ways. Rows whose appeals all moved away
 * (forwarded to another agency, deleted) are left at zero by the triggers and skipped here.
 */
export async function statsOf(db: Db, f: Filter): Promise<Stats> {
  await foldChanges(db);
  const sums = sql.raw(COLUMNS.map((c) => `sum(${c}) as ${c}`).join(', '));
  const { rows } = await sql<Record<string, unknown> & { g: number; agency_id: string | null; region: string | null; topic_id: string | null }>`
    with base as (select agency_id, region, topic_id, ${sums} from (${statsRows(f)}) r group by agency_id, region, topic_id having sum(n) > 0)
    select grouping(agency_id, region, topic_id) as g, agency_id, region, topic_id, ${sums}
    from base group by grouping sets ((), (agency_id), (region), (topic_id))`.execute(db);
  const stats: Stats = { total: emptyMeasures(), byAgency: new Map(), byRegion: new Map(), byTopic: new Map() };
  for (const row of rows) {
    // grouping() has a bit set for each column not grouped by: 7 the total, 3 by agency, 5 by region, 6 by topic.
    const g = Number(row.g);
    if (g === 7) stats.total = measures(row);
    else if (g === 3) stats.byAgency.set(row.agency_id!, measures(row));
    else if (g === 5) stats.byRegion.set(row.region!, measures(row));
    else if (g === 6) stats.byTopic.set(row.topic_id!, measures(row));
  }
  return stats;
}

/** Appeals of the period still unanswered after their term, now; in total and by agency. */
export async function overdueOf(db: Db, f: Filter, now: Date): Promise<{ total: number; byAgency: Map<string, number> }> {
  const { rows } = await sql<{ agency_id: string | null; g: number; n: number }>`
    select agency_id, grouping(agency_id) as g, count(*) as n from appeals_appeal
    where state in ('open', 'assigned') and due_at < ${now} and registered_at >= ${dayStart(f.period.from)}${appealFilters(f)}
    group by grouping sets ((), (agency_id))`.execute(db);
  const byAgency = new Map<string, number>();
  let total = 0;
  for (const row of rows) {
    if (Number(row.g) === 1) total = Number(row.n);
    else byAgency.set(row.agency_id!, Number(row.n));
  }
  return { total, byAgency };
}

export interface WeekPoint { week: string; registered: number; answered: number }

/** Appeals registered in each of the last `weeks` weeks (Monday first), and how many of them are answered. */
export async function trendOf(db: Db, f: Filter, weeks = 12): Promise<WeekPoint[]> {
  await foldChanges(db);
  const first = addDays(weekOf(f.period.today), -7 * (weeks - 1));
  const { rows } = await sql<{ week: string; registered: number; answered: number }>`
    select bucket::text as week, sum(n) as registered, sum(answered) as answered from appeals_week_stats
    where bucket >= ${first}::date${filters(f)} group by bucket`.execute(db);
  const found = new Map(rows.map((r) => [r.week, r]));
  return Array.from({ length: weeks }, (_, i) => {
    const week = addDays(first, 7 * i);
    const r = found.get(week);
    return { week, registered: Number(r?.registered ?? 0), answered: Number(r?.answered ?? 0) };
  });
}

export interface DistrictCount { region: string; district: string; n: number }

/**
 * Appeals of the period by region and district ('' for none named). The weeks that start in
 * the period come from appeals_district_week (its '*' rows when the whole country is asked);
 * the days before its first Monday, or a topic's appeals, from appeals_appeal's indexes.
 */
export async function districtsOf(db: Db, f: Filter): Promise<DistrictCount[]> {
  await foldChanges(db);
  const since = dayStart(f.period.from);
  let query: RawBuilder<DistrictCount>;
  if (f.topic !== undefined) {
    query = sql`select coalesce(region, '') as region, coalesce(district, '') as district, count(*) as n from appeals_appeal
      where registered_at >= ${since}${appealFilters(f)} group by 1, 2`;
  } else {
    const monday = weekOf(f.period.from) === f.period.from ? f.period.from : addDays(weekOf(f.period.from), 7);
    const agencies = f.agencies ? sql`agency_id in (${sql.join(f.agencies.length > 0 ? f.agencies : [''])})` : sql`agency_id = '*'`;
    query = sql`select region, district, sum(n) as n from (
        select region, district, n from appeals_district_week where ${agencies} and bucket >= ${monday}::date${and(inRegion(f))}
        union all
        select coalesce(region, ''), coalesce(district, ''), 1 from appeals_appeal
        where registered_at >= ${since} and registered_at < ${dayStart(monday)}${appealFilters(f)}
      ) r group by 1, 2`;
  }
  const { rows } = await query.execute(db);
  return rows.map((r) => ({ region: r.region, district: r.district, n: Number(r.n) })).filter((r) => r.n > 0);
}
