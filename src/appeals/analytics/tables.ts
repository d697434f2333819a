import { sql, type Kysely, type Migration } from 'kysely';
import type { Db } from '../../platform/index.js';

/**
 * The rollups behind the heads' dashboard (issue #8). Aggregating appeals_appeal itself costs
 * seconds at a million rows; these tables hold the same counts per month, week and day.
 *
 * Writing them on every filing would cost each filing four upserts (about 0.4 ms of the
 * database's time). Instead a trigger on appeals_appeal notes each change in
 * appeals_stats_change (one narrow insert: +1 for a new appeal, −1 for a removed one, both for
 * an update that moves a figure), and the dashboard, before it reads, folds the changes noted
 * so far into the rollups in one set-based statement (FOLD). Whoever writes appeals (the
 * service, Open311, the seed, a bench's `insert … select`) need not know; the figures are
 * exact as of the read.
 *
 * A period of N days is read as the months that start inside it, then the weeks and days
 * before the first of them (see periodBuckets): a year is at most 12 month, 4 week and 12 day
 * rows per key instead of 365 day rows. Days, weeks and months are Tashkent's (UTC+5, no
 * daylight saving); weeks start on Monday.
 */
export interface AnalyticsTables {
  appeals_stats_change: { sign: number } & Pick<AppealFields, (typeof FIELDS)[number]>;
  appeals_month_stats: StatsRow;
  appeals_week_stats: StatsRow;
  appeals_day_stats: StatsRow;
  /** Per week, agency ('*': every agency) and district: how many appeals; the heat table reads it. */
  appeals_district_week: { bucket: string; agency_id: string; region: string; district: string; n: number };
}

interface AppealFields {
  registered_at: Date; agency_id: string; region: string | null; district: string | null; topic_id: string;
  state: string; kind: string; answered_at: Date | null; due_at: Date; rating: number | null;
}

/** Per agency, region and topic in a month (its first day), a week (its Monday) or a day: how many appeals, in which state and kind, answered in term, rated. */
export interface StatsRow {
  bucket: string;
  agency_id: string;
  /** '' when the appeal names no place. */
  region: string;
  topic_id: string;
  n: number;
  s_open: number; s_assigned: number; s_answered: number; s_closed: number;
  k_statement: number; k_proposal: number; k_complaint: number;
  /** Appeals answered (answered_at set), of them within the term, and their total time to answer. */
  answered: number; on_time: number; answer_seconds: number;
  r1: number; r2: number; r3: number; r4: number; r5: number;
}

/** What of an appeal the figures depend on. */
const FIELDS = ['registered_at', 'agency_id', 'region', 'district', 'topic_id', 'state', 'kind', 'answered_at', 'due_at', 'rating'] as const;

/** The measures of the stats tables, from one change `r` (its sign and the appeal's fields). */
const MEASURES: [string, string][] = [
  ['n', '1'],
  ['s_open', `(r.state = 'open')::int`], ['s_assigned', `(r.state = 'assigned')::int`],
  ['s_answered', `(r.state = 'answered')::int`], ['s_closed', `(r.state = 'closed')::int`],
  ['k_statement', `(r.kind = 'statement')::int`], ['k_proposal', `(r.kind = 'proposal')::int`], ['k_complaint', `(r.kind = 'complaint')::int`],
  ['answered', '(r.answered_at is not null)::int'],
  ['on_time', 'coalesce(r.answered_at <= r.due_at, false)::int'],
  ['answer_seconds', 'coalesce(extract(epoch from r.answered_at - r.registered_at), 0)::bigint'],
  ...[1, 2, 3, 4, 5].map((k): [string, string] => [`r${k}`, `coalesce(r.rating = ${k}, false)::int`]),
];
const columns = MEASURES.map(([name]) => name);
const STATS_TABLES: [table: string, bucket: string][] = [
  ['appeals_day_stats', 'day'],
  ['appeals_week_stats', `date_trunc('week', day)::date`],
  ['appeals_month_stats', `date_trunc('month', day)::date`],
];

/**
 * One statement that adds the rows of `source` (a sign, then FIELDS) to every rollup, keys in
 * order; sums that cancel out (an update that moved nothing there) are not written.
 */
