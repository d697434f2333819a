import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Prng } from '../../identity/index.js';
import { DISTRICTS } from '../../identity/index.js';
import { migrateToLatest, type Database } from '../../platform/index.js';
import { testDatabase } from '../../testing.js';
import { appealsMigrations } from '../appeals.tables.js';
import { analyticsDatabase, insertAppeals, type Synthetic } from './fixtures.js';
import { analyticsMigrations } from './tables.js';
import { addDays, dayStart, periodBuckets, periodOf, tashkentDay, weekOf } from './period.js';
import { districtsOf, emptyMeasures, overdueOf, statsOf, trendOf, type Filter, type Measures } from './queries.js';

const NOW = new Date('2026-11-20T21:30:00Z'); // 02:30 on Saturday 21 November in Tashkent
const DAY = 86_400_000;

test('a Tashkent day begins at 19:00 UTC the day before', () => {
  assert.equal(tashkentDay(new Date('2026-11-20T18:59:59Z')), '2026-11-20');
  assert.equal(tashkentDay(new Date('2026-11-20T19:00:00Z')), '2026-11-21');
  assert.equal(dayStart('2026-11-21').toISOString(), '2026-11-20T19:00:00.000Z');
  assert.equal(weekOf('2026-11-22'), '2026-11-16'); // a Sunday belongs to the week of the Monday before
  assert.equal(weekOf('2026-11-16'), '2026-11-16');
});

test('the buckets of a period cover each of its days exactly once', () => {
  const expand = (from: string, to: string | undefined, step: (d: string) => string, today: string) => {
    const days: string[] = [];
    for (let d = from; d <= today && (to === undefined || d < to); d = step(d)) days.push(d);
    return days;
  };
  for (let offset = 0; offset < 400; offset += 3) {
    const today = addDays('2026-01-01', offset);
    for (const n of [1, 6, 7, 8, 30, 90, 365]) {
      const period = periodOf(n, new Date(dayStart(today).getTime() + 3600_000));
      assert.equal(period.today, today);
      const b = periodBuckets(period);
      const covered: string[] = [];
      if (b.months) {
        for (let m = b.months.from; m <= today; m = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 1)).toISOString().slice(0, 10)) {
          assert.ok(m.endsWith('-01'));
          covered.push(...expand(m, undefined, (d) => addDays(d, 1), today).filter((d) => d.slice(0, 7) === m.slice(0, 7)));
        }
      }
      if (b.weeks) {
        assert.equal(weekOf(b.weeks.from), b.weeks.from);
        for (let w = b.weeks.from; w <= today && (b.weeks.to === undefined || w < b.weeks.to); w = addDays(w, 7)) {
          covered.push(...expand(w, addDays(w, 7), (d) => addDays(d, 1), today));
        }
      }
      for (const d of b.days) covered.push(...expand(d.from, d.to, (x) => addDays(x, 1), today));
      const expected = expand(period.from, undefined, (d) => addDays(d, 1), today);
      assert.deepEqual(covered.sort(), expected, `${n} days to ${today}: ${JSON.stringify(b)}`);
      assert.ok(b.days.reduce((s, d) => s + (Date.parse(d.to) - Date.parse(d.from)) / DAY, 0) <= 12, 'at most 12 single days');
    }
  }
});

// Random appeals over 400 days, then the changes an appeal's life brings (assigned, answered,
// rated, forwarded, extended, reopened, deleted): the rollups must give what counting the
// appeals themselves gives.
const rng = new Prng('appeals-analytics-test');
const places = [...DISTRICTS.slice(0, 6), ...DISTRICTS.slice(-4)];
const AGENCIES = ['hokimiyat-tashkent-city', 'hokimiyat-karakalpakstan', 'tax-committee', 'migration'];
const TOPICS = ['roads-potholes', 'water-outage', 'tax-refund', 'passport-delay'];
let database: Database;

