// Road safety: vehicles of people and companies, and the fines on them over the last two
// years. A fine is a multiple of the BHM in force on the day (amounts of the Code of
// Administrative Responsibility as reported in 2023–2025); camera fines go to the owner.
import { addDays, ageOn, bhmOn, birthday, dayBetween, DEMO_BUSINESS, DEMO_CITIZEN, DEMO_CITIZEN_IDS as IDS, type Context, type Row } from './common.js';

/** Offences, with their fine in BHM and whether a camera records them. */
export const OFFENCES: Record<string, { bhm: number; camera: boolean; name: { uz: string; ru: string; en: string } }> = {
  'speeding-20': { bhm: 1, camera: true, name: { uz: 'Belgilangan tezlikni soatiga 20 km gacha oshirish', ru: 'Превышение установленной скорости до 20 км/ч', en: 'Speeding by up to 20 km/h' } },
  'speeding-40': { bhm: 5, camera: true, name: { uz: 'Belgilangan tezlikni soatiga 20–40 km ga oshirish', ru: 'Превышение установленной скорости на 20–40 км/ч', en: 'Speeding by 20–40 km/h' } },
  'speeding-60': { bhm: 9, camera: true, name: { uz: 'Belgilangan tezlikni soatiga 40–60 km ga oshirish', ru: 'Превышение установленной скорости на 40–60 км/ч', en: 'Speeding by 40–60 km/h' } },
  'red-light': { bhm: 2, camera: true, name: { uz: 'Svetoforning taqiqlovchi ishorasida oʻtish', ru: 'Проезд на запрещающий сигнал светофора', en: 'Running a red light' } },
  'seat-belt': { bhm: 0.5, camera: false, name: { uz: 'Xavfsizlik kamarini taqmaslik', ru: 'Непристёгнутый ремень безопасности', en: 'Not wearing a seat belt' } },
  phone: { bhm: 3, camera: false, name: { uz: 'Haydash paytida telefondan foydalanish', ru: 'Использование телефона во время движения', en: 'Using a phone while driving' } },
  parking: { bhm: 2, camera: true, name: { uz: 'Toʻxtash va turish qoidalarini buzish', ru: 'Нарушение правил остановки и стоянки', en: 'Illegal stopping or parking' } },
  'road-signs': { bhm: 1, camera: false, name: { uz: 'Yoʻl belgilari talablariga rioya qilmaslik', ru: 'Несоблюдение требований дорожных знаков', en: 'Disregarding road signs' } },
};
const OFFENCE_WEIGHTS: Record<string, number> = { 'speeding-20': 40, 'speeding-40': 14, 'speeding-60': 3, 'red-light': 10, 'seat-belt': 12, phone: 6, parking: 11, 'road-signs': 4 };

/** The region code a licence plate begins with. */
const PLATE_REGION: Record<string, string> = {
  'tashkent-city': '01', tashkent: '10', sirdaryo: '20', jizzakh: '25', samarkand: '30', fergana: '40', namangan: '50',
  andijan: '60', kashkadarya: '70', surkhandarya: '75', bukhara: '80', navoi: '85', khorezm: '90', karakalpakstan: '95',
};
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVXYZ';

export const COLORS: Record<string, { uz: string; ru: string; en: string }> = {
  white: { uz: 'Oq', ru: 'Белый', en: 'White' }, silver: { uz: 'Kumushrang', ru: 'Серебристый', en: 'Silver' },
  black: { uz: 'Qora', ru: 'Чёрный', en: 'Black' }, grey: { uz: 'Kulrang', ru: 'Серый', en: 'Grey' },
  blue: { uz: 'Koʻk', ru: 'Синий', en: 'Blue' }, red: { uz: 'Qizil', ru: 'Красный', en: 'Red' },
};
const MODELS = [
  ['Chevrolet', 'Cobalt', 30], ['Chevrolet', 'Gentra', 18], ['Chevrolet', 'Nexia 3', 14], ['Chevrolet', 'Spark', 14],
  ['Chevrolet', 'Malibu', 5], ['Chevrolet', 'Tracker', 6], ['Chevrolet', 'Onix', 6], ['BYD', 'Song Plus', 3],
  ['Kia', 'K5', 2], ['Hyundai', 'Elantra', 2],
] as const;
const WORK_MODELS = [['Chevrolet', 'Damas'], ['Chevrolet', 'Labo'], ['Isuzu', 'NPR'], ['Chevrolet', 'Cobalt']] as const;

