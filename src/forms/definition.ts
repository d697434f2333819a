// Reading a form definition from YAML: its shape (TypeBox), then the rules that tie the
// JSON Schema of the answers to the fields, conditions, prefill and files. Every problem
// comes with its file and line, as the catalog import reports them.
import { readFile, readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { Type, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { LOCALES } from '../platform/index.js';
import { compileSchema } from './validate.js';
import type { FormDefinition, FormField } from './forms.types.js';

export interface DefinitionProblem { file: string; line: number; message: string }

/** A form definition that cannot be used, with every problem found in it. */
export class FormDefinitionError extends Error {
  constructor(readonly problems: DefinitionProblem[]) {
    super(`The form definition is not valid: ${problems.length} problem(s)\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'FormDefinitionError';
  }
}

export const formatProblem = (p: DefinitionProblem) => `${p.file}:${p.line}: ${p.message}`;

/** Step ids that are parts of the form's addresses. */
export const RESERVED_STEPS = new Set(['check', 'files', 'prefill', 'delete', 'submit', 'apply']);
/** Largest file a form may accept (the multipart plugin's own limit is 10 MB). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Largest definition accepted, in characters. */
export const MAX_SOURCE = 512 * 1024;

const Text = Type.String({ minLength: 1, maxLength: 2000 });
const LocalTextFile = Type.Object(Object.fromEntries(LOCALES.map((l) => [l, Text])), { additionalProperties: false });
const Pointer = Type.String({ pattern: '^(/[^/]*)*$', maxLength: 300 });
const FieldName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' });
const WIDGETS = ['text', 'textarea', 'date', 'select', 'radio', 'checkbox', 'file', 'number', 'phone', 'email'] as const;
const MIME = Type.String({ pattern: '^[a-z]+/[a-z0-9.+-]+$', maxLength: 100 });

const FieldFile = Type.Object({
  name: FieldName,
  widget: Type.Enum([...WIDGETS]),
  label: LocalTextFile,
  help: Type.Optional(LocalTextFile),
  options: Type.Optional(Type.Array(Type.Object({ value: Type.String({ minLength: 1, maxLength: 100 }), label: LocalTextFile }, { additionalProperties: false }), { minItems: 1, maxItems: 200 })),
  when: Type.Optional(Type.Object({ field: FieldName, equals: Type.Union([Type.String({ maxLength: 100 }), Type.Boolean()]) }, { additionalProperties: false })),
  prefill: Type.Optional(Type.Object({
    service: Type.String({ pattern: '^GOV/[a-z0-9-]+/[a-z0-9-]+/[a-z0-9-]+$', maxLength: 200 }),
    path: Type.Optional(Type.String({ pattern: '^(/[A-Za-z0-9$._-]+)*$', maxLength: 200 })),
    query: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 200 }))),
    pointer: Pointer,
    editable: Type.Boolean(),
    display: Type.Optional(Pointer),
    list: Type.Optional(Type.Object({ value: Pointer, label: Type.Array(Pointer, { minItems: 1, maxItems: 5 }) }, { additionalProperties: false })),
  }, { additionalProperties: false })),
  file: Type.Optional(Type.Object({
    types: Type.Array(MIME, { minItems: 1, maxItems: 10 }),
    maxBytes: Type.Integer({ minimum: 1, maximum: MAX_FILE_BYTES }),
  }, { additionalProperties: false })),
  errors: Type.Optional(Type.Record(Type.String(), LocalTextFile)),
  display: Type.Optional(Type.Literal('money')),
}, { additionalProperties: false });

const FormFile = Type.Object({
  serviceId: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 80 }),
  version: Type.Integer({ minimum: 1, maximum: 100000 }),
  applicant: Type.Optional(Type.Enum(['person', 'business'])),
  schema: Type.Object({ type: Type.Literal('object') }),
  steps: Type.Array(Type.Object({
    id: Type.String({ pattern: '^[a-z][a-z0-9-]{0,39}$' }),
    title: LocalTextFile,
    fields: Type.Array(FieldFile, { minItems: 1, maxItems: 40 }),
  }, { additionalProperties: false }), { minItems: 1, maxItems: 20 }),
}, { additionalProperties: false });

/** What the checks may know beyond the file: the catalog's services and the exchange's. */
export interface DefinitionContext {
  /** The service ids of the catalog; unknown ones are refused. */
  services?: ReadonlySet<string>;
  /** The exchange services (`GOV/member/subsystem/code`) a prefill may call. */
  exchangeServices?: ReadonlySet<string>;
  /** The file must be named after its service (`<service-id>.yaml`). */
  fileNameMustMatch?: boolean;
}

const KEYWORDS = new Set(['required', 'type', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'enum', 'const', 'format', 'minItems', 'maxItems']);
const TOKENS = /^\$(pinfl|stir|answers\.[a-z][a-z0-9_]*)$/;

/**
 * Parses and checks one form definition. Throws FormDefinitionError listing every
 * problem with its line.
 */
export function parseFormDefinition(text: string, file: string, context: DefinitionContext = {}): FormDefinition {
  const problems: DefinitionProblem[] = [];
  if (text.length > MAX_SOURCE) throw new FormDefinitionError([{ file, line: 0, message: `the file is larger than ${MAX_SOURCE / 1024} KB` }]);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new FormDefinitionError(doc.errors.map((e) => ({ file, line: e.linePos?.[0].line ?? 0, message: `YAML: ${e.message.split('\n')[0]}` })));
  }
  const lineOf = (segments: (string | number)[]) => nodeLine(doc, lineCounter, segments);
  let data: unknown;
  try {
    // No aliases: a definition has nothing to repeat, and a billion laughs is not a form.
    data = doc.toJS({ maxAliasCount: 0 });
  } catch (error) {
    throw new FormDefinitionError([{ file, line: 1, message: `YAML: ${(error as Error).message}` }]);
  }
  shapeProblems(FormFile, data, file, lineOf, problems);
  if (problems.length > 0) throw new FormDefinitionError(problems);
  const def = data as FormDefinition;
  const at = (message: string, ...segments: (string | number)[]) => problems.push({ file, line: lineOf(segments), message });

  if (context.fileNameMustMatch && basename(file, '.yaml') !== def.serviceId) at(`serviceId: ${def.serviceId} does not match the file name`, 'serviceId');
  if (context.services && !context.services.has(def.serviceId)) at(`serviceId: the catalog has no service ${def.serviceId}`, 'serviceId');

  // The schema: an object whose properties are exactly the fields, nothing else.
  const schema = def.schema as { properties?: Record<string, Record<string, unknown>>; required?: unknown; additionalProperties?: unknown };
  const properties = schema.properties && typeof schema.properties === 'object' ? schema.properties : {};
  if (!schema.properties) at('schema: needs properties, one per field', 'schema');
  if (schema.additionalProperties !== false) at('schema: additionalProperties must be false (answers hold the fields and nothing else)', 'schema');
  const required = Array.isArray(schema.required) ? schema.required as string[] : [];
  const compiled = compileSchema(def.schema);
  if (compiled.error) at(`schema: ${compiled.error}`, 'schema');

  const fields = new Map<string, { field: FormField; step: number; index: number }>();
  const stepIds = new Set<string>();
  def.steps.forEach((step, s) => {
    if (RESERVED_STEPS.has(step.id)) at(`steps[${s}].id: "${step.id}" is a reserved word`, 'steps', s, 'id');
    if (stepIds.has(step.id)) at(`steps[${s}].id: ${step.id} is used twice`, 'steps', s, 'id');
    stepIds.add(step.id);
    step.fields.forEach((field, f) => {
      if (fields.has(field.name)) at(`steps[${s}].fields[${f}].name: ${field.name} is used twice`, 'steps', s, 'fields', f, 'name');
      fields.set(field.name, { field, step: s, index: f });
    });
  });
  for (const name of Object.keys(properties)) {
    if (!fields.has(name)) at(`schema.properties.${name}: no field shows it`, 'schema', 'properties', name);
  }
  for (const name of required) {
    if (!fields.has(name)) at(`schema.required: ${name} is not a field`, 'schema', 'required');
  }

  for (const [name, { field, step: s, index: f }] of fields) {
    const where = (...rest: (string | number)[]) => ['steps', s, 'fields', f, ...rest];
    const say = (message: string, ...rest: (string | number)[]) => at(`steps[${s}].fields[${f}] (${name})${rest.length ? `.${rest.join('.')}` : ''}: ${message}`, ...where(...rest));
    const property = properties[name];
    if (!property) { say('the schema has no property for this field'); continue; }
    const type = property.type;
    const { widget } = field;
    if (widget === 'checkbox' && type !== 'boolean') say('a checkbox answers true or false: its schema type must be boolean', 'widget');
    if (widget === 'number' && type !== 'number' && type !== 'integer') say('a number field needs schema type number or integer', 'widget');
    if (!['checkbox', 'number'].includes(widget) && type !== undefined && type !== 'string') say(`a ${widget} field answers text: its schema type must be string`, 'widget');
    if (widget === 'file' && !field.file) say('a file field needs file: { types, maxBytes }', 'widget');
    if (widget !== 'file' && field.file) say('only a file field takes file', 'file');
    if (field.display && widget !== 'number') say('display: money is for number fields', 'display');
    if ((widget === 'select' || widget === 'radio') && !field.options && !field.prefill?.list) say('a choice needs options, or a prefill list', 'widget');
    if (field.options && widget !== 'select' && widget !== 'radio') say(`options are for select and radio fields, not ${widget}`, 'options');
    if (field.options) {
      const values = field.options.map((o) => o.value);
      if (new Set(values).size !== values.length) say('an option value is used twice', 'options');
      const allowed = Array.isArray(property.enum) ? property.enum as unknown[] : undefined;
      if (allowed && values.some((v) => !allowed.includes(v))) say('every option value must be allowed by the schema enum', 'options');
    }
    for (const keyword of Object.keys(field.errors ?? {})) {
      if (!KEYWORDS.has(keyword)) say(`no such schema keyword "${keyword}"`, 'errors');
    }
    if (field.when) {
      const control = fields.get(field.when.field);
      if (!control || field.when.field === name) say(`no field ${field.when.field} to depend on`, 'when', 'field');
      else if (control.step > s || (control.step === s && control.index > f)) say(`${field.when.field} must come before this field`, 'when', 'field');
      else if (control.field.widget === 'checkbox' && typeof field.when.equals !== 'boolean') say('a checkbox is true or false', 'when', 'equals');
      else if (control.field.widget !== 'checkbox' && control.field.options && !control.field.options.some((o) => o.value === field.when!.equals)) {
        say(`${field.when.field} has no option ${String(field.when.equals)}`, 'when', 'equals');
      } else if (!['checkbox', 'select', 'radio'].includes(control.field.widget)) say('a condition depends on a checkbox, select or radio field', 'when', 'field');
      if (required.includes(name)) say('a field shown on a condition cannot be always required: require it in an if/then of the schema', 'when');
    }
    if (field.prefill) {
      const p = field.prefill;
      if (context.exchangeServices && !context.exchangeServices.has(p.service)) say(`the exchange has no service ${p.service}`, 'prefill', 'service');
      if (widget === 'file') say('a file cannot be prefilled', 'prefill');
      if (p.list && widget !== 'select' && widget !== 'radio') say('a list fills the options of a select or radio field', 'prefill', 'list');
      const values = [...(p.path ?? '').split('/').filter((v) => v.startsWith('$')), ...Object.values(p.query ?? {}).filter((v) => v.startsWith('$'))];
      for (const value of values) {
        if (!TOKENS.test(value)) { say(`${value}: only $pinfl, $stir and $answers.<field> are known`, 'prefill'); continue; }
        if (value === '$stir' && def.applicant !== 'business') say('$stir is known only on a form for businesses (applicant: business)', 'prefill');
        if (value.startsWith('$answers.')) {
          const other = fields.get(value.slice('$answers.'.length));
          if (!other || other.step >= s) say(`${value} must name a field of an earlier step`, 'prefill');
        }
      }
    }
  }
  if (problems.length > 0) throw new FormDefinitionError(problems);
  return def;
}

/** Reads every `<service-id>.yaml` of a directory; throws once with every problem of every file. */
export async function readFormDirectory(dir: string, context: DefinitionContext = {}): Promise<{ definition: FormDefinition; source: string }[]> {
  const problems: DefinitionProblem[] = [];
  const out: { definition: FormDefinition; source: string }[] = [];
  for (const { file, source } of await readFormSources(dir)) {
    try {
      out.push({ definition: parseFormDefinition(source, file, { ...context, fileNameMustMatch: true }), source });
    } catch (error) {
      if (!(error instanceof FormDefinitionError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new FormDefinitionError(problems);
  return out;
}

/** The YAML files of a directory, unparsed, by name. */
export async function readFormSources(dir: string): Promise<{ file: string; source: string }[]> {
  const names = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  return Promise.all(names.map(async (name) => {
    const path = join(dir, name);
    return { file: relative(process.cwd(), path) || path, source: await readFile(path, 'utf8') };
  }));
}

function shapeProblems(schema: TSchema, data: unknown, file: string, lineOf: (s: (string | number)[]) => number, problems: DefinitionProblem[]) {
  const seen = new Set<string>();
  for (const e of Value.Errors(schema, data)) {
    const segments = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
    const params = e.params as { requiredProperties?: string[]; additionalProperties?: string[] };
    const where = describePath(data, segments);
    let message: string;
    if (params.requiredProperties) message = `${where}: missing ${params.requiredProperties.join(', ')}`;
    else if (e.keyword === 'boolean') message = `${where}: not a known key here`;
    else if (params.additionalProperties) continue; // said once per key by the 'boolean' error
    else message = `${where}: ${e.message}`;
    // Unions report once per branch; one line per place is enough.
    if (seen.has(where)) continue;
    seen.add(where);
    problems.push({ file, line: lineOf(segments), message });
  }
}

function nodeLine(doc: Document, counter: LineCounter, segments: (string | number)[]): number {
  for (let n = segments.length; n >= 0; n--) {
    const node = doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return counter.linePos(node.range[0]).line;
  }
  return 1;
}

// `steps[1] (address).fields[0] (street).label.kaa`: readable, and findable in the file.
function describePath(data: unknown, segments: (string | number)[]): string {
  let node = data as Record<string | number, unknown> | undefined;
  let out = '';
  for (const s of segments) {
    node = node?.[s] as Record<string | number, unknown> | undefined;
    if (typeof s === 'number') {
      out += `[${s}]`;
      const id = (node as { id?: unknown; name?: unknown } | undefined);
      const name = typeof id?.id === 'string' ? id.id : typeof id?.name === 'string' ? id.name : undefined;
      if (name) out += ` (${name})`;
    } else {
      out += out ? `.${s}` : s;
    }
  }
  return out || '(file)';
}
