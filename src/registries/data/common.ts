// What every part of the registry data generator shares: the population read once, dates,
// money, and one seeded random source per registry so that a change in one registry's
// rules does not reshuffle another's data.
import type { Selectable } from 'kysely';
import { districtById, Prng, type DemoBusiness, type DemoPerson, type DemoPopulation } from '../../identity/index.js';
import type { NameRow, RegistriesTables } from '../tables.js';

/** Every table's rows as the generator makes them (jsonb columns as objects). */
export type Rows = { [K in keyof RegistriesTables]: Selectable<RegistriesTables[K]>[] };

/** A row of one table. */
export type Row<K extends keyof RegistriesTables> = Selectable<RegistriesTables[K]>;

/** The PINFL of the fixed demo citizen (README), whom the demo data makes interesting. */
export const DEMO_CITIZEN = '31507901120014';
/** The demo citizen's numbers in the registries, fixed so that documentation, examples and tests can name them. */
export const DEMO_CITIZEN_IDS = {
  plate: '01A777BA', flat: '01:12:07:15:03:0108:0012', unpaidFine: 'RR26101807', paidFine: 'RR25061208', collectedFine: 'IN24120315',
  enforcementCase: 'IJ2025000417', gas: '0100120014', power: '010000120014', water: '010120014',
} as const;

/** The fixed demo business, "Baraka Savdo" MChJ. */
export const DEMO_BUSINESS = '305123458';

/**
 * The base calculation amount (BHM) in so'm from each date: the same values as
 * demo/catalog/bhm.yaml (a test keeps them equal). Fines are multiples of it.
 */
export const BHM: readonly { from: string; som: number }[] = [
  { from: '2023-06-01', som: 330_000 }, { from: '2024-10-01', som: 375_000 }, { from: '2025-08-01', som: 412_000 },
];

/** The BHM in tiyin on a day. */
export function bhmOn(day: string): number {
  let amount = BHM[0].som;
  for (const b of BHM) if (b.from <= day) amount = b.som;
  return amount * 100;
}

/** So'm to tiyin, rounded to whole so'm. */
export const som = (amount: number) => Math.round(amount) * 100;

const DAY = 86_400_000;
const ms = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
export const toDay = (t: number) => new Date(t).toISOString().slice(0, 10);
export const addDays = (iso: string, days: number) => toDay(ms(iso) + days * DAY);
export const daysBetween = (from: string, to: string) => Math.round((ms(to) - ms(from)) / DAY);

/** The day a person born on `birth` turns `years` (29 February moves to 1 March). */
export function birthday(birth: string, years: number): string {
  return `${Number(birth.slice(0, 4)) + years}${birth.slice(4)}`.replace(/-02-29$/, '-03-01');
}

/** Full years on a day. */
export function ageOn(birth: string, day: string): number {
  let age = Number(day.slice(0, 4)) - Number(birth.slice(0, 4));
  if (day.slice(5) < birth.slice(5)) age--;
  return age;
}

/** `YYYY-MM` months from `from` to `to`, both included. */
export function months(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m > 12) { m = 1; y++; }
  }
  return out;
}

/** The month `n` months after `month` (before, when negative). */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** A day drawn uniformly between two days, both included; `to` when the range is empty, so no day passes it. */
export function dayBetween(rng: Prng, from: string, to: string): string {
  return to <= from ? to : addDays(from, rng.int(0, daysBetween(from, to)));
}

/** A name as the registries keep it, without an empty middle name. */
export function nameOf(p: DemoPerson): NameRow {
  return { first: p.nameLatin.first, last: p.nameLatin.last, ...(p.nameLatin.middle ? { middle: p.nameLatin.middle } : {}) };
}

/** `Last First Middle`, as Uzbek documents write a name. */
export function fullName(name: NameRow): string {
  return [name.last, name.first, name.middle].filter(Boolean).join(' ');
}

/** The surname's base (the men's form): `Karimova` → `Karimov`. */
export function surnameBase(last: string): string {
  return last.replace(/(ov|ev|in)a$/, '$1');
}

/**
 * Two-digit codes of a district's region (01…14, the catalog's order) and of the district in
 * its region: regions.ts gives region n the codes 100 + 50n + 1 … 49, in list order.
 */
export function placeCodes(districtId: string): { region: string; district: string } {
  const code = Number(districtById(districtId)!.code) - 100;
  const pad = (n: number) => String(n).padStart(2, '0');
  return { region: pad(Math.floor(code / 50) + 1), district: pad(code % 50) };
}

/** What every part of the generator reads. */
export interface Context {
  pop: DemoPopulation;
  asOf: string;
  /** Citizens only (foreigners have no PINFL), in file order. */
  citizens: DemoPerson[];
  byPinfl: Map<string, DemoPerson>;
  businesses: DemoBusiness[];
  byStir: Map<string, DemoBusiness>;
  /** A seeded source for one part of the data. */
  rng(part: string): Prng;
  /** Streets the population's addresses use, for addresses the registries add (earlier residences). */
  streets: string[];
}

export function context(pop: DemoPopulation): Context {
  const citizens = pop.people.filter((p) => p.kind === 'citizen' && p.pinfl);
  const streets = [...new Set(pop.people.map((p) => p.address.split(' koʻchasi')[0]))].sort();
  return {
    pop, asOf: pop.asOf, citizens, byPinfl: new Map(citizens.map((p) => [p.pinfl!, p])),
    businesses: pop.businesses, byStir: new Map(pop.businesses.map((b) => [b.stir, b])),
    rng: (part) => new Prng(`${pop.seed}/registries/${part}`), streets,
  };
}

/** An address line like the population's: street, house and maybe flat. */
export function addressLine(rng: Prng, streets: string[], flat = rng.chance(0.5)): string {
  return `${rng.pick(streets)} koʻchasi, ${rng.int(1, 150)}-uy${flat ? `, ${rng.int(1, 120)}-xonadon` : ''}`;
}
