// The demo people and business that the README names: the same ids, numbers and phones
// whatever the seed, so that documentation, tests and sign-in examples can rely on them.
import { makePinfl } from './pinfl.js';
import type { DemoBusiness, DemoPerson, DemoRole, PersonName } from './people.types.js';
import { districtById } from './regions.js';
import { makeStir } from './stir.js';

type Fixed = Omit<DemoPerson, 'pinfl' | 'demo' | 'nameLatin' | 'nameCyrillic'> & {
  role: DemoRole; agency?: string; latin: string; cyrillic?: string;
};

/** "Last First Middle" into a name. */
function name(full: string): PersonName {
  const [last, first, middle] = full.split(' ');
  return middle ? { first, last, middle } : { first, last };
}

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const FIXED: Fixed[] = [
  { id: id(1), role: 'citizen', kind: 'citizen', latin: 'Karimov Aziz Rustamovich', cyrillic: 'Каримов Азиз Рустамович',
    sex: 'male', birthDate: '1990-07-15', region: 'tashkent-city', district: 'yunusobod',
    address: 'Amir Temur koʻchasi, 108-uy, 12-xonadon', phone: '+998901234567', locale: 'uz' },
  { id: id(2), role: 'foreigner', kind: 'foreigner', latin: 'Schneider Emma', documentNumber: 'CF7K2M9R1',
    documentCountry: 'DE', sex: 'female', birthDate: '1988-04-02', region: 'tashkent-city', district: 'mirobod',
    address: 'Shahrisabz koʻchasi, 22-uy, 5-xonadon', phone: '+998951112233', email: 'emma.schneider@example.org',
    locale: 'en' },
  { id: id(3), role: 'director', kind: 'citizen', latin: 'Ergasheva Dilnoza Bahodirovna',
    cyrillic: 'Эргашева Дилноза Баҳодировна', sex: 'female', birthDate: '1984-03-08', region: 'samarkand',
    district: 'samarqand-city', address: 'Registon koʻchasi, 4-uy', phone: '+998915554433',
    email: 'dilnoza.ergasheva@example.org', locale: 'uz' },
  { id: id(4), role: 'representative', kind: 'citizen', latin: 'Kim Timur Olegovich', cyrillic: 'Ким Тимур Олегович',
    sex: 'male', birthDate: '1995-11-20', region: 'tashkent-city', district: 'chilonzor',
    address: 'Bunyodkor koʻchasi, 17-uy, 41-xonadon', phone: '+998977001122', locale: 'ru' },
  { id: id(5), role: 'officer', agency: 'public-services', kind: 'citizen', latin: 'Saidova Gulnora Anvarovna',
    cyrillic: 'Саидова Гулнора Анваровна', sex: 'female', birthDate: '1992-09-01', region: 'tashkent-city',
    district: 'yakkasaroy', address: 'Bobur koʻchasi, 31-uy, 7-xonadon', phone: '+998935550505', locale: 'uz' },
  { id: id(6), role: 'head', agency: 'public-services', kind: 'citizen', latin: 'Yusupov Bahodir Akmalovich',
    cyrillic: 'Юсупов Баҳодир Акмалович', sex: 'male', birthDate: '1971-02-14', region: 'tashkent-city',
    district: 'mirzo-ulugbek', address: 'Mustaqillik koʻchasi, 59-uy', phone: '+998903330606', locale: 'oz' },
  { id: id(7), role: 'editor', agency: 'digital-technologies', kind: 'citizen',
    latin: 'Seytmuratova Aynura Berdaqovna', cyrillic: 'Сейтмуратова Айнура Бердақовна', sex: 'female',
    birthDate: '1998-06-30', region: 'karakalpakstan', district: 'nukus-city', address: 'Beruniy koʻchasi, 45-uy, 3-xonadon',
    phone: '+998914007070', locale: 'kaa' },
  { id: id(8), role: 'admin', agency: 'digital-technologies', kind: 'citizen', latin: 'Abdullayev Sardor Ulugʻbekovich',
    cyrillic: 'Абдуллаев Сардор Улуғбекович', sex: 'male', birthDate: '1987-12-05', region: 'tashkent-city',
    district: 'yashnobod', address: 'Tinchlik koʻchasi, 12-uy, 88-xonadon', phone: '+998998080808',
    email: 'sardor.abdullayev@example.org', locale: 'en' },
];

/** The fixed demo people, in README order; a citizen's PINFL has serial 001 in their district. */
export function fixedPeople(): DemoPerson[] {
  return FIXED.map(({ role, agency, latin, cyrillic, ...rest }) => {
    const district = districtById(rest.district);
    if (!district || district.region !== rest.region) throw new Error(`fixed person ${rest.id}: bad district ${rest.district}`);
    const pinfl = rest.kind === 'citizen'
      ? makePinfl({ birthDate: rest.birthDate, sex: rest.sex, districtCode: district.code, serial: 1 })
      : undefined;
    return {
      id: rest.id, kind: rest.kind, ...(pinfl ? { pinfl } : {}),
      ...(rest.documentNumber ? { documentNumber: rest.documentNumber, documentCountry: rest.documentCountry } : {}),
      nameLatin: name(latin), ...(cyrillic ? { nameCyrillic: name(cyrillic) } : {}),
      sex: rest.sex, birthDate: rest.birthDate, region: rest.region, district: rest.district, address: rest.address,
      ...(rest.phone ? { phone: rest.phone } : {}), ...(rest.email ? { email: rest.email } : {}),
      locale: rest.locale, demo: { role, ...(agency ? { agency } : {}) },
    };
  });
}

/** The fixed demo business: its director and its representative are fixed people 3 and 4. */
export function fixedBusinesses(people: DemoPerson[]): DemoBusiness[] {
  const pinflOf = (role: DemoRole) => people.find((p) => p.demo?.role === role)?.pinfl ?? '';
  return [{
    id: '00000000-0000-4000-9000-000000000001', stir: makeStir(3, 5123458), legalForm: 'LLC',
    name: { uz: '"Baraka Savdo" MChJ', ru: 'ООО «Барака Савдо»', en: 'Baraka Savdo LLC' },
    registeredOn: '2019-05-14', region: 'samarkand', district: 'samarqand-city', address: 'Registon koʻchasi, 12-uy',
    director: pinflOf('director'), representatives: [pinflOf('representative')],
  }];
}
