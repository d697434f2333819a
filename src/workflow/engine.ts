import { sql } from 'kysely';
import { AppError, NotFoundError, type Db } from '../platform/index.js';
import type { WorkCalendar } from './calendar.js';
import { ACTOR_KINDS, definitionHash, type ActorKind, type Term, type WorkflowDefinition } from './definitions.js';

export interface Actor { kind: ActorKind; id: string | null; name?: string }

export interface TransitionInput {
  /** The application id. */
  subject: string;
  definition: { id: string; version: number };
  /** The state the caller believes the subject is in; a different recorded state is refused as stale. */
  from: string;
  action: string;
  actor: Actor;
  reason?: string;
  /** When it happens (default: the module's clock). */
  at?: Date;
  /** The term of the state entered, instead of the definition's (e.g. the service's own term from the catalog); null: none. */
  term?: Term | null;
}

export interface BeginInput {
  subject: string;
  definition: { id: string; version: number };
  actor?: Actor;
  at?: Date;
  term?: Term | null;
}

export interface HistoryEntry {
  at: Date; from: string; to: string; action: string; actorKind: string; actorId: string | null; actorName: string | null; reason: string | null;
  /** The due time of the state entered, when it has a term. */
  dueAt: Date | null;
}

/** What an overdue handler learns besides the subject. */
export interface Overdue { state: string; dueAt: Date; definition: { id: string; version: number } }
export type OverdueHandler = (subject: string, overdue: Overdue) => Promise<void>;

/** The action name recorded for a subject's first entry, in its initial state. */
export const BEGIN = 'begin';
export const MAX_REASON = 4000;

// ---------------------------------------------------------------------------------------------
// Definitions and their versions

/**
 * The definitions by id and version: those of the files (the newest of each id), and every
 * version the database has registered, so that a subject keeps the version it began with.
 */
export class DefinitionRegistry {
  private readonly versions = new Map<string, WorkflowDefinition>();
  private readonly current = new Map<string, WorkflowDefinition>();

  constructor(files: WorkflowDefinition[]) {
    for (const def of files) {
      if (this.current.has(def.id)) throw new Error(`two workflow definitions with the id "${def.id}"`);
      this.current.set(def.id, def);
      this.versions.set(key(def.id, def.version), def);
    }
  }

  /** The newest definition of each id, as the files have them. */
  all(): WorkflowDefinition[] { return [...this.current.values()]; }

  get(id: string, version?: number): WorkflowDefinition {
    const def = version === undefined ? this.current.get(id) : this.versions.get(key(id, version));
    if (!def) throw new NotFoundError('workflow.definition-not-found', { id, version: version ?? '' });
    return def;
  }

  /** A version another process registered after this one loaded is read from the database. */
  async resolve(db: Db, id: string, version: number): Promise<WorkflowDefinition> {
    const known = this.versions.get(key(id, version));
    if (known) return known;
    const row = await db.selectFrom('workflow_definition').select('definition').where('id', '=', id).where('version', '=', version).executeTakeFirst();
    if (!row) throw new NotFoundError('workflow.definition-not-found', { id, version });
    this.versions.set(key(id, version), row.definition);
    return row.definition;
  }

  /**
   * Records the files' versions in the database, refusing a file whose content differs from
   * the version registered under the same number (a change needs a new version), and loads
   * every registered version.
   */
  async register(db: Db): Promise<void> {
    for (const def of this.current.values()) {
      const sha256 = definitionHash(def);
      await db.insertInto('workflow_definition')
        .values({ id: def.id, version: def.version, definition: JSON.stringify(def), sha256 })
        .onConflict((oc) => oc.columns(['id', 'version']).doNothing()).execute();
      const row = await db.selectFrom('workflow_definition').select('sha256').where('id', '=', def.id).where('version', '=', def.version).executeTakeFirstOrThrow();
      if (row.sha256 !== sha256) {
        throw new Error(`workflow "${def.id}" version ${def.version} differs from the version ${def.version} already in use; a changed definition needs a new version number`);
      }
    }
    const rows = await db.selectFrom('workflow_definition').select(['id', 'version', 'definition']).execute();
    for (const row of rows) if (!this.versions.has(key(row.id, row.version))) this.versions.set(key(row.id, row.version), row.definition);
  }
}

const key = (id: string, version: number) => `${id}@${version}`;

// ---------------------------------------------------------------------------------------------
// Transitions