function addStatement(source: string): string {
  const sums = columns.map((c) => `sum(${c})`).join(', ');
  const changed = columns.map((c) => `sum(${c}) <> 0`).join(' or ');
  const upsert = (table: string, bucket: string) => `insert into ${table} as s (bucket, agency_id, region, topic_id, ${columns.join(', ')})
      select ${bucket}, agency_id, region, topic_id, ${sums} from c group by 1, 2, 3, 4 having ${changed} order by 1, 2, 3, 4
      on conflict (bucket, agency_id, region, topic_id) do update set ${columns.map((c) => `${c} = s.${c} + excluded.${c}`).join(', ')}`;
  return `with r as (${source}),
    c as (
      select (r.registered_at at time zone 'Asia/Tashkent')::date as day, agency_id, coalesce(r.region, '') as region, coalesce(r.district, '') as district, topic_id,
        ${MEASURES.map(([name, expr]) => `sign * ${expr} as ${name}`).join(', ')}
      from r
    ),
    ${STATS_TABLES.map(([table, bucket]) => `into_${table} as (${upsert(table, bucket)} returning 1)`).join(',\n    ')}
    insert into appeals_district_week as s (bucket, agency_id, region, district, n)
    select date_trunc('week', day)::date, a, region, district, sum(n) from c, lateral (values (c.agency_id), ('*')) as v(a)
    group by 1, 2, 3, 4 having sum(n) <> 0 order by 1, 2, 3, 4
    on conflict (agency_id, bucket, region, district) do update set n = s.n + excluded.n`;
}

/** Moves the changes noted so far into the rollups; run before reading them. */
export const FOLD = addStatement(`delete from appeals_stats_change returning sign, ${FIELDS.join(', ')}`);

/** Brings the rollups up to date with every appeal written so far; one fold at a time, the others wait and find little left. */
export async function foldChanges(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${FOLD_LOCK})`.execute(trx);
    await sql.raw(FOLD).execute(trx);
  });
}

/** The advisory lock that serialises folds (any number no other module uses). */
const FOLD_LOCK = 20261123_1150;

const record = (name: 'old' | 'new', sign: number) => `(${sign}, ${FIELDS.map((f) => `${name}.${f}`).join(', ')})`;

/** One statement each: PGlite takes one per query. */
const STATEMENTS = [
  `create table appeals_stats_change (
    sign smallint not null, registered_at timestamptz not null, agency_id text not null, region text, district text, topic_id text not null,
    state text not null, kind text not null, answered_at timestamptz, due_at timestamptz not null, rating smallint
  )`,
  ...STATS_TABLES.map(([table]) => `create table ${table} (
    bucket date not null,
    agency_id text not null,
    region text not null,
    topic_id text not null,
    ${columns.map((c) => `${c} ${c === 'answer_seconds' ? 'bigint' : 'integer'} not null default 0`).join(',\n    ')},
    primary key (bucket, agency_id, region, topic_id)
  )`),
  ...STATS_TABLES.map(([table]) => `create index ${table}_by_agency on ${table} (agency_id, bucket)`),
  `create table appeals_district_week (
    bucket date not null,
    agency_id text not null,
    region text not null,
    district text not null,
    n integer not null default 0,
    primary key (agency_id, bucket, region, district)
  )`,
  `create function appeals_stats_note() returns trigger language plpgsql as $$
  begin
    if tg_op = 'INSERT' then insert into appeals_stats_change values ${record('new', 1)};
    elsif tg_op = 'DELETE' then insert into appeals_stats_change values ${record('old', -1)};
    else insert into appeals_stats_change values ${record('old', -1)}, ${record('new', 1)};
    end if;
    return null;
  end $$`,
  'create trigger appeals_stats_insert after insert on appeals_appeal for each row execute function appeals_stats_note()',
  'create trigger appeals_stats_delete after delete on appeals_appeal for each row execute function appeals_stats_note()',
  // Most updates (executor, reminders, the answer's text) change no figure: then the trigger is not even called.
  `create trigger appeals_stats_update after update on appeals_appeal for each row
    when ((${FIELDS.map((f) => `old.${f}`).join(', ')}) is distinct from (${FIELDS.map((f) => `new.${f}`).join(', ')}))
    execute function appeals_stats_note()`,
  // Appeals written before this migration (none on a new database) are counted once here.
  addStatement(`select 1 as sign, ${FIELDS.join(', ')} from appeals_appeal`),
  // The dashboard's reads of the appeals themselves: the last days (hotspots, the first days
  // of a period), one topic (a topic filter, a hotspot's baseline), and what is unanswered.
  'create index appeals_by_registered on appeals_appeal (registered_at) include (agency_id, region, district, topic_id)',
  'create index appeals_by_topic on appeals_appeal (topic_id, registered_at) include (agency_id, region, district)',
  'create index appeals_by_topic_district on appeals_appeal (topic_id, district, registered_at) include (agency_id)',
  `create index appeals_unanswered on appeals_appeal (due_at) include (registered_at, agency_id, region, topic_id)
    where state in ('open', 'assigned')`,
];

export const analyticsMigrations: Record<string, Migration> = {
  '20261123_1150_appeals_analytics': {
    async up(db: Kysely<any>) {
      for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
    },
  },
};