before(async () => {
  database = await analyticsDatabase();
  const appeals: Synthetic[] = [];
  for (let i = 0; i < 1500; i++) {
    const place = rng.chance(0.1) ? undefined : rng.pick(places);
    const registeredAt = new Date(NOW.getTime() - rng.next() ** 1.5 * 400 * DAY);
    const dueAt = new Date(registeredAt.getTime() + 15 * DAY);
    const answered = rng.chance(0.7) ? new Date(registeredAt.getTime() + rng.next() * 25 * DAY) : null;
    const state = answered && answered < NOW ? rng.pick(['answered', 'closed'] as const) : rng.pick(['open', 'assigned'] as const);
    appeals.push({
      topic: rng.pick(TOPICS), region: place?.region ?? null, district: place ? (rng.chance(0.1) ? null : place.id) : null, agency: rng.pick(AGENCIES),
      registeredAt, dueAt, kind: rng.pick(['statement', 'proposal', 'complaint'] as const), state,
      answeredAt: answered && answered < NOW ? answered : null, rating: state === 'closed' && rng.chance(0.6) ? rng.int(1, 5) : null,
    });
  }
  const ids = await insertAppeals(database.db, appeals);
  const db = database.db;
  // What the service does to appeals over their life, row by row as it would.
  for (const id of ids.slice(0, 300)) {
    const step = rng.int(0, 5);
    if (step === 0) await db.updateTable('appeals_appeal').set({ state: 'assigned', executor_id: 'x', executor_name: 'X' }).where('id', '=', id).where('state', '=', 'open').execute();
    if (step === 1) await db.updateTable('appeals_appeal').set({ state: 'answered', answered_at: new Date(NOW.getTime() - DAY), answer: 'Done.' }).where('id', '=', id).where('state', 'in', ['open', 'assigned']).execute();
    if (step === 2) await db.updateTable('appeals_appeal').set({ state: 'closed', rating: rng.int(1, 5) }).where('id', '=', id).where('state', '=', 'answered').execute();
    if (step === 3) await db.updateTable('appeals_appeal').set({ agency_id: rng.pick(AGENCIES), district: rng.pick(places).id }).where('id', '=', id).execute();
    if (step === 4) await db.updateTable('appeals_appeal').set({ due_at: new Date(NOW.getTime() + 10 * DAY), extended: true }).where('id', '=', id).execute();
    if (step === 5) await db.updateTable('appeals_appeal').set({ state: 'open', answered_at: null, rating: null, level: 1 }).where('id', '=', id).execute();
  }
  await db.deleteFrom('appeals_appeal').where('id', 'in', ids.slice(300, 320)).execute();
  await db.updateTable('appeals_appeal').set({ reminded_at: NOW }).where('id', 'in', ids.slice(320, 400)).execute();
});
after(() => database.close());

interface Row { agency_id: string; region: string | null; district: string | null; topic_id: string; state: string; kind: string; registered_at: Date; due_at: Date; answered_at: Date | null; rating: number | null }
const rows = async () => (await database.db.selectFrom('appeals_appeal').select(['agency_id', 'region', 'district', 'topic_id', 'state', 'kind', 'registered_at', 'due_at', 'answered_at', 'rating']).execute()) as Row[];

/** The figures counted from the appeals themselves, in TypeScript: what the rollups must agree with. */
function truth(all: Row[], f: Filter) {
  const since = dayStart(f.period.from);
  const mine = all.filter((r) => r.registered_at >= since && (!f.agencies || f.agencies.includes(r.agency_id))
    && (f.region === undefined || (r.region ?? '') === f.region) && (f.topic === undefined || r.topic_id === f.topic));
  const add = (m: Measures, r: Row) => {
    m.n++;
    m.states[r.state as keyof Measures['states']]++;
    m.kinds[r.kind as keyof Measures['kinds']]++;
    if (r.answered_at) {
      m.answered++;
      if (r.answered_at <= r.due_at) m.onTime++;
      m.answerSeconds += Math.round((r.answered_at.getTime() - r.registered_at.getTime()) / 1000);
    }
    if (r.rating) m.ratings[r.rating - 1]!++;
  };
  const total = emptyMeasures();
  const by = (key: (r: Row) => string) => {
    const map = new Map<string, Measures>();
    for (const r of mine) { if (!map.has(key(r))) map.set(key(r), emptyMeasures()); add(map.get(key(r))!, r); }
    return map;
  };
  for (const r of mine) add(total, r);
  const districts = new Map<string, number>();
  for (const r of mine) districts.set(`${r.region ?? ''}/${r.district ?? ''}`, (districts.get(`${r.region ?? ''}/${r.district ?? ''}`) ?? 0) + 1);
  return { mine, total, byAgency: by((r) => r.agency_id), byRegion: by((r) => r.region ?? ''), byTopic: by((r) => r.topic_id), districts };
}

// answer_seconds is summed from exact intervals in SQL; allow a second of rounding per appeal.
const close = (a: Measures, b: Measures, label: string) => {
  assert.ok(Math.abs(a.answerSeconds - b.answerSeconds) <= b.answered, `${label}: answer seconds ${a.answerSeconds} vs ${b.answerSeconds}`);
  assert.deepEqual({ ...a, answerSeconds: 0 }, { ...b, answerSeconds: 0 }, label);
};

const FILTERS: [string, (days: number) => Filter][] = [
  ['whole country', (days) => ({ period: periodOf(days, NOW) })],
  ['two agencies', (days) => ({ period: periodOf(days, NOW), agencies: ['tax-committee', 'hokimiyat-tashkent-city'] })],
  ['a region', (days) => ({ period: periodOf(days, NOW), region: places[0]!.region })],
  ['no place', (days) => ({ period: periodOf(days, NOW), region: '' })],
  ['a topic in an agency', (days) => ({ period: periodOf(days, NOW), topic: 'water-outage', agencies: ['migration'] })],
  ['no agency', (days) => ({ period: periodOf(days, NOW), agencies: [] })],
];

