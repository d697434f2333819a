import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Type, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { LOCALES, type LocalText } from '../platform/index.js';

/** A data file (workflow definition or calendar) that cannot be used, with every problem found in it. */
export class DataFileError extends Error {
  constructor(readonly problems: { file: string; line: number; message: string }[]) {
    super(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
    this.name = 'DataFileError';
  }
}

/** A text in each of the five locales. */
export const LocalTextSchema = Type.Unsafe<LocalText>(Type.Object(
  Object.fromEntries(LOCALES.map((l) => [l, Type.String({ minLength: 1, maxLength: 500 })])),
  { additionalProperties: false },
));

/**
 * A YAML file read and checked against its schema. `problem(path, message)` records a
 * further (semantic) problem at the line of `path`; `check()` throws them all at once.
 */
export class YamlFile<T> {
  readonly name: string;
  readonly data: T;
  private readonly problems: { file: string; line: number; message: string }[] = [];
  private readonly doc: Document | undefined;
  private readonly counter = new LineCounter();

  constructor(path: string, schema: TSchema) {
    this.name = relative(process.cwd(), path) || path;
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      this.problems.push({ file: this.name, line: 0, message: 'file is missing or unreadable' });
    }
    this.doc = parseDocument(text, { lineCounter: this.counter, uniqueKeys: true });
    for (const e of this.doc.errors) this.problems.push({ file: this.name, line: e.linePos?.[0].line ?? 0, message: `YAML: ${e.message.split('\n')[0]}` });
    this.data = (this.doc.errors.length === 0 ? this.doc.toJS() : undefined) as T;
    if (this.doc.errors.length === 0 && this.problems.length === 0) {
      const seen = new Set<string>();
      for (const e of Value.Errors(schema, this.data)) {
        const path = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
        const required = (e.params as { requiredProperties?: string[] }).requiredProperties;
        const where = path.join('.') || '(top)';
        // Unions report once per branch; one line per place is enough.
        if (seen.has(where)) continue;
        seen.add(where);
        this.problem(path, required ? `${where}: missing ${required.join(', ')}` : `${where}: ${e.message}`);
      }
    }
  }

  /** Whether the file parsed and matched its schema (semantic checks only make sense then). */
  get valid(): boolean { return this.problems.length === 0; }

  problem(path: (string | number)[], message: string): void {
    this.problems.push({ file: this.name, line: this.lineOf(path), message });
  }

  check(): T {
    if (this.problems.length > 0) throw new DataFileError(this.problems);
    return this.data;
  }

  private lineOf(path: (string | number)[]): number {
    if (!this.doc) return 0;
    // Sequences take "3" as an index, but a map key written as 2025 is the number 2025.
    const numeric = path.map((s) => (typeof s === 'string' && /^\d+$/.test(s) ? Number(s) : s));
    for (let n = path.length; n >= 0; n--) {
      for (const segments of [path.slice(0, n), numeric.slice(0, n)]) {
        const node = this.doc.getIn(segments, true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return this.counter.linePos(node.range[0]).line;
      }
    }
    return 1;
  }
}
