// The rules the demo population keeps, checked as data: the generator's tests run them,
// and so can whoever loads the files (a registry, a hand-edited copy).
import type { DemoPopulation } from './people.types.js';
import { birthday } from './demo-population.js';
import { parsePinfl, PinflError } from './pinfl.js';
import { districtById } from './regions.js';
import { isValidStir } from './stir.js';

function duplicates(values: (string | undefined)[]): string[] {
  const seen = new Set<string>(), twice = new Set<string>();
  for (const v of values) if (v !== undefined) (seen.has(v) ? twice : seen).add(v);
  return [...twice];
}

/**
 * Everything wrong with a population, one sentence each; empty when it is consistent.
 * @example assert.deepEqual(checkPopulation(generatePopulation()), [])
 */
export function checkPopulation(pop: DemoPopulation): string[] {
  const problems: string[] = [];
  const { people, businesses, asOf } = pop;
  for (const [what, values] of [
    ['person id', people.map((p) => p.id)], ['PINFL', people.map((p) => p.pinfl)], ['phone', people.map((p) => p.phone)],
    ['business id', businesses.map((b) => b.id)], ['STIR', businesses.map((b) => b.stir)],
  ] as const) for (const v of duplicates([...values])) problems.push(`${what} ${v} is used twice`);

  for (const p of people) {
    const district = districtById(p.district);
    if (!district || district.region !== p.region) problems.push(`${p.id}: district ${p.district} is not in ${p.region}`);
    if (p.birthDate > asOf) problems.push(`${p.id}: born after ${asOf}`);
    if (p.phone !== undefined && !/^\+998\d{9}$/.test(p.phone)) problems.push(`${p.id}: phone ${p.phone} is not +998 and 9 digits`);
    if (p.kind === 'foreigner') {
      if (p.pinfl !== undefined) problems.push(`${p.id}: a foreigner with a PINFL`);
      if (!p.documentNumber || !/^[A-Z]{2}$/.test(p.documentCountry ?? '')) problems.push(`${p.id}: a foreigner needs a document and its country`);
      continue;
    }
    try {
      const parsed = parsePinfl(p.pinfl ?? '', { today: asOf });
      if (parsed.birthDate !== p.birthDate) problems.push(`${p.id}: PINFL says born ${parsed.birthDate}, record ${p.birthDate}`);
      if (parsed.sex !== p.sex) problems.push(`${p.id}: PINFL says ${parsed.sex}, record ${p.sex}`);
    } catch (error) {
      if (!(error instanceof PinflError)) throw error;
      problems.push(`${p.id}: PINFL ${p.pinfl} is invalid (${error.reason})`);
    }
  }

  const citizens = new Map(people.filter((p) => p.kind === 'citizen').map((p) => [p.pinfl, p]));
  for (const b of businesses) {
    if (!isValidStir(b.stir, b.legalForm === 'IE' ? 'individual' : 'legal-entity')) problems.push(`${b.id}: STIR ${b.stir} does not fit a ${b.legalForm}`);
    if (b.registeredOn > asOf) problems.push(`${b.id}: registered after ${asOf}`);
    if (districtById(b.district)?.region !== b.region) problems.push(`${b.id}: district ${b.district} is not in ${b.region}`);
    const director = citizens.get(b.director);
    if (!director) problems.push(`${b.id}: director ${b.director} is nobody's PINFL`);
    else if (birthday(director.birthDate, 18) > b.registeredOn) problems.push(`${b.id}: director under 18 on ${b.registeredOn}`);
    for (const r of b.representatives) {
      if (!citizens.has(r)) problems.push(`${b.id}: representative ${r} is nobody's PINFL`);
      if (r === b.director) problems.push(`${b.id}: the director is also listed as a representative`);
    }
    if (duplicates(b.representatives).length > 0) problems.push(`${b.id}: a representative is listed twice`);
    if (b.representatives.length > 2) problems.push(`${b.id}: more than two representatives`);
  }
  return problems;
}
