import { createRequire } from 'node:module';
import { fold, hasCyrillic } from './transliterate.js';

interface Stemmer { stem(word: string): string }
// The Snowball stemmers (0.9 MB of code) are loaded when the search index is first built, not at start.
let stemmers: { russian: Stemmer; english: Stemmer } | undefined;
function snowball() {
  if (!stemmers) {
    const { newStemmer } = createRequire(import.meta.url)('snowball-stemmers') as { newStemmer(language: string): Stemmer };
    stemmers = { russian: newStemmer('russian'), english: newStemmer('english') };
  }
  return stemmers;
}

// No Snowball stemmer exists for Uzbek or Karakalpak; these are their commonest
// inflectional endings (plural, possessive, case), longest first. Only inflection is
// cut, so `haydovchilik` stays a word of its own.
const TURKIC_SUFFIXES = [
  'larning', 'lardan', 'larini', 'larida', 'larga', 'larda', 'larni', 'lari', 'ning', 'niki', 'dagi',
  'imiz', 'ingiz', 'lar', 'ler', 'dan', 'den', 'tan', 'ten', 'nin', 'niń', 'ni', 'ga', 'ka', 'qa', 'ge', 'ke',
  'da', 'ta', 'de', 'te', 'si', 'im', 'ing', 'i', 'in', 'nı', 'di', 'ti', 'ın',
].map(fold).sort((a, b) => b.length - a.length);

// Endings stack (`guvohnoma-si-ni`), so two are taken off at most.
function turkicStem(word: string, passes = 2): string {
  for (const suffix of TURKIC_SUFFIXES) {
    if (word.length - suffix.length >= 4 && word.endsWith(suffix)) {
      const stem = word.slice(0, -suffix.length);
      return passes > 1 ? turkicStem(stem, passes - 1) : stem;
    }
  }
  return word;
}

const STOP = new Set(['va', 'uchun', 'bilan', 'ham', 'hamda', 'yoki', 'the', 'of', 'for', 'and', 'to', 'a', 'an', 'in', 'on', 'и', 'в', 'на', 'по', 'для', 'с', 'о', 'hám', 'ushın', 'menen'].map(fold));

/**
 * The forms a word is indexed and searched under: as written (folded to Latin) and
 * its stems, so that `pasportlar`, `паспорта` and `passports` meet `pasport`.
 * Returns nothing for stop words.
 */
export function termVariants(word: string): string[] {
  let variants = cache.get(word);
  if (!variants) {
    // The catalog repeats its words (agency and sphere names on every service): stemming
    // each once makes building the index several times faster.
    if (cache.size >= 100_000) cache.clear();
    variants = computeVariants(word);
    cache.set(word, variants);
  }
  return variants;
}

const cache = new Map<string, string[]>();

function computeVariants(word: string): string[] {
  const folded = fold(word);
  if (folded.length === 0 || STOP.has(folded)) return [];
  const variants = new Set([folded]);
  if (hasCyrillic(word)) variants.add(fold(snowball().russian.stem(word.toLowerCase())));
  else variants.add(snowball().english.stem(folded));
  variants.add(turkicStem(folded));
  return [...variants].filter((v) => v.length > 0);
}
