// The synthetic population of the demo country: citizens with valid PINFLs, a few
// foreigners, and businesses directed and represented by those citizens. Deterministic:
// everything comes from one seeded generator and a fixed "as of" day, never from the
// clock or Math.random, so the same seed writes the same files.
import type { Locale } from '../../platform/index.js';
import { fixedBusinesses, fixedPeople } from './demo-fixed.js';
import {
  BUSINESS_WORDS, DOCUMENT_PATTERNS, FOREIGNERS, NAMES, patronymic, STREETS, surnameFor, type NameOrigin, type NamePair,
} from './names.js';
import type { DemoBusiness, DemoPerson, DemoPopulation, LegalForm } from './people.types.js';
import { makePinfl, type Sex } from './pinfl.js';
import { Prng } from './prng.js';
import { UZ_REGIONS, type District, type RegionId } from './regions.js';
import { makeStir } from './stir.js';

export interface PopulationOptions {
  seed?: string;
  /** `YYYY-MM-DD`: the day the data describes. */
  asOf?: string;
  /** Citizens in all, the fixed ones included. */
  citizens?: number;
  foreigners?: number;
  businesses?: number;
}

/** The seed and day the committed demo files were made with. */
export const DEMO_SEED = 'darcha-demo-2026';
export const DEMO_AS_OF = '2026-11-01';

// Each region's share of the population, in hundreds of thousands (roughly, 2024).
const REGION_WEIGHTS: Record<RegionId, number> = {
  'tashkent-city': 30, tashkent: 30, sirdaryo: 9, jizzakh: 14, samarkand: 42, fergana: 39, namangan: 30,
  andijan: 33, kashkadarya: 34, surkhandarya: 28, bukhara: 20, navoi: 10, khorezm: 19, karakalpakstan: 20,
};
const OPERATORS = ['90', '91', '93', '94', '95', '97', '98', '99', '33', '88', '77', '50'];
const LOCALES_BY_ORIGIN: Record<NameOrigin, Record<Locale, number>> = {
  uzbek: { uz: 76, oz: 10, kaa: 0, ru: 11, en: 3 },
  russian: { uz: 8, oz: 0, kaa: 0, ru: 88, en: 4 },
  karakalpak: { uz: 20, oz: 0, kaa: 60, ru: 18, en: 2 },
};
const AGE_BANDS = { child: [0, 17], young: [18, 29], middle: [30, 44], older: [45, 59], senior: [60, 85] } as const;
const DAY = 86_400_000;

const toDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
/** The day a person born on `birth` turns `years`. */
export function birthday(birth: string, years: number): string {
  return `${Number(birth.slice(0, 4)) + years}${birth.slice(4)}`.replace(/-02-29$/, '-03-01');
}

class Generator {
  readonly rng: Prng;
  private readonly pinfls = new Set<string>();
  private readonly phones = new Set<string>();
  private readonly stirs = new Set<string>();
  private readonly names = new Set<string>();

  constructor(seed: string, readonly asOf: string) { this.rng = new Prng(seed); }

  claim(set: Set<string>, value: string): boolean {
    if (set.has(value)) return false;
    set.add(value);
    return true;
  }

  reserve(people: DemoPerson[], businesses: DemoBusiness[]): void {
    for (const p of people) { if (p.pinfl) this.pinfls.add(p.pinfl); if (p.phone) this.phones.add(p.phone); }
    for (const b of businesses) { this.stirs.add(b.stir); this.names.add(b.name.uz); }
  }

  place(region?: RegionId): { region: RegionId; district: District } {
    const id = region ?? this.rng.weighted(REGION_WEIGHTS);
    const districts = UZ_REGIONS.find((r) => r.id === id)!.districts;
    // Cities are denser: give each the weight of three rural districts.
    const weighted = districts.flatMap((d) => (d.kind === 'city' ? [d, d, d] : [d]));
    return { region: id, district: this.rng.pick(weighted) };
  }

  address(): string {
    const flat = this.rng.chance(0.5) ? `, ${this.rng.int(1, 120)}-xonadon` : '';
    return `${this.rng.pick(STREETS)} koʻchasi, ${this.rng.int(1, 150)}-uy${flat}`;
  }

