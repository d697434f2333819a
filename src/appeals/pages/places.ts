// Regions and districts as the appeal pages name them, in the page's language.
import { latinToCyrillic } from '../../catalog/index.js';
import { districtById, type PlaceName } from '../../identity/index.js';
// identity's index does not list the regions with their districts; the selects need them all.
import { UZ_REGIONS } from '../../identity/index.js';
import type { Locale, Translate } from '../../platform/index.js';

export const REGION_IDS: readonly string[] = UZ_REGIONS.map((r) => r.id);

/** A place name (kept in uz, ru, en) in the page's language: Cyrillic Uzbek transliterated, Karakalpak as Uzbek Latin. */
export function placeName(name: PlaceName, l: Locale): string {
  return l === 'ru' ? name.ru : l === 'en' ? name.en : l === 'oz' ? latinToCyrillic(name.uz) : name.uz;
}

/** "Tashkent city, Yunusabad district", or a dash. */
export function placeLine(t: Translate, l: Locale, region: string | null, district: string | null): string {
  const d = district ? districtById(district) : undefined;
  return [region ? t(`region.${region}`) : undefined, d ? placeName(d.name, l) : district].filter(Boolean).join(', ') || '—';
}

/** The region select's options and the districts grouped by region, for the district select. */
export function placeOptions(t: Translate, l: Locale) {
  return UZ_REGIONS.map((r) => ({
    value: r.id as string, label: t(`region.${r.id}`),
    districts: r.districts.map((d) => ({ value: d.id, label: placeName(d.name, l) })),
  }));
}
