// Name pools for the demo population: "Latin|Cyrillic" pairs. Uzbek names are in the
// official Uzbek Latin (oʻ, gʻ with U+02BB) and Uzbek Cyrillic, Karakalpak names in the
// Karakalpak Latin and Cyrillic alphabets, Russian names in the transliteration of
// Uzbek passports. Surnames are the men's form; women's add -a (-ov → -ova), save the
// Korean ones, which do not change.

/** A name in the two scripts. */
export interface NamePair { latin: string; cyrillic: string }

/** Which pools a person's names come from. */
export type NameOrigin = 'uzbek' | 'russian' | 'karakalpak';

function pairs(list: string): NamePair[] {
  return list.trim().split(/\s*,\s*/).map((p) => {
    const [latin, cyrillic] = p.split('|');
    return { latin, cyrillic };
  });
}

export const NAMES: Record<NameOrigin, { male: NamePair[]; female: NamePair[]; surnames: NamePair[] }> = {
  uzbek: {
    male: pairs(`Aziz|Азиз, Rustam|Рустам, Alisher|Алишер, Bobur|Бобур, Sardor|Сардор, Jasur|Жасур, Otabek|Отабек,
      Sherzod|Шерзод, Farrux|Фаррух, Javlon|Жавлон, Doniyor|Дониёр, Jahongir|Жаҳонгир, Sanjar|Санжар, Ulugʻbek|Улуғбек,
      Akmal|Акмал, Anvar|Анвар, Bahodir|Баҳодир, Dilshod|Дилшод, Eldor|Элдор, Umid|Умид, Husan|Ҳусан, Hasan|Ҳасан,
      Ibrohim|Иброҳим, Islom|Ислом, Laziz|Лазиз, Mansur|Мансур, Murod|Мурод, Nodir|Нодир, Oybek|Ойбек, Rahim|Раҳим,
      Sarvar|Сарвар, Shavkat|Шавкат, Temur|Темур, Xurshid|Хуршид, Zafar|Зафар, Abdulla|Абдулла, Ali|Али,
      Muhammad|Муҳаммад, Shoxrux|Шоҳрух, Asror|Асрор, Gʻayrat|Ғайрат, Qahramon|Қаҳрамон, Nurali|Нурали, Azamat|Азамат`),
    female: pairs(`Dilnoza|Дилноза, Gulnora|Гулнора, Madina|Мадина, Malika|Малика, Nilufar|Нилуфар, Shahnoza|Шаҳноза,
      Zarina|Зарина, Feruza|Феруза, Nodira|Нодира, Kamola|Камола, Sevara|Севара, Dildora|Дилдора, Mohira|Моҳира,
      Muxlisa|Мухлиса, Nargiza|Наргиза, Ozoda|Озода, Rayhona|Райҳона, Sabina|Сабина, Sitora|Ситора, Umida|Умида,
      Yulduz|Юлдуз, Zulfiya|Зулфия, Gulchehra|Гулчеҳра, Lola|Лола, Munisa|Муниса, Barno|Барно, Iroda|Ирода,
      Maftuna|Мафтуна, Oydin|Ойдин, Charos|Чарос, Dilfuza|Дилфуза, Hilola|Ҳилола, Xadicha|Хадича, Mahliyo|Маҳлиё,
      Zuhra|Зуҳра, Shoira|Шоира`),
    surnames: pairs(`Karimov|Каримов, Rahimov|Раҳимов, Tursunov|Турсунов, Yusupov|Юсупов, Abdullayev|Абдуллаев,
      Xolmatov|Холматов, Ergashev|Эргашев, Nazarov|Назаров, Saidov|Саидов, Mirzayev|Мирзаев, Qodirov|Қодиров,
      Aliyev|Алиев, Rasulov|Расулов, Sobirov|Собиров, Usmonov|Усмонов, Islomov|Исломов, Joʻrayev|Жўраев,
      Hasanov|Ҳасанов, Ahmedov|Аҳмедов, Toshmatov|Тошматов, Murodov|Муродов, Nematov|Нематов, Sultonov|Султонов,
      Ismoilov|Исмоилов, Boboyev|Бобоев, Yoʻldoshev|Йўлдошев, Qosimov|Қосимов, Umarov|Умаров, Normatov|Норматов,
      Xudoyberdiyev|Худойбердиев, Azimov|Азимов, Davletov|Давлетов, Matyoqubov|Матёқубов, Rajabov|Ражабов,
      Shukurov|Шукуров, Gʻofurov|Ғофуров, Mahmudov|Маҳмудов, Valiyev|Валиев, Zokirov|Зокиров, Fayzullayev|Файзуллаев`),
  },
  russian: {
    male: pairs(`Aleksandr|Александр, Dmitriy|Дмитрий, Sergey|Сергей, Andrey|Андрей, Vladimir|Владимир, Ivan|Иван,
      Oleg|Олег, Viktor|Виктор, Roman|Роман, Denis|Денис, Anton|Антон, Maksim|Максим, Yevgeniy|Евгений, Boris|Борис,
      Vadim|Вадим, Timur|Тимур`),
    female: pairs(`Yelena|Елена, Olga|Ольга, Tatyana|Татьяна, Natalya|Наталья, Irina|Ирина, Svetlana|Светлана,
      Anna|Анна, Mariya|Мария, Yekaterina|Екатерина, Valentina|Валентина, Lyudmila|Людмила, Anastasiya|Анастасия,
      Kseniya|Ксения, Viktoriya|Виктория`),
    surnames: pairs(`Ivanov|Иванов, Petrov|Петров, Smirnov|Смирнов, Kuznetsov|Кузнецов, Popov|Попов,
      Sokolov|Соколов, Lebedev|Лебедев, Kozlov|Козлов, Novikov|Новиков, Morozov|Морозов, Volkov|Волков,
      Fedorov|Федоров, Belov|Белов, Orlov|Орлов, Kim|Ким, Pak|Пак, Tsoy|Цой, Li|Ли`),
  },
  karakalpak: {
    male: pairs(`Berdaq|Бердақ, Ájiniyaz|Әжинияз, Allanazar|Алланазар, Orazbay|Оразбай, Jaqsılıq|Жақсылық,
      Qurbanbay|Қурбанбай, Sarsenbay|Сарсенбай, Tóremurat|Төремурат, Embergen|Эмберген, Baxıt|Бахыт, Marat|Марат,
      Bazarbay|Базарбай, Kamal|Камал, Dáwlet|Дәўлет`),
    female: pairs(`Aynura|Айнура, Perizat|Перизат, Gúlnara|Гүлнара, Sánem|Сәнем, Jibek|Жибек, Aysánem|Айсәнем,
      Gúlbahar|Гүлбахар, Zamira|Замира, Dilbar|Дилбар, Álfiya|Әлфия`),
    surnames: pairs(`Seytmuratov|Сейтмуратов, Allambergenov|Алламбергенов, Embergenov|Эмбергенов,
      Tájimuratov|Тәжимуратов, Orazbaev|Оразбаев, Qudaybergenov|Қудайбергенов, Sarsenbaev|Сарсенбаев,
      Jumabaev|Жумабаев, Dáwletov|Дәўлетов, Kamalov|Камалов, Reymov|Реймов, Ótepov|Өтепов`),
  },
};

