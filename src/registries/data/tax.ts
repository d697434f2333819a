// The tax committee: taxpayers (adult citizens by PINFL, businesses by STIR), income
// statements built from the salary records employers reported (personal income tax 12%),
// and debts: unpaid property and land tax of owners, and some businesses' VAT, profit,
// turnover or fixed tax. Penalties are 0.033% of the debt a day since it fell due.
import { addDays, ageOn, birthday, dayBetween, daysBetween, DEMO_BUSINESS, DEMO_CITIZEN, fullName, nameOf, som, type Context, type Row } from './common.js';

export const INCOME_TAX = 0.12;
const PENALTY_PER_DAY = 0.00033;
/** Property and land tax of individuals for a year falls due on 1 December of that year. */
const PROPERTY_DUE = (year: number) => `${year}-12-01`;
const RATE: Record<string, number> = { apartment: 0.0034, house: 0.0034, land: 0.002, 'non-residential': 0.015 };

export function taxCommittee(
  ctx: Context,
  input: { salary: Row<'registry_salary'>[]; property: Row<'registry_property'>[]; owner: Row<'registry_property_owner'>[] },
): { taxpayer: Row<'registry_taxpayer'>[]; debt: Row<'registry_tax_debt'>[]; income: Row<'registry_tax_income'>[] } {
  const rng = ctx.rng('tax');
  const { asOf } = ctx;
  const taxpayer: Row<'registry_taxpayer'>[] = [];
  const debt: Row<'registry_tax_debt'>[] = [];
  const penalty = (principal: number, due: string) => Math.round(principal * PENALTY_PER_DAY * Math.max(0, daysBetween(due, asOf)) / 100) * 100;
  let seq = 0;
  const owe = (tin: string, tax: string, period: string, principal: number, due: string) => {
    if (due >= asOf || principal <= 0) return;
    debt.push({ id: `${tin}-${++seq}`, tin, tax, period, principal_tiyin: principal, penalty_tiyin: penalty(principal, due), due_on: due });
  };

  for (const p of ctx.citizens) {
    if (ageOn(p.birthDate, asOf) < 18) continue;
    taxpayer.push({
      tin: p.pinfl!, kind: 'individual', pinfl: p.pinfl!, stir: null, name: fullName(nameOf(p)), region: p.region, district: p.district,
      registered_on: dayBetween(rng, [birthday(p.birthDate, 18), '2000-01-01'].sort()[1], [birthday(p.birthDate, 19), addDays(asOf, -1)].sort()[0]),
      regime: 'personal', vat_payer: false,
    });
  }
  for (const b of ctx.businesses) {
    const regime = b.legalForm === 'IE' ? rng.pick(['turnover', 'fixed']) : b.legalForm === 'JSC' || b.stir === DEMO_BUSINESS ? 'general' : rng.pick(['general', 'turnover']);
    taxpayer.push({
      tin: b.stir, kind: b.legalForm === 'IE' ? 'entrepreneur' : 'legal-entity', pinfl: b.legalForm === 'IE' ? b.director : null, stir: b.stir,
      name: b.name.uz, region: b.region, district: b.district, registered_on: b.registeredOn, regime, vat_payer: regime === 'general',
    });
    // The demo business owes last month's VAT; about a quarter of the others owe something.
    if (b.stir === DEMO_BUSINESS) { owe(b.stir, 'vat', '2026-09', som(3_450_000), '2026-10-20'); continue; }
    if (!rng.chance(0.25)) continue;
    const month = `${asOf.slice(0, 4)}-${String(rng.int(1, Number(asOf.slice(5, 7)) - 2)).padStart(2, '0')}`;
    const due = `${addDays(`${month}-28`, 10).slice(0, 7)}-20`;
    const tax = regime === 'general' ? rng.pick(['vat', 'profit']) : regime === 'fixed' ? 'fixed' : 'turnover';
    owe(b.stir, tax, month, som(rng.int(500, 40_000) * 1_000), due);
    if (b.legalForm !== 'IE' && rng.chance(0.3)) owe(b.stir, 'property-legal', String(Number(asOf.slice(0, 4)) - 1), som(rng.int(800, 12_000) * 1_000), `${Number(asOf.slice(0, 4)) - 1}-12-15`);
  }

  // Individuals: last year's property and land tax, some of it unpaid; the demo citizen owes a small remainder.
  const year = Number(asOf.slice(0, 4)) - 1;
  const objects = new Map(input.property.map((o) => [o.cadastral_number, o]));
  const owed = new Map<string, { tax: string; amount: number }>();
  for (const o of input.owner) {
    if (o.owner_kind !== 'person') continue;
    const object = objects.get(o.cadastral_number)!;
    const annual = object.value_tiyin * RATE[object.kind] * o.share_num / o.share_den;
    const unpaid = o.owner === DEMO_CITIZEN ? 0.08 : rng.chance(0.15) ? rng.int(20, 100) / 100 : 0;
    if (!unpaid) continue;
    const tax = object.kind === 'land' ? 'land-individual' : 'property-individual';
    const key = `${o.owner}|${tax}`;
    owed.set(key, { tax, amount: (owed.get(key)?.amount ?? 0) + Math.round(annual * unpaid / 100) * 100 });
  }
  for (const [key, { tax, amount }] of owed) owe(key.split('|')[0], tax, String(year), amount, PROPERTY_DUE(year));

  // Income statements: what each employer reported and withheld, a year at a time.
  const income = new Map<string, Row<'registry_tax_income'>>();
  for (const s of input.salary) {
    const y = Number(s.month.slice(0, 4));
    const key = `${s.pinfl}|${y}|${s.employer_stir}`;
    const row = income.get(key) ?? { pinfl: s.pinfl, year: y, employer_stir: s.employer_stir, months: 0, income_tiyin: 0, tax_tiyin: 0 };
    row.months++;
    row.income_tiyin += s.salary_tiyin;
    row.tax_tiyin += Math.round(s.salary_tiyin * INCOME_TAX / 100) * 100;
    income.set(key, row);
  }
  return { taxpayer, debt, income: [...income.values()] };
}

