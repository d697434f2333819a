// The enforcement bureau: cases opened on debts other registries hold — traffic fines
// unpaid for two months, utility bills unpaid for half a year, business taxes three months
// overdue — and on court orders (alimony, bank loans). A case the bureau closed has
// collected the whole amount; the fine it came from then shows as paid on that day.
import { addDays, ageOn, daysBetween, dayBetween, DEMO_CITIZEN, DEMO_CITIZEN_IDS, som, type Context, type Row } from './common.js';
import { PROVIDERS, type Provider } from './utilities.js';

/** Creditors that are not agencies of the demo catalog. */
export const BANKS = ['Xalq banki', 'Ipoteka-bank', 'Kapitalbank', 'Hamkorbank', 'Asakabank', 'Agrobank'];

export function enforcementBureau(
  ctx: Context,
  input: { fine: Row<'registry_fine'>[]; account: Row<'registry_utility_account'>[]; bill: Row<'registry_utility_bill'>[]; debt: Row<'registry_tax_debt'>[] },
): Row<'registry_enforcement'>[] {
  const rng = ctx.rng('enforcement');
  const { asOf } = ctx;
  const cases: Row<'registry_enforcement'>[] = [];
  const numbers = new Set<string>([DEMO_CITIZEN_IDS.enforcementCase]);
  const open = (c: Omit<Row<'registry_enforcement'>, 'number' | 'travel_ban'>) => {
    let number: string;
    do number = `IJ${c.opened_on.slice(0, 4)}${String(rng.int(0, 999_999)).padStart(6, '0')}`; while (numbers.has(number));
    if (c.debtor === DEMO_CITIZEN && c.source === DEMO_CITIZEN_IDS.collectedFine) number = DEMO_CITIZEN_IDS.enforcementCase;
    numbers.add(number);
    // Leaving the country is barred while a large debt or alimony is unpaid.
    const row = { ...c, number, travel_ban: c.status === 'open' && (c.basis === 'alimony' || c.amount_tiyin - c.collected_tiyin >= som(20_000_000)) };
    cases.push(row);
    return row;
  };

  for (const f of input.fine) {
    if (f.paid_on || daysBetween(f.issued_at.toISOString().slice(0, 10), asOf) < 60) continue;
    const opened = addDays(f.issued_at.toISOString().slice(0, 10), rng.int(45, 60));
    // The demo citizen's old fine was collected; others' sometimes.
    const closed = f.offender === DEMO_CITIZEN || rng.chance(0.35) ? dayBetween(rng, addDays(opened, 20), [addDays(opened, 120), addDays(asOf, -1)].sort()[0]) : null;
    open({
      debtor: f.offender, debtor_kind: f.offender_kind, basis: 'traffic-fine', creditor: 'road-safety', source: f.number, opened_on: opened,
      amount_tiyin: f.amount_tiyin, collected_tiyin: closed ? f.amount_tiyin : 0, status: closed ? 'closed' : 'open', closed_on: closed,
    });
    if (closed) { f.paid_on = closed; f.paid_tiyin = f.amount_tiyin; }
  }

  const unpaid = new Map<string, number>();
  for (const b of input.bill) if (b.paid_tiyin < b.charged_tiyin) unpaid.set(b.account, (unpaid.get(b.account) ?? 0) + 1);
  for (const a of input.account) {
    if ((unpaid.get(a.number) ?? 0) < 6) continue;
    open({
      debtor: a.holder_pinfl, debtor_kind: 'person', basis: 'utility', creditor: PROVIDERS[a.provider as Provider].member, source: a.number,
      opened_on: addDays(asOf, -rng.int(10, 40)), amount_tiyin: a.debt_tiyin, collected_tiyin: 0, status: 'open', closed_on: null,
    });
  }

  for (const d of input.debt) {
    if (!/^\d{9}$/.test(d.tin) || daysBetween(d.due_on, asOf) < 90) continue;
    open({
      debtor: d.tin, debtor_kind: 'company', basis: 'tax', creditor: 'tax-committee', source: d.id, opened_on: addDays(d.due_on, rng.int(60, 80)),
      amount_tiyin: d.principal_tiyin + d.penalty_tiyin, collected_tiyin: 0, status: 'open', closed_on: null,
    });
  }

  // Court orders: alimony from a few fathers, bank loans from a few borrowers.
  const adults = ctx.citizens.filter((p) => p.pinfl !== DEMO_CITIZEN && !p.demo && ageOn(p.birthDate, asOf) >= 25 && ageOn(p.birthDate, asOf) < 60);
  for (const p of adults) {
    if (p.sex === 'male' && ageOn(p.birthDate, asOf) < 50 && rng.chance(0.05)) {
      const amount = som(rng.int(3_000, 25_000) * 1_000);
      open({
        debtor: p.pinfl!, debtor_kind: 'person', basis: 'alimony', creditor: 'recipient', source: null, opened_on: dayBetween(rng, addDays(asOf, -1_500), addDays(asOf, -30)),
        amount_tiyin: amount, collected_tiyin: Math.round(amount * rng.int(0, 60) / 100 / 100) * 100, status: 'open', closed_on: null,
      });
    } else if (rng.chance(0.03)) {
      const amount = som(rng.int(5_000, 80_000) * 1_000);
      const opened = dayBetween(rng, addDays(asOf, -1_200), addDays(asOf, -30));
      const closed = rng.chance(0.3) ? dayBetween(rng, addDays(opened, 30), addDays(asOf, -1)) : null;
      open({
        debtor: p.pinfl!, debtor_kind: 'person', basis: 'bank-loan', creditor: `bank:${rng.pick(BANKS)}`, source: null, opened_on: opened,
        amount_tiyin: amount, collected_tiyin: closed ? amount : Math.round(amount * rng.int(0, 70) / 100 / 100) * 100,
        status: closed ? 'closed' : 'open', closed_on: closed,
      });
    }
  }
  return cases;
}
