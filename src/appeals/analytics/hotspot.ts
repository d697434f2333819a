// Hotspots: a topic in a district whose appeals of the last days stand well above its own
// baseline.
//
// The rule. For each (topic, district): c = appeals in the last W = 3 days; λ = the mean
// count per W-day window over the B = 56 days before them (8 weeks: baseline / (56 / 3)),
// floored at 0.5 so that a pair with an empty baseline does not alert on its first few
// appeals. Alert when c ≥ 5 and P(X ≥ c) < 0.001 for X ~ Poisson(λ), the tail computed exactly
// from the pmf.
//
// Multiple testing: each pair is tested alone at 0.001, without a Bonferroni correction. In
// simulation (the baseline's own noise included) a steady pair raises a false alert in about
// 5 of 10,000 windows: a district administration's few hundred pairs, one every few weeks;
// the whole country's ~15,000 pairs, a handful at any time. Correcting for 15,000 pairs
// (0.001 / 15,000) would instead hide a surge of ten appeals where one is usual
// (P = 1.1e-7). The threshold is HOTSPOT_RULE.alpha.
import { sql } from 'kysely';
import type { Db } from '../../platform/index.js';

export const HOTSPOT_RULE = { windowDays: 3, baselineDays: 56, priorPerWindow: 0.5, minCount: 5, alpha: 0.001 } as const;

export interface Hotspot {
  topicId: string;
  region: string;
  district: string;
  /** Appeals in the last window. */
  count: number;
  /** Appeals in the baseline days before it. */
  baseline: number;
  /** The expected count per window (after the floor). */
  expected: number;
  /** P(X ≥ count) under Poisson(expected). */
  p: number;
}

/**
 * P(X ≥ c) for X ~ Poisson(λ), exactly from the pmf. Above the mean the tail is summed
 * upwards (no 1 − almost-1 cancellation, so 1e-30 stays 1e-30); below, 1 − the lower sum.
 */
export function poissonTail(c: number, lambda: number): number {
  if (c <= 0) return 1;
  if (lambda <= 0) return 0;
  // log pmf(k) = −λ + k·ln λ − ln k!
  const logPmf = (k: number) => {
    let logFactorial = 0;
    for (let i = 2; i <= k; i++) logFactorial += Math.log(i);
    return -lambda + k * Math.log(lambda) - logFactorial;
  };
  if (c > lambda) {
    let term = Math.exp(logPmf(c));
    let sum = 0;
    for (let k = c; term > 0 && term >= sum * 1e-17; k++) {
      sum += term;
      term *= lambda / (k + 1);
    }
    return Math.min(1, sum);
  }
  let term = Math.exp(-lambda);
  let below = 0;
  for (let k = 0; k < c; k++) {
    below += term;
    term *= lambda / (k + 1);
  }
  return Math.max(0, 1 - below);
}

/** The pairs that alert, strongest first: see testPairs. */
export async function hotspotsOf(db: Db, agencies: readonly string[] | undefined, now: Date): Promise<Hotspot[]> {
  return (await testPairs(db, agencies, now)).filter((h) => h.p < HOTSPOT_RULE.alpha).sort((a, b) => a.p - b.p || b.count - a.count);
}

/**
 * Tests every (topic, district) pair with appeals of the agencies given (all when undefined)
 * that could alert, and returns each with its p-value. One statement: the pairs with at least minCount appeals in the last window (the only ones
 * that can alert), and for each its baseline, counted through the (topic, district, time)
 * index, so that a country's 60 days of appeals are never all read.
 */
export async function testPairs(db: Db, agencies: readonly string[] | undefined, now: Date): Promise<Hotspot[]> {
  const { windowDays, baselineDays, priorPerWindow, minCount } = HOTSPOT_RULE;
  const windowStart = new Date(now.getTime() - windowDays * 86_400_000);
  const baselineStart = new Date(windowStart.getTime() - baselineDays * 86_400_000);
  const scope = (alias: string) => (agencies ? sql` and ${sql.ref(`${alias}.agency_id`)} in (${sql.join(agencies.length > 0 ? agencies : [''])})` : sql``);
  const { rows } = await sql<{ topic_id: string; district: string; region: string | null; c: number; baseline: number }>`
    with recent as (
      select topic_id, district, min(region) as region, count(*) as c from appeals_appeal a
      where registered_at > ${windowStart} and registered_at <= ${now} and district is not null${scope('a')}
      group by topic_id, district having count(*) >= ${minCount}
    )
    select r.topic_id, r.district, r.region, r.c, (
      select count(*) from appeals_appeal b
      where b.topic_id = r.topic_id and b.district = r.district and b.registered_at > ${baselineStart} and b.registered_at <= ${windowStart}${scope('b')}
    ) as baseline
    from recent r`.execute(db);
  const windows = baselineDays / windowDays;
  return rows.map((r) => {
    const count = Number(r.c);
    const baseline = Number(r.baseline);
    const expected = Math.max(priorPerWindow, baseline / windows);
    return { topicId: r.topic_id, district: r.district, region: r.region ?? '', count, baseline, expected, p: poissonTail(count, expected) };
  });
}
