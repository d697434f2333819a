// A power is valid to the end of the day its director names, in Tashkent (UTC+5 all year:
// Uzbekistan keeps no daylight saving time).
const OFFSET_MS = 5 * 3600_000;
const DAY_MS = 24 * 3600_000;
export const MAX_POWER_YEARS = 3;

/** Today's date in Tashkent, `YYYY-MM-DD`. */
export const today = (now = new Date()) => new Date(now.getTime() + OFFSET_MS).toISOString().slice(0, 10);

/** The same day `years` later (29 February becomes 28 February). */
export function addYears(day: string, years: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y + years, m - 1, d));
  if (date.getUTCMonth() !== m - 1) date.setUTCDate(0);
  return date.toISOString().slice(0, 10);
}

/** The instant a power valid until `day` ends: the next midnight in Tashkent. */
export const endOfDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS - OFFSET_MS);

/** The last day a power ending at `expiresAt` is valid, as `endOfDay` counts. */
export const lastDay = (expiresAt: Date | string) => new Date(new Date(expiresAt).getTime() - 1 + OFFSET_MS).toISOString().slice(0, 10);

/** Whether `day` is a real calendar date written `YYYY-MM-DD`. */
export function isDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}