  phone(): string {
    for (;;) {
      const phone = `+998${this.rng.pick(OPERATORS)}${this.rng.digits(7)}`;
      if (this.claim(this.phones, phone)) return phone;
    }
  }

  /** A birth date: about one child in seven, the adults younger rather than older. */
  birthDate(): string {
    const [lo, hi] = AGE_BANDS[this.rng.weighted({ child: 14, young: 28, middle: 28, older: 18, senior: 12 })];
    const age = this.rng.int(lo, hi);
    return toDay(dayMs(this.asOf) - Math.round(age * 365.25 + this.rng.int(1, 364)) * DAY);
  }

  email(first: string, last: string): string {
    const ascii = (s: string) => s.normalize('NFD').replace(/ı/g, 'i').replace(/[^A-Za-z-]/g, '').toLowerCase();
    return `${ascii(first)}.${ascii(last)}${this.rng.int(1, 99)}@example.org`;
  }

  citizen(): DemoPerson {
    const { region, district } = this.place();
    const origin: NameOrigin = this.rng.weighted(region === 'karakalpakstan' ? { karakalpak: 55, uzbek: 35, russian: 10 }
      : region === 'tashkent-city' ? { uzbek: 82, russian: 18, karakalpak: 0 } : { uzbek: 95, russian: 4, karakalpak: 1 });
    const pool = NAMES[origin];
    const sex: Sex = this.rng.chance(0.5) ? 'male' : 'female';
    const first = this.rng.pick(sex === 'male' ? pool.male : pool.female);
    const last = surnameFor(this.rng.pick(pool.surnames), sex);
    let middle: NamePair | undefined;
    while (!middle) {
      const father = this.rng.pick(pool.male);
      if (father !== first) middle = patronymic(father, sex);
    }
    const birthDate = this.birthDate();
    let serial = this.rng.int(1, 400), pinfl;
    while (!this.claim(this.pinfls, (pinfl = makePinfl({ birthDate, sex, districtCode: district.code, serial })))) serial++;
    const adult = birthday(birthDate, 16) <= this.asOf;
    return {
      id: this.rng.uuid(), kind: 'citizen', pinfl,
      nameLatin: { first: first.latin, last: last.latin, middle: middle.latin },
      nameCyrillic: { first: first.cyrillic, last: last.cyrillic, middle: middle.cyrillic },
      sex, birthDate, region, district: district.id, address: this.address(),
      ...(adult ? { phone: this.phone() } : {}),
      ...(adult && this.rng.chance(0.3) ? { email: this.email(first.latin, last.latin) } : {}),
      locale: this.rng.weighted(LOCALES_BY_ORIGIN[origin]),
    };
  }

