// The 14 regions of Uzbekistan and their districts (tuman) and cities of regional rank,
// named in Uzbek Latin, Russian and English.
//
// Every district carries a three-digit code, the one a demo PINFL carries in its digits
// 8-10. The real table behind those digits (the codes of the offices that issue passports)
// is not published, so these codes are ours: region n (0-based, in the catalog's order)
// owns 100 + 50n + 1 … 100 + 50n + 49, and a district's code is its place in the list.
// Append new districts at the end of their region so that no code moves.
import type { Region } from '../../catalog/index.js';

/** A region's id: the catalog's regions without `republic`. */
export type RegionId = Exclude<Region, 'republic'>;

/** A name in the three languages the registries keep place names in. */
export interface PlaceName { uz: string; ru: string; en: string }

export interface District {
  /** Unique across the country: the Uzbek Latin name folded, `-city` for a city. */
  id: string;
  /** Three digits, unique across the country; what a PINFL carries. */
  code: string;
  region: RegionId;
  kind: 'district' | 'city';
  name: PlaceName;
}

export interface RegionInfo { id: RegionId; name: PlaceName; districts: District[] }

// Each district is "Uzbek Latin|Russian|English"; the Russian of a district is its
// adjective (…ский район). A leading `*` marks a city.
const DATA: Record<RegionId, [string, string[]]> = {
  'tashkent-city': ['Toshkent shahri|город Ташкент|Tashkent City', [
    'Bektemir|Бектемирский|Bektemir', 'Chilonzor|Чиланзарский|Chilanzar', 'Mirobod|Мирабадский|Mirabad',
    'Mirzo Ulugʻbek|Мирзо-Улугбекский|Mirzo Ulugbek', 'Olmazor|Алмазарский|Almazar', 'Sergeli|Сергелийский|Sergeli',
    'Shayxontohur|Шайхантахурский|Shaykhantakhur', 'Uchtepa|Учтепинский|Uchtepa', 'Yakkasaroy|Яккасарайский|Yakkasaray',
    'Yangihayot|Янгихаётский|Yangihayot', 'Yashnobod|Яшнабадский|Yashnabad', 'Yunusobod|Юнусабадский|Yunusabad',
  ]],
  tashkent: ['Toshkent viloyati|Ташкентская область|Tashkent Region', [
    'Bekobod|Бекабадский|Bekabad', 'Boʻka|Букинский|Buka', 'Boʻstonliq|Бостанлыкский|Bostanliq', 'Chinoz|Чиназский|Chinaz',
    'Ohangaron|Ахангаранский|Akhangaran', 'Oqqoʻrgʻon|Аккурганский|Akkurgan', 'Parkent|Паркентский|Parkent',
    'Piskent|Пскентский|Piskent', 'Qibray|Кибрайский|Kibray', 'Quyi Chirchiq|Куйичирчикский|Quyichirchiq',
    'Toshkent|Ташкентский|Tashkent', 'Oʻrta Chirchiq|Уртачирчикский|Urtachirchiq', 'Yangiyoʻl|Янгиюльский|Yangiyul',
    'Yuqori Chirchiq|Юкоричирчикский|Yuqorichirchiq', 'Zangiota|Зангиатинский|Zangiata',
    '*Nurafshon|Нурафшан|Nurafshan', '*Olmaliq|Алмалык|Almalyk', '*Angren|Ангрен|Angren', '*Bekobod|Бекабад|Bekabad',
    '*Chirchiq|Чирчик|Chirchiq', '*Ohangaron|Ахангаран|Akhangaran', '*Yangiyoʻl|Янгиюль|Yangiyul',
  ]],
  sirdaryo: ['Sirdaryo viloyati|Сырдарьинская область|Syrdarya Region', [
    'Oqoltin|Акалтынский|Akaltyn', 'Boyovut|Баяутский|Bayaut', 'Guliston|Гулистанский|Gulistan', 'Xovos|Хавастский|Khavast',
    'Mirzaobod|Мирзаабадский|Mirzaabad', 'Sardoba|Сардобинский|Sardoba', 'Sayxunobod|Сайхунабадский|Saykhunabad',
    'Sirdaryo|Сырдарьинский|Syrdarya', '*Guliston|Гулистан|Gulistan', '*Shirin|Ширин|Shirin', '*Yangiyer|Янгиер|Yangiyer',
  ]],
  jizzakh: ['Jizzax viloyati|Джизакская область|Jizzakh Region', [
    'Arnasoy|Арнасайский|Arnasay', 'Baxmal|Бахмальский|Bakhmal', 'Doʻstlik|Дустликский|Dustlik', 'Forish|Фаришский|Farish',
    'Gʻallaorol|Галляаральский|Gallaaral', 'Sharof Rashidov|Шараф-Рашидовский|Sharof Rashidov',
    'Mirzachoʻl|Мирзачульский|Mirzachul', 'Paxtakor|Пахтакорский|Pakhtakor', 'Yangiobod|Янгиабадский|Yangiabad',
    'Zomin|Зааминский|Zaamin', 'Zafarobod|Зафарабадский|Zafarabad', 'Zarbdor|Зарбдарский|Zarbdar', '*Jizzax|Джизак|Jizzakh',
  ]],
  samarkand: ['Samarqand viloyati|Самаркандская область|Samarkand Region', [
    'Bulungʻur|Булунгурский|Bulungur', 'Ishtixon|Иштыханский|Ishtikhan', 'Jomboy|Джамбайский|Jambay',
    'Kattaqoʻrgʻon|Каттакурганский|Kattakurgan', 'Qoʻshrabot|Кошрабадский|Koshrabad', 'Narpay|Нарпайский|Narpay',
    'Nurobod|Нурабадский|Nurabad', 'Oqdaryo|Акдарьинский|Akdarya', 'Paxtachi|Пахтачийский|Pakhtachi',
    'Payariq|Пайарыкский|Payarik', 'Pastdargʻom|Пастдаргомский|Pastdargom', 'Samarqand|Самаркандский|Samarkand',
    'Toyloq|Тайлакский|Tayloq', 'Urgut|Ургутский|Urgut', '*Samarqand|Самарканд|Samarkand',
    '*Kattaqoʻrgʻon|Каттакурган|Kattakurgan',
  ]],
  fergana: ['Fargʻona viloyati|Ферганская область|Fergana Region', [
    'Oltiariq|Алтыарыкский|Altiarik', 'Bagʻdod|Багдадский|Baghdad', 'Beshariq|Бешарыкский|Beshariq',
    'Buvayda|Бувайдинский|Buvayda', 'Dangʻara|Дангаринский|Dangara', 'Fargʻona|Ферганский|Fergana',
    'Furqat|Фуркатский|Furqat', 'Qoʻshtepa|Куштепинский|Kushtepa', 'Quva|Кувинский|Kuva', 'Rishton|Риштанский|Rishtan',
    'Soʻx|Сохский|Sokh', 'Toshloq|Ташлакский|Tashlak', 'Uchkoʻprik|Учкуприкский|Uchkuprik',
    'Oʻzbekiston|Узбекистанский|Uzbekistan', 'Yozyovon|Язъяванский|Yazyavan', '*Fargʻona|Фергана|Fergana',
    '*Qoʻqon|Коканд|Kokand', '*Margʻilon|Маргилан|Margilan', '*Quvasoy|Кувасай|Kuvasay',
  ]],
  namangan: ['Namangan viloyati|Наманганская область|Namangan Region', [
    'Chortoq|Чартакский|Chartak', 'Chust|Чустский|Chust', 'Kosonsoy|Касансайский|Kasansay', 'Mingbuloq|Мингбулакский|Mingbulak',
    'Namangan|Наманганский|Namangan', 'Norin|Нарынский|Naryn', 'Pop|Папский|Pap', 'Toʻraqoʻrgʻon|Туракурганский|Turakurgan',
    'Uchqoʻrgʻon|Учкурганский|Uchkurgan', 'Uychi|Уйчинский|Uychi', 'Yangiqoʻrgʻon|Янгикурганский|Yangikurgan',
    '*Namangan|Наманган|Namangan',
  ]],
  andijan: ['Andijon viloyati|Андижанская область|Andijan Region', [
    'Andijon|Андижанский|Andijan', 'Asaka|Асакинский|Asaka', 'Baliqchi|Балыкчинский|Baliqchi', 'Boʻston|Бустанский|Buston',
    'Buloqboshi|Булакбашинский|Bulakbashi', 'Izboskan|Избасканский|Izbaskan', 'Jalaquduq|Джалакудукский|Jalakuduk',
    'Xoʻjaobod|Ходжаабадский|Khojaabad', 'Qoʻrgʻontepa|Кургантепинский|Kurgantepa', 'Marhamat|Мархаматский|Markhamat',
    'Oltinkoʻl|Алтынкульский|Altinkul', 'Paxtaobod|Пахтаабадский|Pakhtaabad', 'Shahrixon|Шахриханский|Shakhrikhan',
    'Ulugʻnor|Улугнорский|Ulugnor', '*Andijon|Андижан|Andijan', '*Xonobod|Ханабад|Khanabad',
  ]],
  kashkadarya: ['Qashqadaryo viloyati|Кашкадарьинская область|Kashkadarya Region', [
    'Chiroqchi|Чиракчинский|Chiroqchi', 'Dehqonobod|Дехканабадский|Dehqonobod', 'Gʻuzor|Гузарский|Guzar',
    'Kasbi|Касбийский|Kasbi', 'Kitob|Китабский|Kitab', 'Koson|Касанский|Kasan', 'Koʻkdala|Кукдалинский|Kukdala',
    'Mirishkor|Миришкорский|Mirishkor', 'Muborak|Мубарекский|Mubarek', 'Nishon|Нишанский|Nishan',
    'Qamashi|Камашинский|Kamashi', 'Qarshi|Каршинский|Karshi', 'Shahrisabz|Шахрисабзский|Shakhrisabz',
    'Yakkabogʻ|Яккабагский|Yakkabag', '*Qarshi|Карши|Karshi', '*Shahrisabz|Шахрисабз|Shakhrisabz',
  ]],
  surkhandarya: ['Surxondaryo viloyati|Сурхандарьинская область|Surkhandarya Region', [
    'Angor|Ангорский|Angor', 'Bandixon|Бандиханский|Bandikhan', 'Boysun|Байсунский|Baysun', 'Denov|Денауский|Denau',
    'Jarqoʻrgʻon|Джаркурганский|Jarkurgan', 'Qiziriq|Кизирикский|Kizirik', 'Qumqoʻrgʻon|Кумкурганский|Kumkurgan',
    'Muzrabot|Музрабадский|Muzrabad', 'Oltinsoy|Алтынсайский|Altinsay', 'Sariosiyo|Сариасийский|Sariasiya',
    'Sherobod|Шерабадский|Sherabad', 'Shoʻrchi|Шурчинский|Shurchi', 'Termiz|Термезский|Termez', 'Uzun|Узунский|Uzun',
    '*Termiz|Термез|Termez',
  ]],
  bukhara: ['Buxoro viloyati|Бухарская область|Bukhara Region', [
    'Olot|Алатский|Alat', 'Buxoro|Бухарский|Bukhara', 'Gʻijduvon|Гиждуванский|Gijduvan', 'Jondor|Жондорский|Jondor',
    'Kogon|Каганский|Kagan', 'Qorakoʻl|Каракульский|Karakul', 'Qorovulbozor|Караулбазарский|Karaulbazar',
    'Peshku|Пешкунский|Peshku', 'Romitan|Ромитанский|Romitan', 'Shofirkon|Шафирканский|Shafirkan',
    'Vobkent|Вабкентский|Vabkent', '*Buxoro|Бухара|Bukhara', '*Kogon|Каган|Kagan',
  ]],
  navoi: ['Navoiy viloyati|Навоийская область|Navoi Region', [
    'Konimex|Канимехский|Konimekh', 'Karmana|Карманинский|Karmana', 'Qiziltepa|Кызылтепинский|Kyzyltepa',
    'Xatirchi|Хатырчинский|Khatyrchi', 'Navbahor|Навбахорский|Navbakhor', 'Nurota|Нуратинский|Nurata',
    'Tomdi|Тамдынский|Tamdy', 'Uchquduq|Учкудукский|Uchkuduk', '*Navoiy|Навои|Navoi', '*Zarafshon|Зарафшан|Zarafshan',
    '*Gʻozgʻon|Газган|Gazgan',
  ]],
  khorezm: ['Xorazm viloyati|Хорезмская область|Khorezm Region', [
    'Bogʻot|Багатский|Bagat', 'Gurlan|Гурленский|Gurlen', 'Hazorasp|Хазараспский|Khazarasp', 'Xiva|Хивинский|Khiva',
    'Xonqa|Ханкинский|Khanka', 'Qoʻshkoʻpir|Кошкупырский|Koshkupir', 'Shovot|Шаватский|Shavat',
    'Tuproqqalʼa|Тупроккалинский|Tuproqqala', 'Urganch|Ургенчский|Urgench', 'Yangiariq|Янгиарыкский|Yangiarik',
    'Yangibozor|Янгибазарский|Yangibazar', '*Urganch|Ургенч|Urgench', '*Xiva|Хива|Khiva',
  ]],
  karakalpakstan: ['Qoraqalpogʻiston Respublikasi|Республика Каракалпакстан|Republic of Karakalpakstan', [
    'Amudaryo|Амударьинский|Amudarya', 'Beruniy|Берунийский|Beruniy', 'Boʻzatov|Бозатауский|Bozatau',
    'Chimboy|Чимбайский|Chimbay', 'Ellikqalʼa|Элликкалинский|Ellikqala', 'Kegeyli|Кегейлийский|Kegeyli',
    'Moʻynoq|Муйнакский|Muynak', 'Nukus|Нукусский|Nukus', 'Qanlikoʻl|Канлыкульский|Kanlikul',
    'Qoʻngʻirot|Кунградский|Kungrad', 'Qoraoʻzak|Караузякский|Karauzyak', 'Shumanay|Шуманайский|Shumanay',
    'Taxtakoʻpir|Тахтакупырский|Takhtakupir', 'Toʻrtkoʻl|Турткульский|Turtkul', 'Xoʻjayli|Ходжейлийский|Khojeyli',
    'Taxiatosh|Тахиаташский|Takhiatash', '*Nukus|Нукус|Nukus',
  ]],
};

