// The map of Uzbekistan on the appeal pages: an inline SVG drawn from the country outline,
// where a click sets the point (assets/appeals-map.js; CSP allows no inline script). The
// number inputs beside it are the way without a mouse or without JavaScript.
import type { Translate } from '../../platform/index.js';
import { UZBEKISTAN } from '../geo.js';

// An equirectangular projection at Uzbekistan's middle latitude (41.4°): x grows with the
// longitude, y falls with the latitude; 100 units per degree of latitude.
const LON0 = 55.9, LAT1 = 45.7, KY = 100, KX = Math.round(100 * Math.cos((41.4 * Math.PI) / 180) * 100) / 100;
const WIDTH = Math.round((73.3 - LON0) * KX), HEIGHT = Math.round((LAT1 - 37.1) * KY);

export const project = (lon: number, lat: number): [number, number] => [Math.round((lon - LON0) * KX * 10) / 10, Math.round((LAT1 - lat) * KY * 10) / 10];
export const unproject = (x: number, y: number): [number, number] => [LON0 + x / KX, LAT1 - y / KY];

const PATH = `M${UZBEKISTAN.map(([lon, lat]) => project(lon, lat).join(' ')).join('L')}Z`;

/**
 * The map with the point, if any. `pick` makes it the input of the new-appeal form (the
 * script finds it by its id and fills `#lat` and `#lon`); without it the map only shows.
 */
export function AppealMap({ t, lat, lon, pick = false }: { t: Translate; lat?: number | null; lon?: number | null; pick?: boolean }) {
  const point = typeof lat === 'number' && typeof lon === 'number' ? project(lon, lat) : undefined;
  return (
    <figure class="appeal-map">
      <svg {...({ id: pick ? 'appeal-map' : undefined, 'data-lon0': LON0, 'data-lat1': LAT1, 'data-kx': KX, 'data-ky': KY } as Record<string, unknown>)}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={point ? t('appeals.ui.map.with-point') : t('appeals.ui.map.label')}
        class={pick ? 'appeal-map__svg appeal-map__svg--pick' : 'appeal-map__svg'}>
        <path d={PATH} class="appeal-map__land" />
        <circle id={pick ? 'appeal-map-point' : undefined} class="appeal-map__point" r="12" cx={point?.[0] ?? 0} cy={point?.[1] ?? 0} visibility={point ? 'visible' : 'hidden'} />
      </svg>
      <figcaption class="field__hint">{pick ? t('appeals.ui.map.hint') : t('appeals.ui.map.caption')}</figcaption>
    </figure>
  );
}
