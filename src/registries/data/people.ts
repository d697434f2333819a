// The population register (who, and where registered) and civil status (births,
// marriages). The demo population has no family links, so they are derived: a father is
// named by the child's patronymic and surname, and is the citizen of that name when the
// population has one of the right age; a child under 18 gets as mother a woman 18–42 years
// older from the same district (else region). Parents outside the population have a name
// and no PINFL, as a record of a parent who is not in the demo would.
import type { DemoPerson } from '../../identity/index.js';
import type { NameRow } from '../tables.js';
import {
  addDays, addressLine, ageOn, birthday, dayBetween, daysBetween, DEMO_CITIZEN, nameOf, placeCodes, surnameBase, type Context, type Row,
} from './common.js';

export interface Family {
  /** Child PINFL → mother's PINFL, for children whose mother is in the population. */
  mothers: Map<string, string>;
  /** Child PINFL → father's PINFL, likewise. */
  fathers: Map<string, string>;
  /** PINFL → spouse's PINFL, for current marriages inside the population. */
  spouses: Map<string, string>;
}

export function population(ctx: Context): { person: Row<'registry_person'>[]; residence: Row<'registry_residence'>[] } {
  const rng = ctx.rng('population');
  const person: Row<'registry_person'>[] = [];
  const residence: Row<'registry_residence'>[] = [];
  for (const p of ctx.citizens) {
    person.push({
      pinfl: p.pinfl!, name_latin: nameOf(p), name_cyrillic: p.nameCyrillic ? { ...p.nameCyrillic } : null, sex: p.sex,
      birth_date: p.birthDate, birth_district: p.district, citizenship: 'UZ',
    });
    // The current registration is the address in people.yaml; some adults moved here from elsewhere in the region.
    const adult = birthday(p.birthDate, 18) <= ctx.asOf;
    const since = adult
      ? dayBetween(rng, [birthday(p.birthDate, 18), '1998-01-01'].sort()[1], addDays(ctx.asOf, -30))
      : addDays(p.birthDate, rng.int(5, 40));
    const current = since > ctx.asOf ? ctx.asOf : since;
    if (adult && rng.chance(0.35) && current > addDays(p.birthDate, 400)) {
      const region = ctx.pop.people.filter((x) => x.region === p.region).map((x) => x.district);
      const moved = dayBetween(rng, addDays(p.birthDate, 30), addDays(current, -365));
      residence.push({
        id: `${p.pinfl}-1`, pinfl: p.pinfl!, kind: 'permanent', region: p.region, district: rng.pick(region),
        address: addressLine(rng, ctx.streets), registered_on: moved, deregistered_on: addDays(current, -rng.int(0, 10)),
      });
    }
    residence.push({
      id: `${p.pinfl}-${residence.filter((r) => r.pinfl === p.pinfl).length + 1}`, pinfl: p.pinfl!, kind: 'permanent',
      region: p.region, district: p.district, address: p.address, registered_on: current, deregistered_on: null,
    });
  }
  return { person, residence };
}

/** A father's name from a child's patronymic (Rustamovich → Rustam) and surname (Karimova → Karimov). */
function fatherName(child: DemoPerson): NameRow {
  const first = (child.nameLatin.middle ?? '').replace(/(ovich|ovna|evich|evna)$/, '') || 'Nomaʼlum';
  return { first, last: surnameBase(child.nameLatin.last) };
}

/** A woman's form of a surname where Uzbek and Russian surnames have one. */
const femaleSurname = (base: string) => (/(ov|ev|in)$/.test(base) ? `${base}a` : base);