function slug(uz: string): string {
  return uz.toLowerCase().replace(/[ʻʼ'‘’`]/g, '').replace(/\s+/g, '-');
}

function district(region: RegionId, index: number, ordinal: number, entry: string): District {
  const city = entry.startsWith('*');
  const [uz, ru, en] = entry.replace(/^\*/, '').split('|');
  return {
    id: slug(uz) + (city ? '-city' : ''),
    code: String(100 + 50 * index + ordinal),
    region,
    kind: city ? 'city' : 'district',
    name: city
      ? { uz: `${uz} shahri`, ru: `город ${ru}`, en: `${en} city` }
      : { uz: `${uz} tumani`, ru: `${ru} район`, en: `${en} district` },
  };
}

/** The regions in the catalog's order, each with its districts and cities. */
export const UZ_REGIONS: readonly RegionInfo[] = (Object.entries(DATA) as [RegionId, [string, string[]]][]).map(
  ([id, [name, list]], index) => {
    const [uz, ru, en] = name.split('|');
    return { id, name: { uz, ru, en }, districts: list.map((entry, i) => district(id, index, i + 1, entry)) };
  },
);

/** The region ids, in order. */
export const REGION_IDS: readonly RegionId[] = UZ_REGIONS.map((r) => r.id);

/** Every district and city, region by region. */
export const DISTRICTS: readonly District[] = UZ_REGIONS.flatMap((r) => r.districts);

const byCode = new Map(DISTRICTS.map((d) => [d.code, d]));
const byId = new Map(DISTRICTS.map((d) => [d.id, d]));
const regionsById = new Map(UZ_REGIONS.map((r) => [r.id, r]));

/** The district a PINFL's three-digit code names, if any. */
export function districtByCode(code: string): District | undefined {
  return byCode.get(code);
}

/** A district or city by its id, e.g. `yunusobod` or `nukus-city`. */
export function districtById(id: string): District | undefined {
  return byId.get(id);
}

/** A region by its id. */
export function regionById(id: string): RegionInfo | undefined {
  return regionsById.get(id as RegionId);
}
