// The classifier of appeals (demo/appeals/topics.yaml): topics per sphere, each local (the
// district administration answers) or of one agency.
import { Type } from 'typebox';
import { fromRoot, LOCALES, type LocalText } from '../platform/index.js';
import { readDataFile } from './data-file.js';
import type { Topic } from './types.js';

export const TOPICS_FILE = fromRoot('demo', 'appeals', 'topics.yaml');

const Text = Type.Object(Object.fromEntries(LOCALES.map((l) => [l, Type.String({ minLength: 1, maxLength: 200 })])), { additionalProperties: false });
const TopicsSchema = Type.Array(Type.Object({
  id: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 60 }),
  sphere: Type.String({ minLength: 1 }),
  local: Type.Optional(Type.Boolean()),
  agency: Type.Optional(Type.String({ minLength: 1 })),
  name: Text,
  keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 60 }))),
}, { additionalProperties: false }), { minItems: 1 });

interface TopicRow { id: string; sphere: string; local?: boolean; agency?: string; name: LocalText; keywords?: string[] }

/**
 * Reads and checks the classifier. With the catalog's sphere and agency ids, each topic's
 * sphere and agency must exist; a topic is local or names an agency, never both.
 */
export function readTopics(path = TOPICS_FILE, known?: { spheres: string[]; agencies: string[] }): Topic[] {
  const file = readDataFile<TopicRow[]>(path, TopicsSchema);
  const rows = file.check();
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    if (seen.has(row.id)) file.problem([i, 'id'], `topic "${row.id}" is defined twice`);
    seen.add(row.id);
    if (!row.local === !row.agency) file.problem([i], 'a topic is either `local: true` or has an `agency`, not both and not neither');
    if (known && !known.spheres.includes(row.sphere)) file.problem([i, 'sphere'], `no sphere "${row.sphere}" in the catalog`);
    if (known && row.agency && !known.agencies.includes(row.agency)) file.problem([i, 'agency'], `no agency "${row.agency}" in the catalog`);
  });
  file.check();
  return rows.map((r) => ({
    id: r.id, sphereId: r.sphere, local: r.local === true, ...(r.agency ? { agencyId: r.agency } : {}), name: r.name,
    ...(r.keywords ? { keywords: r.keywords } : {}),
  }));
}