export function civilStatus(ctx: Context): { birth: Row<'registry_birth'>[]; marriage: Row<'registry_marriage'>[]; family: Family } {
  const rng = ctx.rng('civil-status');
  const { citizens, asOf } = ctx;
  const adultsOn = (day: string, sex: 'male' | 'female') => citizens.filter((p) => p.sex === sex && birthday(p.birthDate, 18) <= day);
  const acts = new Set<string>();
  const act = (prefix: string, district: string, day: string) => {
    const { region, district: d } = placeCodes(district);
    for (;;) {
      const number = `${prefix}-${region}${d}-${day.slice(0, 4)}-${String(rng.int(1, 99_999)).padStart(5, '0')}`;
      if (!acts.has(number)) { acts.add(number); return number; }
    }
  };
  const family: Family = { mothers: new Map(), fathers: new Map(), spouses: new Map() };
  const marriage: Row<'registry_marriage'>[] = [];
  const married = new Set<string>();
  const marry = (husband: { pinfl: string | null; name: NameRow }, wife: { pinfl: string | null; name: NameRow }, district: string, on: string, dissolved: string | null) => {
    marriage.push({
      act_number: act('N', district, on), husband_pinfl: husband.pinfl, husband_name: husband.name, wife_pinfl: wife.pinfl,
      wife_name: wife.name, district, registered_on: on, dissolved_on: dissolved,
    });
    for (const p of [husband.pinfl, wife.pinfl]) if (p) married.add(p);
    if (husband.pinfl && wife.pinfl && !dissolved) { family.spouses.set(husband.pinfl, wife.pinfl); family.spouses.set(wife.pinfl, husband.pinfl); }
  };

  // The demo citizen is married, to a woman of Tashkent aged 24–36.
  const aziz = ctx.byPinfl.get(DEMO_CITIZEN)!;
  const wives = adultsOn(asOf, 'female').filter((w) => w.region === aziz.region && ageOn(w.birthDate, asOf) >= 24 && ageOn(w.birthDate, asOf) <= 36 && !w.demo);
  const wife = rng.pick(wives);
  marry({ pinfl: aziz.pinfl!, name: nameOf(aziz) }, { pinfl: wife.pinfl!, name: nameOf(wife) }, aziz.district,
    dayBetween(rng, [birthday(aziz.birthDate, 24), birthday(wife.birthDate, 20)].sort()[1], '2023-12-31'), null);

  // Parents. Children of one father (same patronymic and surname in one region) share a mother.
  const birth: Row<'registry_birth'>[] = [];
  const motherOfFather = new Map<string, DemoPerson>();
  const taken = new Set<string>(); // a mother belongs to one father's family
  const children = new Map<string, DemoPerson[]>();
  const firstNames = (sex: 'male' | 'female', region: string) => {
    const same = citizens.filter((p) => p.sex === sex && p.region === region);
    return (same.length ? same : citizens.filter((p) => p.sex === sex)).map((p) => p.nameLatin.first);
  };
  for (const child of citizens) {
    const father = fatherName(child);
    const fathers = adultsOn(child.birthDate, 'male').filter((m) => m.nameLatin.first === father.first
      && surnameBase(m.nameLatin.last) === father.last && birthday(m.birthDate, 55) >= child.birthDate && m.pinfl !== child.pinfl);
    const linkedFather = fathers.find((m) => m.region === child.region) ?? fathers[0];
    let mother: DemoPerson | undefined;
    if (birthday(child.birthDate, 18) > asOf) {
      const key = `${child.region}|${father.first}|${father.last}`;
      const fits = (w: DemoPerson) => birthday(w.birthDate, 18) <= child.birthDate && birthday(w.birthDate, 42) >= child.birthDate
        && w.pinfl !== wife.pinfl && (children.get(w.pinfl!)?.length ?? 0) < 4;
      const sibling = motherOfFather.get(key);
      if (sibling && fits(sibling)) mother = sibling;
      else {
        const women = citizens.filter((w) => w.sex === 'female' && fits(w) && !taken.has(w.pinfl!));
        const near = women.filter((w) => w.district === child.district);
        const pool = near.length ? near : women.filter((w) => w.region === child.region);
        const sameName = pool.filter((w) => surnameBase(w.nameLatin.last) === father.last);
        if (pool.length) mother = rng.pick(sameName.length ? sameName : pool);
      }
      if (mother) {
        motherOfFather.set(key, mother);
        taken.add(mother.pinfl!);
        children.set(mother.pinfl!, [...(children.get(mother.pinfl!) ?? []), child]);
        family.mothers.set(child.pinfl!, mother.pinfl!);
      }
    }
    if (linkedFather) family.fathers.set(child.pinfl!, linkedFather.pinfl!);
    const motherName: NameRow = mother ? nameOf(mother) : { first: rng.pick(firstNames('female', child.region)), last: femaleSurname(father.last) };
    const registered = addDays(child.birthDate, rng.int(2, 25));
    birth.push({
      act_number: act('T', child.district, child.birthDate), child_pinfl: child.pinfl!, district: child.district,
      registered_on: registered > asOf ? asOf : registered,
      father_pinfl: linkedFather?.pinfl ?? null, father_name: linkedFather ? nameOf(linkedFather) : father,
      mother_pinfl: mother?.pinfl ?? null, mother_name: motherName,
    });
  }

  // Each mother married her children's father before the first child was born.
  for (const [motherPinfl, kids] of children) {
    const mother = ctx.byPinfl.get(motherPinfl)!;
    const first = kids.map((k) => k.birthDate).sort()[0];
    const fatherPinfl = family.fathers.get(kids[0].pinfl!) ?? null;
    const husband = fatherPinfl ? { pinfl: fatherPinfl, name: nameOf(ctx.byPinfl.get(fatherPinfl)!) } : { pinfl: null, name: fatherName(kids[0]) };
    if (husband.pinfl && married.has(husband.pinfl)) continue;
    const from = [birthday(mother.birthDate, 18), addDays(first, -4 * 365)].sort()[1];
    const on = dayBetween(rng, from, addDays(first, -280));
    marry(husband, { pinfl: mother.pinfl!, name: nameOf(mother) }, mother.district, [on, birthday(mother.birthDate, 18)].sort()[1], null);
  }

  // Other couples of the population: a man and a woman of one region, he 2 years younger to 8 older.
  const single = (p: DemoPerson) => !married.has(p.pinfl!) && ageOn(p.birthDate, asOf) >= 21;
  for (const man of adultsOn(asOf, 'male').filter(single)) {
    if (!rng.chance(0.3) || married.has(man.pinfl!)) continue;
    const gap = (w: DemoPerson) => daysBetween(man.birthDate, w.birthDate) / 365.25; // years he is older
    const women = adultsOn(asOf, 'female').filter((w) => single(w) && w.region === man.region && gap(w) >= -2 && gap(w) <= 8);
    if (!women.length) continue;
    const woman = rng.pick(women);
    const on = dayBetween(rng, [birthday(man.birthDate, 21), birthday(woman.birthDate, 19)].sort()[1], addDays(asOf, -60));
    const dissolved = rng.chance(0.12) ? dayBetween(rng, addDays(on, 365), addDays(asOf, -30)) : null;
    marry({ pinfl: man.pinfl!, name: nameOf(man) }, { pinfl: woman.pinfl!, name: nameOf(woman) }, man.district, on, dissolved && dissolved > on ? dissolved : null);
  }
  // Some of the rest married someone outside the demo population.
  for (const p of citizens.filter(single)) {
    if (!rng.chance(0.25)) continue;
    const on = dayBetween(rng, birthday(p.birthDate, 20), addDays(asOf, -60));
    const partnerLast = p.sex === 'male' ? femaleSurname(surnameBase(p.nameLatin.last)) : surnameBase(p.nameLatin.last);
    const partner = { pinfl: null, name: { first: rng.pick(firstNames(p.sex === 'male' ? 'female' : 'male', p.region)), last: partnerLast } };
    const self = { pinfl: p.pinfl!, name: nameOf(p) };
    if (p.sex === 'male') marry(self, partner, p.district, on, null);
    else marry(partner, self, p.district, on, null);
  }
  return { birth, marriage, family };
}
