import { readFile, readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { Value } from 'typebox/value';
import type { TSchema } from 'typebox';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { enqueue, type Db } from '../platform/index.js';
import { AgenciesFile, BhmFile, ServicesFile, SpheresFile } from './catalog.schemas.js';
import { bumpRevision, saveCatalog } from './catalog.store.js';
import type { Agency, BhmRate, Service, Sphere } from './catalog.types.js';

export interface ImportProblem { file: string; line: number; message: string }

/** A catalog directory that cannot be imported, with every problem found in it. */
export class CatalogImportError extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super(`The catalog was not imported: ${problems.length} problem(s)\n${problems.map(formatProblem).join('\n')}`);
  }
}

export const formatProblem = (p: ImportProblem) => `${p.file}:${p.line}: ${p.message}`;

export interface Catalog { spheres: Sphere[]; agencies: Agency[]; services: Service[]; bhm: BhmRate[] }

interface Parsed<T> { file: string; data: T; lineOf: (path: (string | number)[]) => number }

/** Parses one YAML file and checks it against its schema, noting each problem's line. */
async function parseFile<T>(path: string, schema: TSchema, problems: ImportProblem[]): Promise<Parsed<T> | undefined> {
  const file = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    problems.push({ file, line: 0, message: 'file is missing or unreadable' });
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push({ file, line: e.linePos?.[0].line ?? 0, message: `YAML: ${e.message.split('\n')[0]}` });
    return undefined;
  }
  const lineOf = (segments: (string | number)[]) => nodeLine(doc, lineCounter, segments);
  const data = doc.toJS();
  const errors = [...Value.Errors(schema, data)];
  const seen = new Set<string>();
  for (const e of errors) {
    const segments = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const required = (e.params as { requiredProperties?: string[] }).requiredProperties;
    const where = describePath(data, segments);
    const message = required ? `${where}: missing ${required.join(', ')}` : `${where}: ${e.message}`;
    // Unions report once per branch; one line per place is enough.
    if (seen.has(where)) continue;
    seen.add(where);
    problems.push({ file, line: lineOf(segments), message });
  }
  return errors.length > 0 ? undefined : { file, data: data as T, lineOf };
}

function nodeLine(doc: Document, counter: LineCounter, segments: (string | number)[]): number {
  for (let n = segments.length; n >= 0; n--) {
    const node = doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return counter.linePos(node.range[0]).line;
  }
  return 1;
}

// `services[3] (birth-registration).name.kaa`: readable, and findable in the file.
function describePath(data: unknown, segments: (string | number)[]): string {
  let node = data as Record<string | number, unknown> | undefined;
  let out = '';
  for (const s of segments) {
    node = node?.[s] as Record<string | number, unknown> | undefined;
    if (typeof s === 'number') {
      out += `[${s}]`;
      const id = (node as { id?: unknown } | undefined)?.id;
      if (typeof id === 'string') out += ` (${id})`;
    } else {
      out += out ? `.${s}` : s;
    }
  }
  return out || '(file)';
}

/**
 * Reads and checks a catalog directory (see docs/catalog-format.md) without writing
 * anything. Throws CatalogImportError listing every problem with file and line.
 */
