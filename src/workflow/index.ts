import { startPoller, t, type AppContext, type Db, type Locale, type Module, type Poller } from '../platform/index.js';
import { uzCalendar, type WorkCalendar } from './calendar.js';
import { DEMO_WORKFLOWS_DIR, readDefinitions, type Term, type WorkflowDefinition } from './definitions.js';
import { BEGIN, DefinitionRegistry, Engine, escalateOverdue, type BeginInput, type HistoryEntry, type OverdueHandler, type TransitionInput } from './engine.js';
import { workflowMigrations } from './workflow.tables.js';

export type { WorkflowTables } from './workflow.tables.js';
export type { WorkflowDefinition, WorkflowState, WorkflowAction, ActorKind, Term } from './definitions.js';
export type { Actor, TransitionInput, BeginInput, HistoryEntry, Overdue, OverdueHandler } from './engine.js';
export { ACTOR_KINDS, readDefinition, readDefinitions, DEMO_WORKFLOWS_DIR } from './definitions.js';
export { addWorkingDays, isWorkingDay, loadCalendar, uzCalendar, WorkCalendar, UZ_CALENDAR_FILE, type DayOff } from './calendar.js';
export { DataFileError } from './yaml-file.js';
export { BEGIN } from './engine.js';

export interface WorkflowOptions {
  /** Where the definitions are (default demo/workflows). */
  dir?: string;
  /** The working-day calendar (default Uzbekistan's, demo/calendar/uz.yaml). */
  calendar?: WorkCalendar;
  /** The time now; tests move it. Also what `transition` uses when no `at` is given. */
  clock?: () => Date;
  /** How often the overdue poller runs (default every minute). */
  pollMs?: number;
  /** Subjects claimed per statement, and how long a claim holds before another poller may retry (default 100, 5 minutes). */
  overdue?: { batch?: number; leaseMs?: number };
}

export interface WorkflowModule extends Module {
  /** A definition: the newest of the files, or the given version (also an older one still in use). */
  definition(id: string, version?: number): WorkflowDefinition;
  /** The newest definition of each workflow. */
  definitions(): WorkflowDefinition[];
  /** Puts a new subject in the definition's initial state (recorded in its history); the same subject again changes nothing. */
  begin(trx: Db, input: BeginInput): Promise<{ state: string; dueAt: Date | null }>;
  /** Checks who may, writes the transition (who, when, why) in workflow_transition, returns the new state and its due time. */
  transition(trx: Db, input: TransitionInput): Promise<{ state: string; dueAt: Date | null }>;
  history(db: Db, subject: string): Promise<HistoryEntry[]>;
  /** Called once for each stay of a subject in a state that outlives its term. */
  onOverdue(handler: OverdueHandler): void;
  /** One pass of the overdue poller at `at` (default the clock); returns how many subjects were escalated. */
  pollOverdue(at?: Date): Promise<number>;
  /** When a term starting at `start` ends, on the module's calendar. */
  termEnd(start: Date, term: Term): Date;
  readonly calendar: WorkCalendar;
}

/** Versioned state machines for applications, their history, terms on the working-day calendar, and escalation when overdue. */
export function workflowModule(options: WorkflowOptions = {}): WorkflowModule {
  const clock = options.clock ?? (() => new Date());
  let engine: Engine | undefined;
  // Definitions and calendar are read on first use, so that building the module list reads no file.
  const get = () => (engine ??= new Engine(new DefinitionRegistry(readDefinitions(options.dir ?? DEMO_WORKFLOWS_DIR)), options.calendar ?? uzCalendar(), clock));
  const handlers: OverdueHandler[] = [];
  let ctx: AppContext | undefined;
  let poller: Poller | undefined;

  const module: WorkflowModule = {
    name: 'workflow',
    migrations: workflowMigrations,
    async start(context: AppContext) {
      ctx = context;
      await get().registry.register(context.db);
      poller = startPoller(() => module.pollOverdue(), options.pollMs ?? 60_000, (error) => context.log.error({ err: error }, 'workflow overdue poll failed'));
    },
    async stop() { await poller?.stop(); },
    definition: (id, version) => get().registry.get(id, version),
    definitions: () => get().registry.all(),
    begin: (trx, input) => get().begin(trx, input),
    transition: (trx, input) => get().transition(trx, input),
    history: (db, subject) => get().history(db, subject),
    onOverdue(handler) { handlers.push(handler); },
    async pollOverdue(at?: Date) {
      if (!ctx) throw new Error('workflow: pollOverdue before start');
      // Nobody to tell yet: leave the subjects for when a handler is registered.
      if (handlers.length === 0) return 0;
      const log = ctx.log;
      return escalateOverdue(ctx.db, handlers, at ?? clock(), {
        ...options.overdue,
        onError: (subject, error) => log.warn({ err: error, subject }, 'workflow overdue handler failed; retried after the lease'),
      });
    },
    termEnd: (start, term) => get().calendar.termEnd(start, term),
    get calendar() { return get().calendar; },
  };
  return module;
}

/** A state's label in a locale (the state's name when the definition has no such state). */
export function stateLabel(def: WorkflowDefinition, state: string, locale: Locale): string {
  return def.states[state]?.label[locale] ?? state;
}

/** An action's label in a locale; the first entry of a history is the subject's beginning. */
export function actionLabel(def: WorkflowDefinition, action: string, locale: Locale): string {
  if (action === BEGIN) return t(locale, 'workflow.begin');
  return def.actions[action]?.label[locale] ?? action;
}

/** Who took a step, in a locale: the name when known, else the kind of actor. */
export function actorLabel(entry: Pick<HistoryEntry, 'actorKind' | 'actorName'>, locale: Locale): string {
  return entry.actorName ?? t(locale, `workflow.actor.${entry.actorKind}`);
}

/** A term in words, e.g. "5 working days". */
export function termLabel(term: Term, locale: Locale): string {
  return t(locale, term.kind === 'working' ? 'service.term-working' : 'service.term-calendar', { count: term.days });
}

/** The actions an actor of that kind may take from a state, e.g. the buttons an officer sees. */
export function actionsFor(def: WorkflowDefinition, state: string, kind: TransitionInput['actor']['kind']): { name: string; reason?: 'required' | 'optional'; label: WorkflowDefinition['actions'][string]['label'] }[] {
  return Object.entries(def.actions)
    .filter(([, a]) => a.from.includes(state) && a.who.includes(kind))
    .map(([name, a]) => ({ name, reason: a.reason, label: a.label }));
}

/** The action the system takes from a state when an event arrives (e.g. `payments.paid`), if any. */
export function actionOn(def: WorkflowDefinition, state: string, topic: string): string | undefined {
  return Object.entries(def.actions).find(([, a]) => a.on === topic && a.from.includes(state) && a.who.includes('system'))?.[0];
}
