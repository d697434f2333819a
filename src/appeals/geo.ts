// Where an appeal is: whether a point lies in Uzbekistan, and the district it is nearest to.
// Both are APPROXIMATE on purpose: the outline is simplified to ~60 vertices (border areas
// may be wrong by a few kilometres either way) and each district is one centre point
// (its administrative centre, to about a kilometre or two), so the nearest centre is a
// good guess at the district, not a cadastral answer. Coordinates are WGS 84, [lon, lat].
import { districtById, type RegionId } from '../identity/index.js';

/** Uzbekistan's border, simplified, clockwise from the south-west corner of the Ustyurt plateau. */
export const UZBEKISTAN: readonly [number, number][] = [
  [56.00, 41.32], [56.00, 45.00], [58.57, 45.59], [59.60, 45.00], [61.10, 44.25], [62.10, 43.50], [64.00, 43.65],
  [64.90, 43.72], [65.55, 43.30], [66.10, 42.95], [66.60, 42.20], [67.90, 41.15], [68.35, 40.90], [68.55, 41.05],
  [69.05, 41.25], [69.20, 41.45], [69.60, 41.60], [70.10, 42.10], [70.50, 42.05], [71.10, 41.75], [71.30, 41.50],
  [71.80, 41.45], [72.20, 41.10], [72.60, 40.95], [73.15, 40.80], [72.95, 40.70], [72.70, 40.50], [72.30, 40.30],
  [71.60, 40.15], [71.40, 40.10], [71.15, 39.85], [70.90, 39.95], [70.60, 40.20], [70.45, 40.30], [70.55, 40.75],
  [70.10, 40.80], [69.70, 40.55], [69.40, 40.25], [69.30, 40.05], [68.90, 40.05], [68.60, 39.55], [68.00, 39.60],
  [67.50, 39.35], [67.40, 39.00], [67.85, 38.90], [68.10, 38.55], [68.30, 38.00], [67.80, 37.20], [67.30, 37.15],
  [66.55, 37.35], [66.45, 37.85], [66.10, 38.10], [65.55, 38.25], [64.70, 38.90], [64.10, 39.10], [63.50, 39.35],
  [62.50, 40.30], [61.70, 40.90], [61.00, 41.05], [60.10, 41.20], [60.10, 41.95], [59.60, 42.25], [59.00, 42.35],
  [58.30, 42.60], [57.60, 41.95], [57.00, 41.30],
];