export async function readCatalog(dir: string): Promise<Catalog> {
  const problems: ImportProblem[] = [];
  const spheresFile = await parseFile<SpheresFile>(join(dir, 'spheres.yaml'), SpheresFile, problems);
  const agenciesFile = await parseFile<AgenciesFile>(join(dir, 'agencies.yaml'), AgenciesFile, problems);
  const bhmFile = await parseFile<BhmFile>(join(dir, 'bhm.yaml'), BhmFile, problems);
  const serviceFiles: Parsed<ServicesFile>[] = [];
  let names: string[] = [];
  try {
    names = (await readdir(join(dir, 'services'))).filter((f) => f.endsWith('.yaml')).sort();
  } catch {
    problems.push({ file: join(dir, 'services'), line: 0, message: 'directory is missing' });
  }
  for (const name of names) {
    const parsed = await parseFile<ServicesFile>(join(dir, 'services', name), ServicesFile, problems);
    if (parsed) serviceFiles.push(parsed);
  }
  if (problems.length > 0 || !spheresFile || !agenciesFile || !bhmFile) throw new CatalogImportError(problems);

  const unique = <T extends { id: string }>(parsed: Parsed<T[]>, what: string) => {
    const ids = new Set<string>();
    parsed.data.forEach((item, i) => {
      if (ids.has(item.id)) problems.push({ file: parsed.file, line: parsed.lineOf([i, 'id']), message: `${what} id ${item.id} is used twice` });
      ids.add(item.id);
    });
    return ids;
  };
  const sphereIds = unique(spheresFile, 'sphere');
  const agencyIds = unique(agenciesFile, 'agency');
  agenciesFile.data.forEach((a, i) => {
    if (a.parent && !agencyIds.has(a.parent)) problems.push({ file: agenciesFile.file, line: agenciesFile.lineOf([i, 'parent']), message: `agencies[${i}] (${a.id}).parent: no agency ${a.parent}` });
  });

  const services: Service[] = [];
  const serviceIds = new Map<string, string>();
  for (const parsed of serviceFiles) {
    const { sphere } = parsed.data;
    if (!sphereIds.has(sphere)) problems.push({ file: parsed.file, line: parsed.lineOf(['sphere']), message: `sphere: no sphere ${sphere}` });
    if (basename(parsed.file, '.yaml') !== sphere) problems.push({ file: parsed.file, line: parsed.lineOf(['sphere']), message: `sphere: ${sphere} does not match the file name` });
    parsed.data.services.forEach((s, i) => {
      const at = (key: string) => parsed.lineOf(['services', i, key]);
      if (serviceIds.has(s.id)) problems.push({ file: parsed.file, line: at('id'), message: `services[${i}]: id ${s.id} is also used in ${serviceIds.get(s.id)}` });
      serviceIds.set(s.id, parsed.file);
      if (!agencyIds.has(s.agency)) problems.push({ file: parsed.file, line: at('agency'), message: `services[${i}] (${s.id}).agency: no agency ${s.agency}` });
      services.push({
        id: s.id, sphereId: sphere, agencyId: s.agency, type: s.type, audience: s.audience, channels: s.channels,
        feeBhm: s.fee_bhm, onlineDiscount: s.online_discount ?? 10, term: s.term, popularity: s.popularity,
        name: s.name, summary: s.summary, keywords: s.keywords ?? null, documents: s.documents, result: s.result,
        steps: s.steps, legalBasis: s.legal_basis,
      } as Service);
    });
  }
  if (problems.length > 0) throw new CatalogImportError(problems);

  return {
    // The schemas checked every field above; TypeBox's static types are only looser.
    spheres: spheresFile.data as Sphere[],
    agencies: agenciesFile.data.map(({ parent, website, ...a }) => ({ ...a, parentId: parent ?? null, website: website ?? null }) as Agency),
    services,
    bhm: bhmFile.data.map((b) => ({ validFrom: b.valid_from, amountTiyin: b.amount_sum * 100, legalBasis: b.legal_basis }) as BhmRate),
  };
}

/**
 * Imports a checked catalog in one transaction, with a `catalog.changed` event: either
 * all of it lands or none of it.
 */
export async function importCatalog(db: Db, dir: string): Promise<{ spheres: number; agencies: number; services: number; withdrawn: number; revision: number }> {
  const catalog = await readCatalog(dir);
  return db.transaction().execute(async (trx) => {
    const { withdrawn } = await saveCatalog(trx, catalog);
    const revision = await bumpRevision(trx);
    await enqueue(trx, 'catalog.changed', { revision });
    return { spheres: catalog.spheres.length, agencies: catalog.agencies.length, services: catalog.services.length, withdrawn, revision };
  });
}
