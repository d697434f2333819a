import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Type } from 'typebox';
import { fromRoot, type LocalText } from '../platform/index.js';
import { DataFileError, LocalTextSchema, YamlFile } from './yaml-file.js';

export const ACTOR_KINDS = ['applicant', 'officer', 'head', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];
export interface Term { days: number; kind: 'working' | 'calendar' }

export interface WorkflowState {
  /** How long a subject may stay in this state before it is overdue. */
  term?: Term;
  final?: boolean;
  label: LocalText;
}

export interface WorkflowAction {
  from: string[];
  to: string;
  who: ActorKind[];
  reason?: 'required' | 'optional';
  label: LocalText;
  /** The outbox topic on which the system takes this action (e.g. `payments.paid`), for the module that handles it. */
  on?: string;
}

/** A versioned state machine, as written in `demo/workflows/<id>.yaml`. */
export interface WorkflowDefinition {
  id: string;
  version: number;
  /** What the workflow is, for the people who choose one for a service. */
  title?: LocalText;
  initial: string;
  states: Record<string, WorkflowState>;
  actions: Record<string, WorkflowAction>;
}

const Name = Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 40 });
const TermSchema = Type.Object({ days: Type.Integer({ minimum: 0, maximum: 365 }), kind: Type.Union([Type.Literal('working'), Type.Literal('calendar')]) }, { additionalProperties: false });
const DefinitionFile = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 60 }),
  version: Type.Integer({ minimum: 1 }),
  title: Type.Optional(LocalTextSchema),
  initial: Name,
  states: Type.Record(Type.String(), Type.Object({
    term: Type.Optional(TermSchema), final: Type.Optional(Type.Boolean()), label: LocalTextSchema,
  }, { additionalProperties: false }), { minProperties: 2 }),
  actions: Type.Record(Type.String(), Type.Object({
    from: Type.Array(Name, { minItems: 1, uniqueItems: true }),
    to: Name,
    who: Type.Array(Type.Union(ACTOR_KINDS.map((k) => Type.Literal(k))), { minItems: 1, uniqueItems: true }),
    reason: Type.Optional(Type.Union([Type.Literal('required'), Type.Literal('optional')])),
    label: LocalTextSchema,
    on: Type.Optional(Type.String({ pattern: '^[a-z]+(\\.[a-z-]+)+$', maxLength: 80 })),
  }, { additionalProperties: false }), { minProperties: 1 }),
}, { additionalProperties: false });

/** Reads and checks one definition file; every problem is reported with its line. */
export function readDefinition(path: string): WorkflowDefinition {
  const file = new YamlFile<WorkflowDefinition>(path, DefinitionFile);
  if (file.valid) {
    const def = file.data;
    const expected = basename(path).replace(/\.ya?ml$/, '');
    if (def.id !== expected) file.problem(['id'], `id "${def.id}" must be the file's name, "${expected}"`);
    const bad = (name: string) => !/^[a-z][a-z0-9_]*$/.test(name);
    for (const name of Object.keys(def.states)) if (bad(name)) file.problem(['states', name], `state name "${name}": lower-case letters, digits and _`);
    for (const name of Object.keys(def.actions)) if (bad(name)) file.problem(['actions', name], `action name "${name}": lower-case letters, digits and _`);
    if (!def.states[def.initial]) file.problem(['initial'], `initial state "${def.initial}" is not under states`);
    for (const [name, state] of Object.entries(def.states)) {
      if (state.final && state.term) file.problem(['states', name, 'term'], `final state "${name}" cannot have a term`);
    }
    for (const [name, action] of Object.entries(def.actions)) {
      if (!def.states[action.to]) file.problem(['actions', name, 'to'], `action "${name}" goes to "${action.to}", which is not under states`);
      action.from.forEach((from, i) => {
        if (!def.states[from]) file.problem(['actions', name, 'from', i], `action "${name}" starts from "${from}", which is not under states`);
        else if (def.states[from]!.final) file.problem(['actions', name, 'from', i], `action "${name}" starts from "${from}", a final state`);
      });
    }
    if (file.valid) {
      for (const [name, state] of Object.entries(def.states)) {
        if (!state.final && !Object.values(def.actions).some((a) => a.from.includes(name))) {
          file.problem(['states', name], `state "${name}" is not final but no action leaves it`);
        }
      }
      const reached = new Set([def.initial]);
      for (let grew = true; grew;) {
        grew = false;
        for (const a of Object.values(def.actions)) {
          if (a.from.some((f) => reached.has(f)) && !reached.has(a.to)) { reached.add(a.to); grew = true; }
        }
      }
      for (const name of Object.keys(def.states)) if (!reached.has(name)) file.problem(['states', name], `state "${name}" cannot be reached from "${def.initial}"`);
      if (!Object.values(def.states).some((s) => s.final)) file.problem(['states'], 'no final state: a subject could never finish');
    }
  }
  return file.check();
}

/** Every `*.yaml` in a folder, all checked before any is used. */
export function readDefinitions(dir: string): WorkflowDefinition[] {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const definitions: WorkflowDefinition[] = [];
  const problems: DataFileError['problems'] = [];
  for (const f of files) {
    try {
      definitions.push(readDefinition(join(dir, f)));
    } catch (error) {
      if (!(error instanceof DataFileError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new DataFileError(problems);
  return definitions;
}

/** The demo definitions shipped in the repository. */
export const DEMO_WORKFLOWS_DIR = fromRoot('demo', 'workflows');

/** The same definition whatever the key order or YAML style: what a version's hash is taken over. */
function normalise(def: WorkflowDefinition): WorkflowDefinition {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])]));
    return value;
  };
  return sorted(def) as WorkflowDefinition;
}

/** The fingerprint of a definition's content: a change without a new version number is caught by it. */
export function definitionHash(def: WorkflowDefinition): string {
  return createHash('sha256').update(JSON.stringify(normalise(def))).digest('hex');
}