  foreigner(f: (typeof FOREIGNERS)[number]): DemoPerson {
    const { region, district } = this.place(this.rng.chance(0.7) ? 'tashkent-city' : undefined);
    const documentNumber = DOCUMENT_PATTERNS[f.country].replace(/[#X]/g, (c) =>
      c === '#' ? String(this.rng.int(0, 9)) : this.rng.pick([...'CFGHJKLMNPRTVWXYZ0123456789']));
    return {
      id: this.rng.uuid(), kind: 'foreigner', documentNumber, documentCountry: f.country,
      nameLatin: { first: f.first, last: f.last },
      ...(f.firstCyr ? { nameCyrillic: { first: f.firstCyr, last: f.lastCyr } } : {}),
      sex: f.sex, birthDate: toDay(dayMs(this.asOf) - this.rng.int(20 * 365, 65 * 365) * DAY),
      region, district: district.id, address: this.address(), phone: this.phone(),
      ...(this.rng.chance(0.5) ? { email: this.email(f.first, f.last) } : {}), locale: f.locale,
    };
  }

  business(director: DemoPerson, citizens: DemoPerson[]): DemoBusiness {
    const legalForm = this.rng.weighted<LegalForm>({ LLC: 65, IE: 25, JSC: 10 });
    const from = [birthday(director.birthDate, 18), legalForm === 'JSC' ? '1994-01-01' : '1996-01-01'].sort()[1];
    const registeredOn = toDay(this.rng.int(dayMs(from), dayMs(this.asOf)));
    let stir;
    do {
      const first = legalForm === 'IE' ? this.rng.pick([4, 5, 6] as const) : registeredOn < '2017-01-01' ? 2 : 3;
      stir = makeStir(first, this.rng.int(0, 99_999_999));
    } while (!this.claim(this.stirs, stir));
    const { region, district } = this.place(this.rng.chance(0.8) ? director.region : undefined);
    const others = citizens.filter((p) => p.pinfl !== director.pinfl);
    const count = Number(this.rng.weighted(legalForm === 'IE' ? { 0: 70, 1: 30 } : { 0: 30, 1: 45, 2: 25 }));
    const representatives: string[] = [];
    while (representatives.length < count) {
      const pinfl = this.rng.pick(others).pinfl!;
      if (!representatives.includes(pinfl)) representatives.push(pinfl);
    }
    return {
      id: this.rng.uuid(), stir, legalForm, name: this.businessName(legalForm, director), registeredOn,
      region, district: district.id, address: this.address(), director: director.pinfl!, representatives,
    };
  }

  businessName(form: LegalForm, director: DemoPerson): DemoBusiness['name'] {
    if (form === 'IE') {
      const l = director.nameLatin, c = director.nameCyrillic!;
      return { uz: `${l.last} ${l.first} ${l.middle} YaTT`, ru: `ИП ${c.last} ${c.first} ${c.middle}`, en: `${l.first} ${l.last}, IE` };
    }
    for (;;) {
      const a = this.rng.pick(BUSINESS_WORDS.first), b = this.rng.pick(BUSINESS_WORDS.second);
      const [uz, ru, en] = form === 'LLC' ? ['MChJ', 'ООО', 'LLC'] : ['AJ', 'АО', 'JSC'];
      const name = { uz: `"${a.latin} ${b.latin}" ${uz}`, ru: `${ru} «${a.cyrillic} ${b.cyrillic}»`, en: `${a.latin} ${b.latin} ${en}` };
      if (this.claim(this.names, name.uz)) return name;
    }
  }
}

/**
 * Makes the demo population: the fixed people first (README order), then citizens,
 * then foreigners; the fixed business first, then the rest.
 * @example generatePopulation({ seed: DEMO_SEED }).people.length // 310
 */
export function generatePopulation(options: PopulationOptions = {}): DemoPopulation {
  const { seed = DEMO_SEED, asOf = DEMO_AS_OF, citizens = 300, foreigners = 10, businesses = 60 } = options;
  const gen = new Generator(seed, asOf);
  const fixed = fixedPeople();
  const fixedBiz = fixedBusinesses(fixed);
  gen.reserve(fixed, fixedBiz);
  const people = [...fixed];
  for (let n = fixed.filter((p) => p.kind === 'citizen').length; n < citizens; n++) people.push(gen.citizen());
  const taken = new Set(fixed.map((p) => p.documentCountry));
  const pool = FOREIGNERS.filter((f) => !taken.has(f.country));
  for (let n = fixed.length - fixed.filter((p) => p.kind === 'citizen').length; n < foreigners; n++) {
    people.push(gen.foreigner(pool.splice(gen.rng.int(0, pool.length - 1), 1)[0] ?? gen.rng.pick(FOREIGNERS)));
  }
  const adults = people.filter((p) => p.kind === 'citizen' && birthday(p.birthDate, 18) <= asOf);
  const list = [...fixedBiz];
  const directing = new Set(list.map((b) => b.director));
  while (list.length < businesses) {
    // Most directors run one business; a few run two, as people do.
    let director = gen.rng.pick(adults);
    for (let tries = 0; directing.has(director.pinfl!) && tries < 5; tries++) director = gen.rng.pick(adults);
    directing.add(director.pinfl!);
    list.push(gen.business(director, adults));
  }
  return { seed, asOf, people, businesses: list };
}
