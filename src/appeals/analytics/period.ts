// Days as the dashboard counts them: Tashkent's calendar days (UTC+5 all year, no daylight
// saving since 1992), as `YYYY-MM-DD`, and the rollup buckets that make up a period.

const OFFSET_MS = 5 * 3600_000;
const DAY_MS = 86_400_000;

/** The Tashkent calendar day of an instant. */
export function tashkentDay(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Tashkent day begins. */
export function dayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday of a day's week. */
export function weekOf(day: string): string {
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  return addDays(day, -weekday);
}

/** The first Monday on or after a day. */
function mondayFrom(day: string): string {
  const monday = weekOf(day);
  return monday === day ? day : addDays(monday, 7);
}

/** The first day of a month that begins on or after a day. */
function monthFrom(day: string): string {
  if (day.endsWith('-01')) return day;
  const d = new Date(`${day}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}

/** The last `days` days up to and including today's. */
export interface Period { days: number; from: string; today: string }

export function periodOf(days: number, now: Date): Period {
  const today = tashkentDay(now);
  return { days, from: addDays(today, -(days - 1)), today };
}

/**
 * The rollup rows that add up to a period: months starting on or after `from` (the current
 * one is complete as far as appeals exist), then, before the first of them, whole weeks,
 * then single days at either end. Ranges are half-open `[from, to)`; `to` undefined is open.
 */
export interface Buckets {
  months?: { from: string };
  weeks?: { from: string; to?: string };
  days: { from: string; to: string }[];
}

export function periodBuckets(period: Period): Buckets {
  const tomorrow = addDays(period.today, 1);
  const month = monthFrom(period.from);
  const hasMonths = month <= period.today;
  const end = hasMonths ? month : tomorrow;
  const monday = mondayFrom(period.from);
  if (monday >= end) return { months: hasMonths ? { from: month } : undefined, days: [{ from: period.from, to: end }] };
  // With months after them the weeks must end before the first month; without, the week of today counts whole.
  const weeks = hasMonths ? Math.floor((Date.parse(end) - Date.parse(monday)) / (7 * DAY_MS)) : Infinity;
  const weeksEnd = hasMonths ? addDays(monday, weeks * 7) : undefined;
  const days = [{ from: period.from, to: monday }];
  if (weeksEnd && weeksEnd < end) days.push({ from: weeksEnd, to: end });
  return {
    months: hasMonths ? { from: month } : undefined,
    weeks: weeks > 0 ? { from: monday, to: weeksEnd } : undefined,
    days: days.filter((d) => d.from < d.to),
  };
}