export class Engine {
  constructor(readonly registry: DefinitionRegistry, readonly calendar: WorkCalendar, private readonly clock: () => Date) {}

  /** When a stay in `state` entered at `at` is due, or null when the state has no term. */
  dueAt(def: WorkflowDefinition, state: string, at: Date, term?: Term | null): Date | null {
    const s = def.states[state];
    if (!s || s.final) return null;
    const t = term === undefined ? s.term : term;
    return t ? this.calendar.termEnd(at, t) : null;
  }

  /**
   * Puts a new subject in the definition's initial state, recording it in the history. A
   * subject already begun is left as it is (the same submission twice is one subject).
   */
  async begin(trx: Db, input: BeginInput): Promise<{ state: string; dueAt: Date | null }> {
    checkSubject(input.subject);
    const def = await this.registry.resolve(trx, input.definition.id, input.definition.version);
    const at = checkAt(input.at ?? this.clock());
    const actor = checkActor(input.actor ?? { kind: 'system', id: null });
    const dueAt = this.dueAt(def, def.initial, at, input.term);
    // One round trip (submissions are the platform's hottest write): the due row and the first
    // history entry together, the entry's id drawn from its sequence first so the due row can
    // point at it; a subject already begun keeps its row and gets no second entry.
    const { rows } = await sql<{ state: string; due_at: Date | null }>`
      with due as (
        insert into workflow_due (subject, definition_id, definition_version, state, entry, entered_at, due_at, claimed_until, escalated_at)
        values (${input.subject}, ${def.id}, ${def.version}, ${def.initial}, nextval(pg_get_serial_sequence('workflow_transition', 'id')), ${at}, ${dueAt}, null, null)
        on conflict (subject) do nothing
        returning entry, state, due_at
      ), entry as (
        insert into workflow_transition (id, subject, definition_id, definition_version, from_state, to_state, action, actor_kind, actor_id, actor_name, reason, at, due_at)
        select due.entry, ${input.subject}, ${def.id}, ${def.version}, '', ${def.initial}, ${BEGIN}, ${actor.kind}, ${actor.id}, ${actor.name ?? null}, null, ${at}, ${dueAt} from due
      )
      select state, due_at from due
      union all
      select state, due_at from workflow_due where subject = ${input.subject} and not exists (select from due)`.execute(trx);
    const row = rows[0]!;
    return { state: row.state, dueAt: row.due_at === null ? null : new Date(row.due_at) };
  }

  /**
   * Takes an action: refuses it when the definition does not allow it from `from` or to that
   * kind of actor (`workflow.not-allowed`, 409), when the reason it requires is missing
   * (`workflow.reason-required`, 400), or when the subject is no longer in `from`
   * (`workflow.stale`, 409); otherwise records it and returns the new state and its due time.
   * Runs in the caller's transaction, which it holds the subject's row in until the end.
   */
  async transition(trx: Db, input: TransitionInput): Promise<{ state: string; dueAt: Date | null }> {
    checkSubject(input.subject);
    const def = await this.registry.resolve(trx, input.definition.id, input.definition.version);
    const action = Object.hasOwn(def.actions, input.action) ? def.actions[input.action] : undefined;
    const actor = checkActor(input.actor);
    if (!action || !action.from.includes(input.from) || !action.who.includes(actor.kind)) {
      throw new AppError('workflow.not-allowed', 409, { action: input.action, state: input.from });
    }
    const reason = typeof input.reason === 'string' && input.reason.trim() !== '' ? input.reason.trim() : null;
    if (action.reason === 'required' && !reason) throw new AppError('workflow.reason-required', 400, { action: input.action });
    if (reason && reason.length > MAX_REASON) throw new AppError('workflow.reason-too-long', 400, { max: MAX_REASON });
    const at = checkAt(input.at ?? this.clock());

    // The subject's row, locked to the end of the caller's transaction: a concurrent action on
    // the same subject waits, then finds the state moved on and is refused as stale. A subject
    // never begun gets its row now, in the state the caller says.
    await trx.insertInto('workflow_due')
      .values({ subject: input.subject, definition_id: def.id, definition_version: def.version, state: input.from, entry: 0, entered_at: at, due_at: null, claimed_until: null, escalated_at: null })
      .onConflict((oc) => oc.column('subject').doNothing()).execute();
    const row = await trx.selectFrom('workflow_due').selectAll().where('subject', '=', input.subject).forUpdate().executeTakeFirstOrThrow();
    if (row.definition_id !== def.id || row.definition_version !== def.version) {
      throw new Error(`subject ${input.subject} follows ${row.definition_id} version ${row.definition_version}, not ${def.id} version ${def.version}`);
    }
    if (row.state !== input.from) throw new AppError('workflow.stale', 409, { state: row.state });

    // An action that stays in the state (none of the demo ones) keeps the stay and its term.
    const stays = action.to === input.from;
    const dueAt = stays ? row.due_at : this.dueAt(def, action.to, at, input.term);
    const entry = await this.record(trx, def, input.subject, input.from, action.to, input.action, actor, reason, at, dueAt);
    if (!stays) {
      await trx.updateTable('workflow_due')
        .set({ state: action.to, entry, entered_at: at, due_at: dueAt, claimed_until: null, escalated_at: null })
        .where('subject', '=', input.subject).execute();
    }
    return { state: action.to, dueAt };
  }

