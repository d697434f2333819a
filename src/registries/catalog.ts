// The demo's registries as the exchange's central configuration sees them: members,
// subsystems, services with an OpenAPI 3.1 description each (derived from the TypeBox
// schemas the server validates with), and which client subsystems may call what.
import type { TObject, TSchema } from 'typebox';
import { ErrorSchema, type RegistryDef, type ServiceDef } from './service.js';
import { businessRegistryDef } from './services/business.js';
import { cadastreRegistry } from './services/cadastre.js';
import { civilRegistry } from './services/civil.js';
import { enforcementRegistry } from './services/enforcement.js';
import { kindergartenRegistry } from './services/kindergartens.js';
import { pensionRegistry } from './services/pension.js';
import { populationRegistry } from './services/population.js';
import { taxRegistry } from './services/tax.js';
import { trafficRegistry } from './services/traffic.js';
import { gasRegistry, powerRegistry, waterRegistry } from './services/utilities.js';

/** The portal's own client subsystem: the digital technologies ministry's `portal`. */
export const PORTAL_CLIENT = 'GOV/digital-technologies/portal';

export const REGISTRY_DEFS: RegistryDef[] = [
  civilRegistry, populationRegistry, taxRegistry, cadastreRegistry, trafficRegistry, enforcementRegistry, pensionRegistry,
  gasRegistry, powerRegistry, waterRegistry, kindergartenRegistry, businessRegistryDef,
];

/**
 * Who may call what besides the portal (which may call every service): agencies that need
 * another's data for their own work, as the demo grants it.
 */
const GRANTS: Record<string, Record<string, string[]>> = {
  'civil-registry/fhdyo': {
    'GOV/preschool-school/bogcha': ['birth-record', 'births'], 'GOV/pension-fund/pensiya': ['birth-record', 'marriages'],
    'GOV/migration/aholi': ['birth-record'],
  },
  'migration/aholi': {
    'GOV/tax-committee/soliq': ['population'], 'GOV/enforcement-bureau/mib': ['population', 'residence'],
    'GOV/cadastre/kadastr': ['population'], 'GOV/road-safety/yhxx': ['population'], 'GOV/preschool-school/bogcha': ['population'],
  },
  'tax-committee/soliq': { 'GOV/enforcement-bureau/mib': ['taxpayer', 'taxpayer-debts'], 'GOV/public-services/biznes': ['taxpayer'] },
  'cadastre/kadastr': { 'GOV/enforcement-bureau/mib': ['property'], 'GOV/tax-committee/soliq': ['property', 'property-object'] },
  'road-safety/yhxx': { 'GOV/enforcement-bureau/mib': ['vehicles', 'fines', 'fine'] },
  'enforcement-bureau/mib': { 'GOV/migration/aholi': ['travel-ban'] },
  'pension-fund/pensiya': { 'GOV/tax-committee/soliq': ['salary-records'] },
  'hududgaz/gaz': { 'GOV/enforcement-bureau/mib': ['accounts'] },
  'electricity/elektr': { 'GOV/enforcement-bureau/mib': ['accounts'] },
  'water-supply/suv': { 'GOV/enforcement-bureau/mib': ['accounts'] },
  'public-services/biznes': {
    'GOV/tax-committee/soliq': ['company', 'companies'], 'GOV/cadastre/kadastr': ['company'], 'GOV/pension-fund/pensiya': ['company'],
  },
};

export function accessOf(r: RegistryDef): { client: string; services: string[] }[] {
  const others = GRANTS[`${r.member.code}/${r.subsystem}`] ?? {};
  return [{ client: PORTAL_CLIENT, services: r.services.map((s) => s.code) }, ...Object.entries(others).map(([client, services]) => ({ client, services }))];
}

const plain = <T>(schema: T): T => JSON.parse(JSON.stringify(schema)) as T;
const camel = (code: string) => code.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** OpenAPI parameters from a TypeBox object, with the example call's values. */
function parameters(where: 'path' | 'query', schema: TObject | undefined, example: Record<string, string>) {
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = plain(property as TSchema & { description?: string });
    return {
      name, in: where, required: where === 'path' || (schema!.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest,
      ...(example[name] !== undefined ? { example: example[name] } : {}),
    };
  });
}

/** The OpenAPI 3.1 document of one service alone, paths relative to the service's root. */
export function openapiOf(r: RegistryDef, s: ServiceDef): Record<string, unknown> {
  const json = (schema: TSchema, description: string) => ({ description, content: { 'application/json': { schema: plain(schema) } } });
  const pathExample: Record<string, string> = {};
  const names = [...s.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  if (names.length === 1) pathExample[names[0]] = decodeURIComponent(s.example.path.slice(1));
  const queryExample = Object.fromEntries(new URLSearchParams(s.example.query));
  return {
    openapi: '3.1.0',
    info: { title: `${s.title.en} — ${r.title.en}`, version: '1.0.0', description: s.description },
    paths: {
      [s.path || '/']: {
        [s.method.toLowerCase()]: {
          operationId: camel(s.code), summary: s.title.en, description: s.description,
          parameters: [...parameters('path', s.params, pathExample), ...parameters('query', s.query, queryExample)],
          responses: {
            200: json(s.response, 'The answer'),
            400: json(ErrorSchema, 'A parameter is missing or invalid (e.g. a PINFL whose check digit does not match)'),
            ...(s.notFound ? { 404: json(ErrorSchema, `Not found: ${s.notFound}`) } : {}),
            503: json(ErrorSchema, 'The registry is unavailable'),
          },
        },
      },
    },
  };
}