/** The surname in the form for the person's sex. */
export function surnameFor(surname: NamePair, sex: 'male' | 'female'): NamePair {
  if (sex === 'male' || !/(ov|ev|in)$/.test(surname.latin)) return surname;
  return { latin: `${surname.latin}a`, cyrillic: `${surname.cyrillic}а` };
}

/**
 * The patronymic (-ovich/-ovna, as Uzbek passports write it) from a father's name, or
 * undefined for names that do not take the regular ending (Sergey, Abdulla, Orazbay).
 */
export function patronymic(father: NamePair, sex: 'male' | 'female'): NamePair | undefined {
  if (!/[bcdfghjklmnpqrstvxz]$/i.test(father.latin)) return undefined;
  return sex === 'male'
    ? { latin: `${father.latin}ovich`, cyrillic: `${father.cyrillic}ович` }
    : { latin: `${father.latin}ovna`, cyrillic: `${father.cyrillic}овна` };
}

/** Streets for addresses, in Uzbek Latin (the address adds "koʻchasi"). */
export const STREETS = `Amir Temur, Alisher Navoiy, Mustaqillik, Bobur, Mirzo Ulugʻbek, Istiqlol, Doʻstlik, Bunyodkor,
  Yangi hayot, Bogʻishamol, Guliston, Navroʻz, Mehrjon, Bahor, Gulzor, Oybek, Abdulla Qodiriy, Choʻlpon, Furqat,
  Muqimiy, Beruniy, Ibn Sino, Al-Xorazmiy, Tinchlik, Paxtakor, Obod, Sharq, Yoshlik, Ziyolilar, Mashrab`
  .split(/\s*,\s*/);