/** Whether the point lies inside the polygon (even-odd ray casting). */
export function inPolygon(lon: number, lat: number, polygon: readonly [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!, [xj, yj] = polygon[j]!;
    if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export const inUzbekistan = (lat: number, lon: number) => inPolygon(lon, lat, UZBEKISTAN);

// Each district's administrative centre: "id lon lat", approximate (see the top of the file).
const CENTRES = `
bektemir 69.33 41.21|chilonzor 69.20 41.28|mirobod 69.28 41.29|mirzo-ulugbek 69.33 41.33|olmazor 69.22 41.35|sergeli 69.22 41.22
shayxontohur 69.24 41.32|uchtepa 69.17 41.29|yakkasaroy 69.26 41.28|yangihayot 69.20 41.20|yashnobod 69.35 41.29|yunusobod 69.29 41.37
bekobod 69.10 40.30|boka 69.20 40.81|bostonliq 69.77 41.56|chinoz 68.77 40.94|ohangaron 69.70 40.95|oqqorgon 69.05 40.87
parkent 69.68 41.29|piskent 69.35 40.90|qibray 69.46 41.39|quyi-chirchiq 69.10 40.95|toshkent 69.20 41.42|orta-chirchiq 69.45 41.10
yangiyol 69.00 41.15|yuqori-chirchiq 69.50 41.20|zangiota 69.12 41.22|nurafshon-city 69.36 41.04|olmaliq-city 69.60 40.85
angren-city 70.14 41.02|bekobod-city 69.22 40.22|chirchiq-city 69.58 41.47|ohangaron-city 69.64 40.91|yangiyol-city 69.05 41.11
oqoltin 68.05 40.60|boyovut 68.93 40.38|guliston 68.75 40.45|xovos 68.83 40.22|mirzaobod 68.55 40.55|sardoba 68.20 40.35
sayxunobod 68.70 40.65|sirdaryo 68.70 40.85|guliston-city 68.78 40.49|shirin-city 69.07 40.22|yangiyer-city 68.82 40.27
arnasoy 67.90 40.55|baxmal 67.93 39.78|dostlik 68.05 40.52|forish 66.85 40.55|gallaorol 67.59 40.02|sharof-rashidov 67.95 40.15
mirzachol 68.20 40.65|paxtakor 67.95 40.32|yangiobod 68.70 39.85|zomin 68.40 39.96|zafarobod 68.40 40.40|zarbdor 68.17 40.07
jizzax-city 67.84 40.12
bulungur 67.27 39.76|ishtixon 66.48 39.97|jomboy 67.09 39.70|kattaqorgon 66.30 39.95|qoshrabot 66.55 40.25|narpay 65.93 39.92
nurobod 66.28 39.60|oqdaryo 66.80 39.83|paxtachi 65.70 40.05|payariq 66.92 39.98|pastdargom 66.66 39.71|samarqand 66.90 39.58
toyloq 67.15 39.60|urgut 67.24 39.40|samarqand-city 66.96 39.65|kattaqorgon-city 66.26 39.90
oltiariq 71.47 40.40|bagdod 71.20 40.45|beshariq 70.60 40.44|buvayda 71.05 40.62|dangara 70.92 40.58|fargona 71.75 40.25
furqat 70.70 40.55|qoshtepa 71.55 40.58|quva 72.07 40.52|rishton 71.28 40.36|sox 71.13 39.96|toshloq 71.77 40.48
uchkoprik 71.05 40.53|ozbekiston 70.82 40.37|yozyovon 71.70 40.65|fargona-city 71.78 40.38|qoqon-city 70.94 40.53
margilon-city 71.72 40.47|quvasoy-city 71.98 40.30
chortoq 71.82 41.07|chust 71.24 41.00|kosonsoy 71.55 41.25|mingbuloq 71.35 40.78|namangan 71.60 40.95|norin 72.00 40.90
pop 71.11 40.87|toraqorgon 71.52 41.00|uchqorgon 72.07 41.12|uychi 71.93 41.08|yangiqorgon 71.73 41.19|namangan-city 71.67 41.00
andijon 72.32 40.85|asaka 72.24 40.64|baliqchi 71.87 40.87|boston 72.00 40.70|buloqboshi 72.50 40.62|izboskan 72.24 40.89
jalaquduq 72.62 40.72|xojaobod 72.56 40.66|qorgontepa 72.76 40.73|marhamat 72.33 40.50|oltinkol 72.14 40.80|paxtaobod 72.50 40.93
shahrixon 72.06 40.71|ulugnor 71.75 40.78|andijon-city 72.34 40.78|xonobod-city 72.93 40.80
chiroqchi 66.57 39.03|dehqonobod 66.45 38.35|guzor 66.25 38.62|kasbi 65.40 38.95|kitob 66.88 39.12|koson 65.58 39.04
kokdala 66.10 38.90|mirishkor 65.10 38.80|muborak 65.15 39.26|nishon 65.67 38.63|qamashi 66.45 38.82|qarshi 65.70 38.85
shahrisabz 66.90 39.00|yakkabog 66.68 38.97|qarshi-city 65.79 38.86|shahrisabz-city 66.83 39.06
angor 67.15 37.45|bandixon 67.45 37.80|boysun 67.20 38.21|denov 67.90 38.27|jarqorgon 67.42 37.51|qiziriq 67.25 37.65
qumqorgon 67.58 37.83|muzrabot 67.00 37.55|oltinsoy 67.65 38.10|sariosiyo 67.95 38.41|sherobod 67.00 37.67|shorchi 67.78 38.00
termiz 67.35 37.30|uzun 68.00 38.37|termiz-city 67.28 37.23
olot 63.80 39.42|buxoro 64.45 39.85|gijduvon 64.68 40.10|jondor 64.20 39.75|kogon 64.60 39.65|qorakol 63.85 39.50
qorovulbozor 64.80 39.50|peshku 64.05 40.15|romitan 64.38 39.93|shofirkon 64.50 40.12|vobkent 64.52 40.03|buxoro-city 64.42 39.77
kogon-city 64.55 39.72
konimex 65.15 40.27|karmana 65.36 40.14|qiziltepa 64.85 40.03|xatirchi 65.95 40.05|navbahor 65.30 40.30|nurota 65.68 40.56
tomdi 64.60 42.10|uchquduq 63.55 42.16|navoiy-city 65.38 40.10|zarafshon-city 64.20 41.57|gozgon-city 65.48 40.58
bogot 60.82 41.35|gurlan 60.40 41.85|hazorasp 61.07 41.32|xiva 60.30 41.35|xonqa 60.87 41.47|qoshkopir 60.35 41.53
shovot 60.30 41.65|tuproqqala 61.35 41.12|urganch 60.55 41.60|yangiariq 60.57 41.35|yangibozor 60.60 41.72|urganch-city 60.63 41.55
xiva-city 60.36 41.38
amudaryo 60.06 42.12|beruniy 60.75 41.69|bozatov 58.70 43.20|chimboy 59.78 42.94|ellikqala 61.20 41.90|kegeyli 59.61 42.78
moynoq 59.02 43.77|nukus 59.85 42.60|qanlikol 59.00 42.83|qongirot 58.90 43.05|qoraozak 60.05 43.05|shumanay 58.92 42.63
taxtakopir 60.28 43.02|tortkol 61.00 41.55|xojayli 59.45 42.40|taxiatosh 59.57 42.32|nukus-city 59.61 42.46`;

export interface DistrictCentre { id: string; region: RegionId; lon: number; lat: number }

export const DISTRICT_CENTRES: readonly DistrictCentre[] = CENTRES.trim().split(/[|\n]/).map((entry) => {
  const [id, lon, lat] = entry.trim().split(' ') as [string, string, string];
  const district = districtById(id);
  if (!district) throw new Error(`geo.ts: no district "${id}" in identity's regions`);
  return { id, region: district.region, lon: Number(lon), lat: Number(lat) };
});

/** The district whose centre is nearest to the point (equirectangular distance: fine at this scale). */
export function nearestDistrict(lat: number, lon: number): DistrictCentre {
  const k = Math.cos((lat * Math.PI) / 180);
  let best = DISTRICT_CENTRES[0]!, bestD = Infinity;
  for (const c of DISTRICT_CENTRES) {
    const d = ((c.lon - lon) * k) ** 2 + (c.lat - lat) ** 2;
    if (d < bestD) { best = c; bestD = d; }
  }
  return best;
}
