// Utilities: gas, power and water accounts at the addresses adults are registered at, with
// a year of monthly bills. Most households pay on time; some are a month or two behind, a
// few half a year or more (those go to the enforcement bureau). Tariffs are demo values.
import type { Prng } from '../../identity/index.js';
import { addMonths, ageOn, DEMO_CITIZEN, DEMO_CITIZEN_IDS, months, placeCodes, som, type Context, type Row } from './common.js';

export type Provider = 'gas' | 'power' | 'water';

/** The agency (member code) that keeps each kind of account, and its unit and demo tariff in so'm. */
export const PROVIDERS: Record<Provider, { member: string; unit: string; tariff: number; digits: number }> = {
  gas: { member: 'hududgaz', unit: 'm3', tariff: 1_000, digits: 10 },
  power: { member: 'electricity', unit: 'kWh', tariff: 800, digits: 12 },
  water: { member: 'water-supply', unit: 'm3', tariff: 2_800, digits: 9 },
};

/** The months billed: the year up to the one before the population's day. */
export const billMonths = (asOf: string) => months(addMonths(asOf.slice(0, 7), -12), addMonths(asOf.slice(0, 7), -1));

function consumption(rng: Prng, provider: Provider, month: string, house: boolean): number {
  const winter = ['11', '12', '01', '02', '03'].includes(month.slice(5));
  switch (provider) {
    // A house heats with gas in winter; a flat cooks with it.
    case 'gas': return house ? (winter ? rng.int(2_500, 6_000) : rng.int(250, 600)) / 10 : rng.int(120, 350) / 10;
    case 'power': return rng.int(1_200, 3_800) / 10 * (winter ? 1.3 : 1);
    default: return rng.int(50, 180) / 10;
  }
}

export function utilities(ctx: Context, residence: Row<'registry_residence'>[]): { account: Row<'registry_utility_account'>[]; bill: Row<'registry_utility_bill'>[] } {
  const rng = ctx.rng('utilities');
  const { asOf } = ctx;
  const billed = billMonths(asOf);
  const account: Row<'registry_utility_account'>[] = [];
  const bill: Row<'registry_utility_bill'>[] = [];
  const numbers = new Set<string>([DEMO_CITIZEN_IDS.gas, DEMO_CITIZEN_IDS.power, DEMO_CITIZEN_IDS.water]);
  const current = new Map(residence.filter((r) => !r.deregistered_on).map((r) => [r.pinfl, r]));
  for (const p of ctx.citizens) {
    if (ageOn(p.birthDate, asOf) < 18) continue;
    const home = current.get(p.pinfl!)!;
    const house = !/xonadon/.test(home.address);
    // How this household pays: on time, a month or two behind, or half a year and more.
    const habit = p.pinfl === DEMO_CITIZEN ? 'ontime' : rng.weighted({ ontime: 78, late: 16, debtor: 6 });
    const neglected = rng.pick(['gas', 'power'] as Provider[]);
    for (const provider of ['gas', 'power', 'water'] as Provider[]) {
      if (provider === 'gas' && !rng.chance(0.9)) continue;
      if (provider === 'water' && house && !rng.chance(0.7)) continue;
      const { region } = placeCodes(home.district);
      let number: string;
      do number = `${region}${String(rng.int(0, 10 ** (PROVIDERS[provider].digits - 2) - 1)).padStart(PROVIDERS[provider].digits - 2, '0')}`;
      while (numbers.has(number));
      if (p.pinfl === DEMO_CITIZEN) number = DEMO_CITIZEN_IDS[provider];
      numbers.add(number);
      const behind = p.pinfl === DEMO_CITIZEN ? (provider === 'gas' ? 2 : 0)
        : habit === 'late' ? rng.int(1, 2) : habit === 'debtor' ? (provider === neglected ? rng.int(6, 10) : rng.int(0, 2)) : 0;
      let debt = 0, lastPaid: { on: string; amount: number } | null = null;
      billed.forEach((month, i) => {
        if (month < home.registered_on.slice(0, 7)) return;
        const used = Math.round(consumption(rng, provider, month, house) * 10) / 10;
        const charged = som(used * PROVIDERS[provider].tariff);
        const paid = i >= billed.length - behind ? 0 : charged;
        debt += charged - paid;
        // Bills are paid within their month.
        if (paid) lastPaid = { on: [`${month}-${String(rng.int(10, 28)).padStart(2, '0')}`, home.registered_on].sort()[1], amount: paid };
        bill.push({ account: number, month, consumption: used, charged_tiyin: charged, paid_tiyin: paid });
      });
      const last = lastPaid as { on: string; amount: number } | null;
      account.push({
        number, provider, holder_pinfl: p.pinfl!, region: home.region, district: home.district, address: home.address,
        opened_on: home.registered_on, meter: `${provider[0].toUpperCase()}${rng.int(10_000_000, 99_999_999)}`, debt_tiyin: debt,
        last_payment_on: last?.on ?? null, last_payment_tiyin: last?.amount ?? 0,
      });
    }
  }
  return { account, bill };
}
