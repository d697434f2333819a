// Dates as documents print them; kept apart from the PDF renderer so that pages can use
// them without loading pdf-lib.

/** Tashkent is UTC+5 all year: the date printed is the date there. */
export function tashkentDate(at: Date): string {
  const local = new Date(at.getTime() + 5 * 3600_000);
  const dd = String(local.getUTCDate()).padStart(2, '0'), mm = String(local.getUTCMonth() + 1).padStart(2, '0');
  return `${dd}.${mm}.${local.getUTCFullYear()}`;
}
