// The business registry: the companies and entrepreneurs of businesses.yaml, with their
// directors and representatives as the file names them, a charter capital, an activity
// (OKED code, from the business's name) and founders.
import type { DemoBusiness } from '../../identity/index.js';
import { addDays, dayBetween, som, type Context, type Row } from './common.js';

/** Activities by OKED code (Uzbekistan's NACE-based classifier), with their names. */
export const ACTIVITIES: Record<string, { uz: string; ru: string; en: string }> = {
  '47.19': { uz: 'Ixtisoslashmagan chakana savdo', ru: 'Прочая розничная торговля в неспециализированных магазинах', en: 'Other retail sale in non-specialised stores' },
  '41.20': { uz: 'Turar joy va noturar joy binolarini qurish', ru: 'Строительство жилых и нежилых зданий', en: 'Construction of residential and non-residential buildings' },
  '01.13': { uz: 'Sabzavot va poliz ekinlarini yetishtirish', ru: 'Выращивание овощей и бахчевых культур', en: 'Growing of vegetables and melons' },
  '13.92': { uz: 'Toʻqimachilik buyumlari ishlab chiqarish', ru: 'Производство готовых текстильных изделий', en: 'Manufacture of made-up textile articles' },
  '49.41': { uz: 'Avtomobil transportida yuk tashish', ru: 'Грузовые перевозки автомобильным транспортом', en: 'Freight transport by road' },
  '96.09': { uz: 'Boshqa shaxsiy xizmatlar', ru: 'Предоставление прочих персональных услуг', en: 'Other personal service activities' },
  '64.99': { uz: 'Boshqa moliyaviy xizmatlar', ru: 'Прочие финансовые услуги', en: 'Other financial service activities' },
  '86.90': { uz: 'Tibbiyot sohasidagi boshqa faoliyat', ru: 'Прочая деятельность в области здравоохранения', en: 'Other human health activities' },
  '18.12': { uz: 'Matbaa faoliyati', ru: 'Прочие виды полиграфической деятельности', en: 'Other printing' },
  '62.01': { uz: 'Kompyuter dasturlash', ru: 'Разработка компьютерного программного обеспечения', en: 'Computer programming activities' },
  '35.11': { uz: 'Elektr energiyasi ishlab chiqarish', ru: 'Производство электроэнергии', en: 'Production of electricity' },
  '10.51': { uz: 'Sut mahsulotlari ishlab chiqarish', ru: 'Производство молочной продукции', en: 'Operation of dairies and cheese making' },
  '10.71': { uz: 'Non va unli qandolat mahsulotlari ishlab chiqarish', ru: 'Производство хлеба и мучных кондитерских изделий', en: 'Manufacture of bread and fresh pastry goods' },
  '31.09': { uz: 'Mebel ishlab chiqarish', ru: 'Производство прочей мебели', en: 'Manufacture of other furniture' },
  '45.20': { uz: 'Avtotransport vositalariga texnik xizmat koʻrsatish', ru: 'Техническое обслуживание и ремонт автотранспортных средств', en: 'Maintenance and repair of motor vehicles' },
  '47.73': { uz: 'Dori vositalari chakana savdosi', ru: 'Розничная торговля лекарственными средствами', en: 'Dispensing chemist in specialised stores' },
  '79.11': { uz: 'Turistik agentliklar faoliyati', ru: 'Деятельность туристических агентств', en: 'Travel agency activities' },
  '10.89': { uz: 'Boshqa oziq-ovqat mahsulotlari ishlab chiqarish', ru: 'Производство прочих пищевых продуктов', en: 'Manufacture of other food products' },
  '56.10': { uz: 'Restoranlar va taom yetkazib berish', ru: 'Деятельность ресторанов и услуги по доставке продуктов питания', en: 'Restaurants and mobile food service activities' },
  '47.71': { uz: 'Kiyim-kechak chakana savdosi', ru: 'Розничная торговля одеждой', en: 'Retail sale of clothing' },
};

const BY_WORD: Record<string, string> = {
  Savdo: '47.19', Qurilish: '41.20', Stroy: '41.20', Agro: '01.13', Tekstil: '13.92', Logistik: '49.41', Trans: '49.41',
  Servis: '96.09', Invest: '64.99', Med: '86.90', Print: '18.12', Soft: '62.01', Energiya: '35.11', Sut: '10.51',
  Non: '10.71', Mebel: '31.09', Avto: '45.20', Farm: '47.73', Tur: '79.11', 'Oziq-ovqat': '10.89',
};

/** The activity a business's name suggests ("Baraka Savdo" trades); an entrepreneur's is drawn. */
function activityOf(b: DemoBusiness, pick: () => string): string {
  const word = /"[^"]* ([^" ]+)"/.exec(b.name.uz)?.[1];
  return (word && BY_WORD[word]) || pick();
}

export function businessRegistry(ctx: Context): { company: Row<'registry_company'>[]; companyPerson: Row<'registry_company_person'>[] } {
  const rng = ctx.rng('business');
  const company: Row<'registry_company'>[] = [];
  const companyPerson: Row<'registry_company_person'>[] = [];
  for (const b of ctx.businesses) {
    const capital = b.legalForm === 'IE' ? 0 : b.legalForm === 'JSC' ? som(rng.pick([400, 600, 1_000, 2_500, 5_000]) * 1_000_000)
      : som(rng.pick([10, 20, 50, 100, 250, 500]) * 1_000_000);
    // An LLC's founders: the director alone, or with a representative; a JSC lists none (shareholders are kept elsewhere).
    const founders = b.legalForm === 'LLC'
      ? (b.representatives.length && rng.chance(0.4) ? [{ pinfl: b.director, percent: 60 }, { pinfl: b.representatives[0], percent: 40 }] : [{ pinfl: b.director, percent: 100 }])
      : b.legalForm === 'IE' ? [{ pinfl: b.director, percent: 100 }] : [];
    company.push({
      stir: b.stir, legal_form: b.legalForm, name: { ...b.name }, registered_on: b.registeredOn, region: b.region, district: b.district,
      address: b.address, status: 'active', charter_capital_tiyin: capital,
      activity: activityOf(b, () => rng.pick(['47.19', '96.09', '56.10', '47.71', '45.20', '49.41'])), founders,
    });
    companyPerson.push({ stir: b.stir, pinfl: b.director, role: 'director', since: b.registeredOn });
    for (const pinfl of b.representatives) {
      companyPerson.push({ stir: b.stir, pinfl, role: 'representative', since: dayBetween(rng, [b.registeredOn, addDays(ctx.asOf, -730)].sort()[1], addDays(ctx.asOf, -7)) });
    }
  }
  return { company, companyPerson };
}
