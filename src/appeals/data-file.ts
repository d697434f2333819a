// The registry's data files (topics, terms): YAML checked against a schema on load, every
// problem reported at once with file, line and path, as the workflow module's files are.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { LineCounter, parseDocument } from 'yaml';
import { DataFileError } from '../workflow/index.js';

export { DataFileError };

export interface DataFile<T> {
  data: T;
  /** Records a semantic problem at `path` (e.g. ['3', 'agency']). */
  problem(path: (string | number)[], message: string): void;
  /** Throws every problem found, or gives the data. */
  check(): T;
}

/** Reads `path`, checks it against `schema`; semantic checks go through `problem` before `check()`. */
export function readDataFile<T>(path: string, schema: TSchema): DataFile<T> {
  const file = relative(process.cwd(), path) || path;
  const problems: { file: string; line: number; message: string }[] = [];
  let text = '';
  try { text = readFileSync(path, 'utf8'); } catch { problems.push({ file, line: 0, message: 'file is missing or unreadable' }); }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  for (const e of doc.errors) problems.push({ file, line: e.linePos?.[0].line ?? 0, message: `YAML: ${e.message.split('\n')[0]}` });
  const data = (doc.errors.length === 0 ? doc.toJS() : undefined) as T;
  const lineOf = (path: (string | number)[]) => {
    const keys = path.map((s) => (typeof s === 'string' && /^\d+$/.test(s) ? Number(s) : s));
    for (let n = keys.length; n >= 0; n--) {
      const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return counter.linePos(node.range[0]).line;
    }
    return 1;
  };
  const problem = (path: (string | number)[], message: string) => problems.push({ file, line: lineOf(path), message: `${path.join('.') || '(top)'}: ${message}` });
  if (problems.length === 0) {
    const seen = new Set<string>();
    for (const e of Value.Errors(schema, data)) {
      const at = e.instancePath.split('/').slice(1);
      const where = at.join('.');
      if (seen.has(where)) continue; // a union reports once per branch
      seen.add(where);
      const required = (e.params as { requiredProperties?: string[] }).requiredProperties;
      problem(at, required ? `missing ${required.join(', ')}` : e.message);
    }
  }
  return {
    data, problem,
    check() { if (problems.length > 0) throw new DataFileError(problems); return data; },
  };
}
