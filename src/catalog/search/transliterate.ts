// Uzbek is written in Latin and Cyrillic scripts; people search in either, and often in
// Russian. These functions move text between the scripts by the rules of the 1995
// Latin alphabet (with the 2019 letters oʻ, gʻ and the ʼ sign).

const APOSTROPHES = /[ʻʼ'`‘’´]/g;
const VOWELS = 'aeiouаеёиоуўэюяыәөү';

/** Apostrophe variants as typed on phones and keyboards, made one: oʻ gʻ with U+02BB, the sign with U+02BC. */
export function normaliseApostrophes(text: string): string {
  return text.replace(/([oOgG])[ʻʼ'`‘’´]/g, '$1ʻ').replace(APOSTROPHES, (m) => (m === 'ʻ' ? m : 'ʼ'));
}

// Longest first. Russian loanwords keep their ц where the Latin writes ts: -tsiya, -tsion-, tsentr.
const LATIN_PAIRS: [string, string][] = [
  ['tsiya', 'ция'], ['tsion', 'цион'], ['tsent', 'цент'], ['yoʻ', 'йў'], ['oʻ', 'ў'], ['gʻ', 'ғ'], ['sh', 'ш'], ['ch', 'ч'], ['yo', 'ё'], ['yu', 'ю'], ['ya', 'я'], ['ye', 'е'],
];
const LATIN_SINGLE: Record<string, string> = {
  a: 'а', b: 'б', d: 'д', e: 'е', f: 'ф', g: 'г', h: 'ҳ', i: 'и', j: 'ж', k: 'к', l: 'л', m: 'м', n: 'н', o: 'о',
  p: 'п', q: 'қ', r: 'р', s: 'с', t: 'т', u: 'у', v: 'в', x: 'х', y: 'й', z: 'з', c: 'с', w: 'в', ʼ: 'ъ',
};

// Names written in Latin letters in Cyrillic text too.
const KEEP = new Set(['OneID', 'MyID', 'ID', 'E-IMZO', 'Payme', 'Click', 'Uzum', 'Telegram', 'Darcha', 'QR', 'PDF', 'IT', 'Wi-Fi', 'GPS', 'USB', 'SWIFT', 'IBAN', 'ISO', 'UNESCO', 'JavaScript', 'PNG', 'JPEG', 'pem', 'API', 'OpenAPI', 'JSON', 'RFC', 'SMS', 'URL', 'HTML', 'CSV', 'E-mail', 'e-mail']);
const KEEP_LIST = [...KEEP].sort((a, b) => b.length - a.length);

function matchCase(source: string, target: string): string {
  const first = source[0] ?? '';
  return first !== first.toLowerCase() ? target[0]!.toUpperCase() + target.slice(1) : target;
}

/**
 * Uzbek Latin to Uzbek Cyrillic: `Oʻzbekiston` → `Ўзбекистон`, `ekin` → `экин`.
 * Text between `{` and `}` (placeholders) and URLs are left as they are.
 */
export function latinToCyrillic(input: string): string {
  const text = normaliseApostrophes(input);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const keep = /^(\{[^}]*\}|https?:\/\/\S+|[\w.+-]+@[\w.-]+)/.exec(rest);
    if (keep) { out += keep[0]; i += keep[0].length; continue; }
    const word = /[\p{L}ʻʼ]/u.test(text[i - 1] ?? ' ') ? undefined : KEEP_LIST.find((w) => rest.startsWith(w) && !/[\p{L}ʻʼ]/u.test(rest[w.length] ?? ' '));
    if (word) { out += word; i += word.length; continue; }
    const lower = rest.toLowerCase();
    const pair = LATIN_PAIRS.find(([latin]) => lower.startsWith(latin));
    if (pair) {
      out += matchCase(rest, pair[1]);
      i += pair[0].length;
      continue;
    }
    const ch = text[i]!;
    const low = ch.toLowerCase();
    if (low === 'e') {
      const prev = (text[i - 1] ?? ' ').toLowerCase();
      const wordStart = !/[\p{L}ʻʼ]/u.test(prev);
      out += matchCase(ch, wordStart || VOWELS.includes(prev) ? 'э' : 'е');
    } else if (low in LATIN_SINGLE) {
      out += matchCase(ch, LATIN_SINGLE[low]!);
    } else {
      out += ch;
    }
    i += 1;
  }
  return out;
}

// Cyrillic (Uzbek, Karakalpak and Russian letters) to the Latin used for matching.
const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'j', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'x', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'sh',
  ъ: 'ʼ', ы: 'i', ь: '', э: 'e', ю: 'yu', я: 'ya', ў: 'oʻ', қ: 'q', ғ: 'gʻ', ҳ: 'h', ә: 'a', ө: 'o', ү: 'u', ң: 'ng', і: 'i',
};

/** Cyrillic to Uzbek Latin: `Ўзбекистон` → `Oʻzbekiston`, `паспорт` → `pasport`, `ер` → `yer`. */
export function cyrillicToLatin(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const low = ch.toLowerCase();
    let latin = CYRILLIC[low];
    if (latin === undefined) { out += ch; continue; }
    if (low === 'е') {
      const prev = (text[i - 1] ?? ' ').toLowerCase();
      if (!/[\p{L}]/u.test(prev) || VOWELS.includes(prev) || prev === 'ъ' || prev === 'ь') latin = 'ye';
    }
    out += ch !== low && latin ? latin[0]!.toUpperCase() + latin.slice(1) : latin;
  }
  return out;
}

const CYRILLIC_LETTER = /[\u0400-\u04ff]/;
export const hasCyrillic = (text: string) => CYRILLIC_LETTER.test(text);

/**
 * The form every text is matched in: lower-case Latin without apostrophes or
 * diacritics, so `Oʻzbek`, `O'zbek`, `Ozbek`, `Ўзбек` and Karakalpak `Ózbek` all
 * become `ozbek`.
 */
export function fold(text: string): string {
  return cyrillicToLatin(text.toLowerCase())
    .replace(APOSTROPHES, '')
    .replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
}
