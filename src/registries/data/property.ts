// The cadastre: homes at the addresses people are registered at (a flat where the address
// has one, else a house with its plot), some second properties, and companies' premises at
// their addresses. Values are cadastral values in tiyin; owners hold shares.
import type { Prng } from '../../identity/index.js';
import { addDays, addressLine, ageOn, birthday, dayBetween, DEMO_BUSINESS, DEMO_CITIZEN, DEMO_CITIZEN_IDS, placeCodes, som, type Context, type Row } from './common.js';
import type { Family } from './people.js';

export function cadastre(ctx: Context, family: Family): { property: Row<'registry_property'>[]; owner: Row<'registry_property_owner'>[] } {
  const rng = ctx.rng('cadastre');
  const { asOf } = ctx;
  const property: Row<'registry_property'>[] = [];
  const owner: Row<'registry_property_owner'>[] = [];
  const numbers = new Set<string>([DEMO_CITIZEN_IDS.flat]);
  const number = (district: string, flat?: number) => {
    const { region, district: d } = placeCodes(district);
    for (;;) {
      const two = () => String(rng.int(1, 40)).padStart(2, '0');
      const n = `${region}:${d}:${two()}:${two()}:${two()}:${String(rng.int(1, 9_999)).padStart(4, '0')}${flat ? `:${String(flat).padStart(4, '0')}` : ''}`;
      if (!numbers.has(n)) { numbers.add(n); return n; }
    }
  };
  const add = (kind: string, region: string, district: string, address: string, since: string, owners: { id: string; kind: 'person' | 'company' }[], fixed?: string) => {
    const flat = /(\d+)-xonadon/.exec(address)?.[1];
    const area = areaOf(rng, kind);
    const cadastral = fixed ?? number(district, kind === 'apartment' && flat ? Number(flat) : undefined);
    property.push({
      cadastral_number: cadastral, kind, region, district, address, area_m2: area,
      value_tiyin: som(Math.round((area * pricePerM2(rng, kind, region, district)) / 1_000) * 1_000),
      registered_on: dayBetween(rng, addDays(since, -3_000), since),
    });
    for (const o of owners) owner.push({ cadastral_number: cadastral, owner: o.id, owner_kind: o.kind, share_num: 1, share_den: owners.length, since });
  };

  const done = new Set<string>();
  for (const p of ctx.citizens) {
    const age = ageOn(p.birthDate, asOf);
    if (age < 21 || done.has(p.pinfl!)) continue;
    // Homes: more likely the older one is; the demo citizen owns his flat.
    if (p.pinfl === DEMO_CITIZEN || rng.chance(Math.min(0.85, 0.45 + 0.01 * (age - 21)))) {
      const since = dayBetween(rng, [birthday(p.birthDate, 21), '2000-01-01'].sort()[1], addDays(asOf, -60));
      const kind = /xonadon/.test(p.address) ? 'apartment' : 'house';
      // A married couple of the population sometimes own their house in halves.
      const spouse = family.spouses.get(p.pinfl!);
      const together = kind === 'house' && spouse && !done.has(spouse) && rng.chance(0.3);
      const owners = [{ id: p.pinfl!, kind: 'person' as const }, ...(together ? [{ id: spouse!, kind: 'person' as const }] : [])];
      add(kind, p.region, p.district, p.address, since, owners, p.pinfl === DEMO_CITIZEN ? DEMO_CITIZEN_IDS.flat : undefined);
      if (kind === 'house') add('land', p.region, p.district, p.address, since, owners);
      if (together) done.add(spouse!);
    }
    if (rng.chance(0.1)) {
      const districts = ctx.pop.people.filter((x) => x.region === p.region).map((x) => x.district);
      add('land', p.region, rng.pick(districts), addressLine(rng, ctx.streets, false), dayBetween(rng, birthday(p.birthDate, 25), addDays(asOf, -30)), [{ id: p.pinfl!, kind: 'person' }]);
    }
    if (rng.chance(0.05)) {
      add('non-residential', p.region, p.district, addressLine(rng, ctx.streets, false), dayBetween(rng, birthday(p.birthDate, 25), addDays(asOf, -30)), [{ id: p.pinfl!, kind: 'person' }]);
    }
  }
  for (const b of ctx.businesses) {
    if (b.legalForm === 'IE' || (b.stir !== DEMO_BUSINESS && !rng.chance(0.6))) continue;
    add('non-residential', b.region, b.district, b.address, dayBetween(rng, b.registeredOn, addDays(asOf, -30)), [{ id: b.stir, kind: 'company' }]);
  }
  return { property, owner };
}

function areaOf(rng: Prng, kind: string): number {
  switch (kind) {
    case 'apartment': return rng.int(380, 1_400) / 10;
    case 'house': return rng.int(900, 3_200) / 10;
    case 'land': return rng.int(2, 15) * 100;
    default: return rng.int(400, 9_000) / 10;
  }
}

/** So'm per square metre: dearer in Tashkent and in cities. */
function pricePerM2(rng: Prng, kind: string, region: string, district: string): number {
  const city = region === 'tashkent-city' ? 2 : district.endsWith('-city') ? 1.3 : 1;
  switch (kind) {
    case 'apartment': return rng.int(2_500, 5_000) * 1_000 * city;
    case 'house': return rng.int(1_500, 3_500) * 1_000 * city;
    case 'land': return rng.int(40, 300) * 1_000 * city;
    default: return rng.int(2_500, 6_000) * 1_000 * city;
  }
}