test('the rollups agree with the appeals for every period and filter, after every kind of change', async () => {
  const all = await rows();
  assert.ok(all.length > 1400);
  for (const days of [1, 7, 30, 90, 365]) {
    for (const [label, make] of FILTERS) {
      const f = make(days);
      const want = truth(all, f);
      const got = await statsOf(database.db, f);
      close(got.total, want.total, `${label}, ${days} days: total`);
      for (const [name, map] of [['agency', got.byAgency], ['region', got.byRegion], ['topic', got.byTopic]] as const) {
        const expected = name === 'agency' ? want.byAgency : name === 'region' ? want.byRegion : want.byTopic;
        assert.deepEqual([...map.keys()].sort(), [...expected.keys()].sort(), `${label}, ${days} days: ${name} keys`);
        for (const [key, m] of map) close(m, expected.get(key)!, `${label}, ${days} days: ${name} ${key}`);
      }
      const districts = await districtsOf(database.db, f);
      assert.deepEqual(new Map(districts.map((d) => [`${d.region}/${d.district}`, d.n])), want.districts, `${label}, ${days} days: districts`);
      const overdue = await overdueOf(database.db, f, NOW);
      assert.equal(overdue.total, want.mine.filter((r) => (r.state === 'open' || r.state === 'assigned') && r.due_at < NOW).length, `${label}, ${days} days: overdue`);
    }
  }
});

test('the trend counts each of the last 12 weeks', async () => {
  const all = await rows();
  const f: Filter = { period: periodOf(30, NOW), agencies: ['tax-committee', 'migration'] };
  const trend = await trendOf(database.db, f);
  assert.equal(trend.length, 12);
  assert.equal(trend[11]!.week, '2026-11-16');
  assert.equal(trend[0]!.week, '2026-08-31');
  for (const w of trend) {
    const inWeek = all.filter((r) => f.agencies!.includes(r.agency_id) && weekOf(tashkentDay(r.registered_at)) === w.week);
    assert.equal(w.registered, inWeek.length, w.week);
    assert.equal(w.answered, inWeek.filter((r) => r.answered_at).length, w.week);
  }
  assert.ok(trend.some((w) => w.registered > 0));
});

test('the migration counts the appeals that were there before it', async () => {
  const fresh = await testDatabase();
  try {
    await migrateToLatest(fresh.db, appealsMigrations);
    const place = places[0]!;
    await insertAppeals(fresh.db, Array.from({ length: 40 }, (_, i) => ({
      topic: TOPICS[i % 4]!, region: place.region, district: place.id, agency: AGENCIES[i % 2]!, registeredAt: new Date(NOW.getTime() - i * 5 * DAY),
      state: i % 3 === 0 ? 'closed' as const : 'open' as const, answeredAt: i % 3 === 0 ? new Date(NOW.getTime() - i * 5 * DAY + 3 * DAY) : null, rating: i % 6 === 0 ? 4 : null,
    })));
    await migrateToLatest(fresh.db, { ...appealsMigrations, ...analyticsMigrations });
    const all = (await fresh.db.selectFrom('appeals_appeal').select(['agency_id', 'region', 'district', 'topic_id', 'state', 'kind', 'registered_at', 'due_at', 'answered_at', 'rating']).execute()) as Row[];
    for (const days of [30, 365]) {
      const f: Filter = { period: periodOf(days, NOW) };
      close((await statsOf(fresh.db, f)).total, truth(all, f).total, `${days} days`);
      assert.deepEqual(new Map((await districtsOf(fresh.db, f)).map((d) => [`${d.region}/${d.district}`, d.n])), truth(all, f).districts);
    }
    // And from then on the triggers keep counting.
    await insertAppeals(fresh.db, [{ topic: 'tax-refund', region: null, district: null, agency: 'tax-committee', registeredAt: NOW }]);
    assert.equal((await statsOf(fresh.db, { period: periodOf(365, NOW) })).total.n, 41);
  } finally {
    await fresh.close();
  }
});

test('reads folding at once while appeals are written neither fail nor count anything twice', async () => {
  const f: Filter = { period: periodOf(365, NOW), agencies: ['migration', 'tax-committee'] };
  const place = places[1]!;
  const writes = Array.from({ length: 10 }, (_, i) => insertAppeals(database.db, Array.from({ length: 5 }, (_, j) => ({
    topic: TOPICS[(i + j) % 4]!, region: place.region, district: place.id, agency: i % 2 ? 'migration' : 'tax-committee', registeredAt: new Date(NOW.getTime() - (i * 5 + j) * DAY),
  }))));
  const reads = Array.from({ length: 10 }, (_, i) => (i % 2 ? statsOf(database.db, f) : districtsOf(database.db, f)));
  await Promise.all([...writes, ...reads]);
  const all = await rows();
  close((await statsOf(database.db, f)).total, truth(all, f).total, 'after the writes');
  assert.deepEqual(new Map((await districtsOf(database.db, f)).map((d) => [`${d.region}/${d.district}`, d.n])), truth(all, f).districts);
});
