import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { districtById } from '../identity/index.js';
import { fromRoot, LOCALES, type LocalText } from '../platform/index.js';

/** demo/applications/services.yaml: which workflow each online service follows, the reasons officers pick from, the centres. */
export interface ApplicationsConfig {
  services: Map<string, { workflow: string }>;
  rejectReasons: { id: string; label: LocalText }[];
  centres: { id: string; region: string; district: string; name: LocalText }[];
}

export const CONFIG_FILE = fromRoot('demo', 'applications', 'services.yaml');

const isLocalText = (value: unknown): value is LocalText =>
  !!value && typeof value === 'object' && LOCALES.every((l) => typeof (value as Record<string, unknown>)[l] === 'string' && ((value as Record<string, string>)[l]!).trim() !== '');

/** Reads and checks the file; a mistake in it stops the start with the place named. */
export function readApplicationsConfig(file = CONFIG_FILE): ApplicationsConfig {
  const raw = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const fail = (what: string): never => { throw new Error(`${file}: ${what}`); };
  const services = new Map<string, { workflow: string }>();
  for (const [id, value] of Object.entries((raw.services ?? {}) as Record<string, { workflow?: unknown }>)) {
    if (typeof value?.workflow !== 'string' || !/^[a-z0-9-]+$/.test(value.workflow)) fail(`services.${id}: needs a workflow id`);
    services.set(id, { workflow: value.workflow as string });
  }
  const rejectReasons = ((raw['reject-reasons'] ?? []) as { id?: unknown; label?: unknown }[]).map((r, i) => {
    if (typeof r.id !== 'string' || !/^[a-z0-9-]+$/.test(r.id)) fail(`reject-reasons[${i}]: needs an id`);
    if (!isLocalText(r.label)) fail(`reject-reasons[${i}]: needs a label in ${LOCALES.join(', ')}`);
    return { id: r.id as string, label: r.label as LocalText };
  });
  if (rejectReasons.length === 0) fail('reject-reasons: at least one');
  const centres = ((raw.centres ?? []) as { id?: unknown; district?: unknown; name?: unknown }[]).map((c, i) => {
    const district = typeof c.district === 'string' ? districtById(c.district) : undefined;
    if (typeof c.id !== 'string' || !district) fail(`centres[${i}]: needs an id and a known district`);
    if (!isLocalText(c.name)) fail(`centres[${i}]: needs a name in ${LOCALES.join(', ')}`);
    return { id: c.id as string, region: district!.region, district: district!.id, name: c.name as LocalText };
  });
  return { services, rejectReasons, centres };
}