  async history(db: Db, subject: string): Promise<HistoryEntry[]> {
    const rows = await db.selectFrom('workflow_transition').selectAll().where('subject', '=', subject).orderBy('at').orderBy('id').execute();
    return rows.map((r) => ({
      at: r.at, from: r.from_state, to: r.to_state, action: r.action, actorKind: r.actor_kind, actorId: r.actor_id,
      actorName: r.actor_name, reason: r.reason, dueAt: r.due_at,
    }));
  }

  private async record(trx: Db, def: WorkflowDefinition, subject: string, from: string, to: string, action: string, actor: Actor, reason: string | null, at: Date, dueAt: Date | null): Promise<number> {
    const row = await trx.insertInto('workflow_transition').values({
      subject, definition_id: def.id, definition_version: def.version, from_state: from, to_state: to, action,
      actor_kind: actor.kind, actor_id: actor.id, actor_name: actor.name ?? null, reason, at, due_at: dueAt,
    }).returning('id').executeTakeFirstOrThrow();
    return Number(row.id);
  }
}

function checkSubject(subject: unknown): void {
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > 200) throw new Error('a workflow subject is a non-empty id of at most 200 characters');
}

function checkAt(at: Date): Date {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new Error('a workflow time must be a valid Date');
  return at;
}

function checkActor(actor: Actor): Actor {
  if (!actor || !(ACTOR_KINDS as readonly string[]).includes(actor.kind)) throw new AppError('workflow.not-allowed', 409, { action: '', state: '' });
  return { kind: actor.kind, id: actor.id ? String(actor.id).slice(0, 200) : null, name: actor.name ? String(actor.name).slice(0, 300) : undefined };
}

// ---------------------------------------------------------------------------------------------
// Overdue subjects

/**
 * Calls the handlers for every subject whose current state was due before `now` and has not
 * been escalated. Several pollers (processes) may run at once: a row is claimed with `for
 * update skip locked` and held for `leaseMs`, so each stay in a state is handed to one poller;
 * it is marked escalated once the handlers succeed. A failed handler is retried when the
 * lease runs out. Returns how many subjects were escalated.
 */
export async function escalateOverdue(db: Db, handlers: OverdueHandler[], now: Date, options: { batch?: number; leaseMs?: number; onError?: (subject: string, error: unknown) => void } = {}): Promise<number> {
  const { batch = 100, leaseMs = 5 * 60_000 } = options;
  let escalated = 0;
  for (;;) {
    const claimed = await sql<{ subject: string; state: string; entry: number; due_at: Date; definition_id: string; definition_version: number }>`
      update workflow_due set claimed_until = ${new Date(now.getTime() + leaseMs)}
      where subject in (
        select subject from workflow_due
        where escalated_at is null and due_at <= ${now} and (claimed_until is null or claimed_until <= ${now})
        order by due_at limit ${batch} for update skip locked)
      returning subject, state, entry, due_at, definition_id, definition_version`.execute(db);
    for (const row of claimed.rows) {
      try {
        for (const handler of handlers) {
          await handler(row.subject, { state: row.state, dueAt: new Date(row.due_at), definition: { id: row.definition_id, version: row.definition_version } });
        }
        // Only this stay: if the subject moved on meanwhile, its new state keeps its own term.
        await db.updateTable('workflow_due').set({ escalated_at: now, claimed_until: null })
          .where('subject', '=', row.subject).where('entry', '=', Number(row.entry)).execute();
        escalated++;
      } catch (error) {
        options.onError?.(row.subject, error);
      }
    }
    if (claimed.rows.length < batch) return escalated;
  }
}