/** Words for business names: "Latin|Cyrillic"; a name is one of each list. */
export const BUSINESS_WORDS = {
  first: pairs(`Baraka|Барака, Oltin|Олтин, Navroʻz|Навруз, Zamon|Замон, Nur|Нур, Ipak Yoʻli|Ипак Йули,
    Yangi Asr|Янги Аср, Kamalak|Камалак, Orzu|Орзу, Sharq|Шарк, Turon|Турон, Mehr|Мехр, Diyor|Диёр, Samo|Само,
    Farovon|Фаровон, Bunyod|Бунёд, Zarafshon|Зарафшан, Afrosiyob|Афросиаб, Humo|Хумо, Lazzat|Лаззат,
    Saxovat|Саховат, Omad|Омад, Bahor|Бахор, Durdona|Дурдона`),
  second: pairs(`Savdo|Савдо, Qurilish|Курилиш, Agro|Агро, Tekstil|Текстиль, Logistik|Логистик, Servis|Сервис,
    Invest|Инвест, Trans|Транс, Med|Мед, Print|Принт, Soft|Софт, Energiya|Энергия, Sut|Сут, Non|Нон,
    Mebel|Мебель, Avto|Авто, Farm|Фарм, Stroy|Строй, Tur|Тур, Oziq-ovqat|Озик-овкат`),
};

/** Foreigners' names and documents: country, sex, Latin first and last, optional Cyrillic, locale. */
export const FOREIGNERS = `RU|female|Yekaterina|Sokolova|Екатерина|Соколова|ru, KZ|male|Nurlan|Abenov|Нурлан|Абенов|ru,
  KG|male|Bakyt|Toktogulov|Бакыт|Токтогулов|ru, TJ|female|Madina|Rahmonova|Мадина|Раҳмонова|ru,
  TR|male|Mehmet|Yılmaz|||en, KR|female|Ji-woo|Park|||en, CN|male|Wei|Zhang|||en, US|male|Michael|Brown|||en,
  IN|female|Priya|Sharma|||en, GB|female|Olivia|Taylor|||en, DE|male|Lukas|Becker|||en`
  .split(/\s*,\s*/).map((row) => {
    const [country, sex, first, last, firstCyr, lastCyr, locale] = row.split('|');
    return { country, sex: sex as 'male' | 'female', first, last, firstCyr, lastCyr, locale: locale as 'ru' | 'en' };
  });

/** Passport number shapes per country: `#` a digit, `X` a letter or digit as Germany uses. */
export const DOCUMENT_PATTERNS: Record<string, string> = {
  RU: '#########', KZ: 'N########', KG: 'AC#######', TJ: '#########', TR: 'U########', KR: 'M########',
  CN: 'E########', US: '#########', IN: 'Z#######', GB: '#########', DE: 'CXXXXXXXX',
};
