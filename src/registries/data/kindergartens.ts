// Kindergartens (preschools) by district, with places, and the queue: every child of 2 to 6
// is either enrolled or waiting, applied for by the mother or father the civil registry
// knows, in the district they live in.
import { addDays, ageOn, dayBetween, placeCodes, type Context, type Row } from './common.js';
import type { Family } from './people.js';

const PRIVATE_NAMES = [['Quyoshcha', 'Куёшча'], ['Bolajon', 'Болажон'], ['Kamalak', 'Камалак'], ['Lolazor', 'Лолазор'], ['Baxtli bolalik', 'Бахтли болалик']];

export function kindergartens(ctx: Context, family: Family): { kindergarten: Row<'registry_kindergarten'>[]; queue: Row<'registry_kindergarten_queue'>[] } {
  const rng = ctx.rng('kindergartens');
  const { asOf } = ctx;
  const children = ctx.citizens.filter((p) => ageOn(p.birthDate, asOf) >= 2 && ageOn(p.birthDate, asOf) <= 6);
  // Every district where a young child or a fixed demo person lives has kindergartens.
  const districts = [...new Set([...children, ...ctx.citizens.filter((p) => p.demo)].map((p) => p.district))];
  const kindergarten: Row<'registry_kindergarten'>[] = [];
  for (const district of districts) {
    const region = ctx.pop.people.find((p) => p.district === district)!.region;
    const { region: r, district: d } = placeCodes(district);
    const count = rng.int(2, 4);
    for (let i = 0; i < count; i++) {
      const n = rng.int(1, 180);
      const isPrivate = rng.chance(0.2);
      const [latin, cyrillic] = rng.pick(PRIVATE_NAMES);
      const capacity = rng.int(6, 32) * 10;
      kindergarten.push({
        id: `MT${r}${d}${String(i + 1).padStart(2, '0')}`,
        name: isPrivate
          ? { uz: `"${latin}" nodavlat maktabgacha taʼlim tashkiloti`, ru: `Негосударственная дошкольная образовательная организация «${cyrillic}»`, en: `${latin} private preschool` }
          : { uz: `${n}-son davlat maktabgacha taʼlim tashkiloti`, ru: `Государственная дошкольная образовательная организация № ${n}`, en: `State preschool No. ${n}` },
        kind: isPrivate ? 'private' : 'state', region, district,
        address: `${rng.pick(ctx.streets)} koʻchasi, ${rng.int(1, 150)}-uy`,
        languages: region === 'karakalpakstan' ? ['kaa', 'uz', 'ru'] : region === 'tashkent-city' || rng.chance(0.4) ? ['uz', 'ru'] : ['uz'],
        // State kindergartens are mostly full; that is why there is a queue.
        capacity, enrolled: isPrivate ? capacity - rng.int(0, 15) : rng.chance(0.6) ? capacity : capacity - rng.int(1, 25),
      });
    }
  }
  const queue: Row<'registry_kindergarten_queue'>[] = [];
  for (const child of children) {
    const local = kindergarten.filter((k) => k.district === child.district);
    const age = ageOn(child.birthDate, asOf);
    const enrolled = rng.chance(age <= 2 ? 0.2 : age === 3 ? 0.45 : age === 4 ? 0.6 : 0.75);
    queue.push({
      child_pinfl: child.pinfl!, applicant_pinfl: family.mothers.get(child.pinfl!) ?? family.fathers.get(child.pinfl!) ?? null,
      region: child.region, district: child.district,
      applied_on: dayBetween(rng, addDays(child.birthDate, 90), [addDays(child.birthDate, 900), addDays(asOf, -10)].sort()[0]),
      status: enrolled ? 'enrolled' : 'waiting', kindergarten_id: rng.pick(local).id,
    });
  }
  return { kindergarten, queue };
}
