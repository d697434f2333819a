// The pension fund: monthly salary records (what an employer reported paying, with the
// social tax on it) for working-age citizens employed by the demo businesses, and pensions
// for those past retirement age (60 for men, 55 for women) and a few for disability.
import type { DemoBusiness, DemoPerson } from '../../identity/index.js';
import { addMonths, ageOn, birthday, dayBetween, DEMO_CITIZEN, months, som, type Context, type Row } from './common.js';

/** The social tax an employer pays on salaries (a flat 12%), credited to the fund in this demo. */
export const SOCIAL_TAX = 0.12;
/** The first month of salary records kept in the demo. */
export const SALARY_FROM = '2024-01';
/** The last month with records: the one before the population's "as of" day. */
export const salaryTo = (asOf: string) => addMonths(asOf.slice(0, 7), -1);

export const retirementAge = (p: Pick<DemoPerson, 'sex'>) => (p.sex === 'male' ? 60 : 55);

export function pensionFund(ctx: Context): { salary: Row<'registry_salary'>[]; pension: Row<'registry_pension'>[] } {
  const rng = ctx.rng('pension');
  const { asOf, citizens, businesses } = ctx;
  const window = months(SALARY_FROM, salaryTo(asOf));
  const salary: Row<'registry_salary'>[] = [];
  const pension: Row<'registry_pension'>[] = [];
  const directing = new Map<string, DemoBusiness>();
  for (const b of businesses) if (b.legalForm !== 'IE' && !directing.has(b.director)) directing.set(b.director, b);
  const employerFor = (p: DemoPerson, not?: string): DemoBusiness => {
    const local = businesses.filter((b) => b.region === p.region && b.stir !== not && b.director !== p.pinfl);
    const pool = local.length && rng.chance(0.75) ? local : businesses.filter((b) => b.stir !== not && b.director !== p.pinfl);
    // Companies employ more people than entrepreneurs do.
    return rng.pick(pool.flatMap((b) => (b.legalForm === 'IE' ? [b] : [b, b, b])));
  };

  for (const p of citizens) {
    const age = ageOn(p.birthDate, asOf);
    const retired = age >= retirementAge(p);
    if (retired) {
      const on = birthday(p.birthDate, retirementAge(p));
      pension.push({ pinfl: p.pinfl!, kind: 'age', granted_on: on, monthly_tiyin: som(rng.int(1_150, 4_200) * 1_000) });
    } else if (age >= 20 && rng.chance(0.02)) {
      pension.push({ pinfl: p.pinfl!, kind: 'disability', granted_on: dayBetween(rng, birthday(p.birthDate, 18), asOf), monthly_tiyin: som(rng.int(900, 2_100) * 1_000) });
    }
    if (age < 18) continue;

    // Who works where, month by month.
    const own = directing.get(p.pinfl!);
    const works = p.pinfl === DEMO_CITIZEN || own || (retired ? rng.chance(0.15) : rng.chance(0.62));
    if (!works) continue;
    let employer = own ?? (p.pinfl === DEMO_CITIZEN
      ? businesses.find((b) => b.region === p.region && b.legalForm !== 'IE' && b.director !== p.pinfl)!
      : employerFor(p));
    const start = own ? [SALARY_FROM, own.registeredOn.slice(0, 7)].sort()[1]
      : p.pinfl === DEMO_CITIZEN || rng.chance(0.5) ? SALARY_FROM : rng.pick(window);
    const stop = !own && p.pinfl !== DEMO_CITIZEN && rng.chance(0.1) ? rng.pick(window) : undefined;
    const change = !own && p.pinfl !== DEMO_CITIZEN && rng.chance(0.15) ? rng.pick(window) : undefined;
    const band = own ? rng.int(9_000, 24_000) : rng.pick([rng.int(2_000, 3_500), rng.int(3_500, 6_000), rng.int(3_500, 6_000), rng.int(6_000, 10_000), rng.int(10_000, 18_000)]);
    let base = band * 1_000;
    for (const month of window) {
      if (month.endsWith('-01') && month !== SALARY_FROM) base *= 1 + rng.int(6, 15) / 100;
      if (month < start || (stop && month > stop) || birthday(p.birthDate, 18).slice(0, 7) > month) continue;
      if (change && month === change) employer = employerFor(p, employer.stir);
      if (employer.registeredOn.slice(0, 7) > month) continue;
      const bonus = (month.endsWith('-12') || month.endsWith('-03')) && rng.chance(0.25) ? 1.5 : 1;
      const amount = som(Math.round((base * bonus * (0.97 + rng.next() * 0.06)) / 1_000) * 1_000);
      salary.push({ pinfl: p.pinfl!, month, employer_stir: employer.stir, salary_tiyin: amount, social_tax_tiyin: Math.round(amount * SOCIAL_TAX / 100) * 100 });
    }
  }
  return { salary, pension };
}