export function roadSafety(ctx: Context): { vehicle: Row<'registry_vehicle'>[]; fine: Row<'registry_fine'>[] } {
  const rng = ctx.rng('road-safety');
  const { asOf } = ctx;
  const vehicle: Row<'registry_vehicle'>[] = [];
  const fine: Row<'registry_fine'>[] = [];
  const plates = new Set<string>([IDS.plate]), numbers = new Set<string>([IDS.unpaidFine, IDS.paidFine, IDS.collectedFine]);
  const unique = (set: Set<string>, make: () => string) => { for (;;) { const v = make(); if (!set.has(v)) { set.add(v); return v; } } };
  const letters = (n: number) => Array.from({ length: n }, () => rng.pick([...LETTERS])).join('');
  const digits = (n: number) => String(rng.int(0, 10 ** n - 1)).padStart(n, '0');
  const addFine = (v: Row<'registry_vehicle'>, region: string, district: string, offence: string, day: string, time: string, paidOn: string | null, number?: string) => {
    const amount = OFFENCES[offence].bhm * bhmOn(day);
    fine.push({
      number: number ?? unique(numbers, () => `${OFFENCES[offence].camera ? 'RR' : 'IN'}${digits(8)}`), offender: v.owner, offender_kind: v.owner_kind,
      plate: v.plate, offence, issued_at: new Date(`${day}T${time}:00+05:00`), region, district, amount_tiyin: amount,
      paid_on: paidOn, paid_tiyin: paidOn ? amount : 0,
    });
  };
  const districtsOf = (region: string) => ctx.pop.people.filter((x) => x.region === region).map((x) => x.district);
  const time = () => `${String(rng.int(7, 22)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`;

  const register = (owner: string, kind: 'person' | 'company', region: string, from: string, model: readonly [string, string, ...unknown[]], plate?: string) => {
    const year = rng.int(2008, Number(asOf.slice(0, 4)));
    const v: Row<'registry_vehicle'> = {
      plate: plate ?? unique(plates, () => kind === 'person' ? `${PLATE_REGION[region]}${letters(1)}${digits(3)}${letters(2)}` : `${PLATE_REGION[region]}${digits(3)}${letters(3)}`),
      owner, owner_kind: kind, make: model[0], model: model[1], year, color: rng.pick(Object.keys(COLORS)),
      registered_on: dayBetween(rng, [`${year}-01-15`, from].sort()[1], addDays(asOf, -20)),
    };
    vehicle.push(v);
    return v;
  };
  const model = () => { const m = rng.weighted(Object.fromEntries(MODELS.map((x, i) => [String(i), x[2]]))); return MODELS[Number(m)]; };

  for (const p of ctx.citizens) {
    if (ageOn(p.birthDate, asOf) < 20 || (p.pinfl !== DEMO_CITIZEN && !rng.chance(0.35))) continue;
    const v = p.pinfl === DEMO_CITIZEN ? register(p.pinfl, 'person', p.region, birthday(p.birthDate, 18), MODELS[0], IDS.plate)
      : register(p.pinfl!, 'person', p.region, birthday(p.birthDate, 18), model());
    if (p.pinfl === DEMO_CITIZEN) {
      // One fine paid at once, one that went to the enforcement bureau and was collected, one new and unpaid.
      addFine(v, p.region, 'mirzo-ulugbek', 'speeding-20', '2025-06-12', '08:41', '2025-06-19', IDS.paidFine);
      addFine(v, p.region, p.district, 'seat-belt', '2024-12-03', '18:15', null, IDS.collectedFine);
      addFine(v, p.region, 'chilonzor', 'speeding-20', addDays(asOf, -14), '19:07', null, IDS.unpaidFine);
      continue;
    }
    randomFines(v, p.region);
  }
  for (const b of ctx.businesses) {
    if (b.legalForm === 'IE' || (b.stir !== DEMO_BUSINESS && !rng.chance(0.5))) continue;
    for (let i = rng.int(1, 2); i > 0; i--) randomFines(register(b.stir, 'company', b.region, b.registeredOn, rng.pick(WORK_MODELS)), b.region);
  }
  return { vehicle, fine };

  function randomFines(v: Row<'registry_vehicle'>, region: string) {
    for (let n = Number(rng.weighted({ 0: 45, 1: 25, 2: 15, 3: 10, 4: 5 })); n > 0; n--) {
      const day = dayBetween(rng, [v.registered_on, addDays(asOf, -720)].sort()[1], addDays(asOf, -1));
      const offence = rng.weighted(OFFENCE_WEIGHTS);
      const old = day < addDays(asOf, -30);
      const paid = rng.chance(old ? 0.75 : 0.4) ? [addDays(day, rng.int(1, 25)), addDays(asOf, -1)].sort()[0] : null;
      addFine(v, region, rng.pick(districtsOf(region)), offence, day, time(), paid);
    }
  }
}
