// The life of a draft: started or resumed, prefilled, answered step by step, carried over
// to a newer version of its form, and submitted exactly once.
import type { Logger } from 'pino';
import { PORTAL_CLIENT } from '../exchange/index.js';
import { logDataAccess, mayActIn, type Session } from '../identity/index.js';
import { AppError, local, t, type Db, type Locale, type LocalText } from '../platform/index.js';
import { compact, isVisible, shownFields, visibleAnswers, visibleSteps, type Answers } from './answers.js';
import { fetchPrefills, memberOf, needsFetch, type PrefillContext, type PrefillExchange } from './prefill.js';
import {
  dropUnusedUploads, getDraft, insertUpload, markSubmitted, openOrCreateDraft, saveDraft, uploadsOf,
  type Draft, type Form, type FormStore, type UploadMeta,
} from './store.js';
import { fieldMap, schemaErrors, type FieldErrors } from './validate.js';
import type { ReceivedFile } from './uploads.js';
import { prefillNoteKey } from './views.js';
import type { FormDefinition, FormField, FormStep, PrefillEntry, Submission, SubmitHandler, SubmitResult } from './forms.types.js';

/** The catalog's services, for their names and whether they exist. */
export type ServiceList = () => readonly { id: string; name: LocalText }[];

export interface FormsDeps {
  db: Db;
  store: FormStore;
  exchange?: PrefillExchange;
  services?: ServiceList;
  log: Logger;
  /** How long a registry may take to answer a prefill. */
  prefillTimeoutMs: number;
}

/** A draft with the form it is made on, opened by its owner. */
export interface Opened { draft: Draft; form: Form; session: Session }

/** What became of "Accept and send": the application, the answers' errors, or why it could not be tried. */
export type SubmitOutcome =
  | { kind: 'done'; result: SubmitResult }
  | { kind: 'errors'; opened: Opened; errors: FieldErrors }
  /** A newer version of the form came out: the draft is to be carried over first. */
  | { kind: 'outdated'; opened: Opened }
  | { kind: 'unavailable' };

/** Why a person may not start a form: it is for a business they do not act for (in this service). */
export type Refusal = 'business';

export class FormsService {
  handler: SubmitHandler | undefined;
  constructor(private readonly deps: FormsDeps) {}

  get db(): Db { return this.deps.db; }

  async clearNotice(draftId: string): Promise<void> {
    await saveDraft(this.deps.db, draftId, { notice: null });
  }

  serviceName(serviceId: string, l: Locale): string {
    const service = this.deps.services?.().find((s) => s.id === serviceId);
    return service ? local(service.name, l) : serviceId;
  }

  /** Whether the catalog lists the service (any, when no catalog was given). */
  knownService(serviceId: string): boolean {
    const services = this.deps.services?.();
    return !services || services.length === 0 || services.some((s) => s.id === serviceId);
  }

  /** The business a draft of this form belongs to for this session: none, its business, or refused. */
  businessOf(session: Session, def: FormDefinition): string | null | Refusal {
    if (def.applicant !== 'business') return null;
    if (!session.actingFor || !mayActIn(session, def.serviceId)) return 'business';
    return session.actingFor.businessId;
  }

  /** Starts the person's draft of a service's latest form, or resumes the open one. */
  async start(session: Session, serviceId: string): Promise<Draft | Refusal | undefined> {
    if (!this.knownService(serviceId)) return undefined;
    const form = await this.deps.store.get(serviceId);
    if (!form) return undefined;
    const business = this.businessOf(session, form.def);
    if (business === 'business') return business;
    return openOrCreateDraft(this.deps.db, { personId: session.person.id, serviceId, businessId: business, version: form.def.version });
  }

  /** A draft, if it is this person's (and of the business they now act for): anyone else gets nothing. */
  async open(session: Session, serviceId: string, draftId: string, db = this.deps.db, lock = false): Promise<Opened | undefined> {
    const draft = await getDraft(db, draftId, { latest: true, lock });
    if (!draft || draft.personId !== session.person.id || draft.serviceId !== serviceId) return undefined;
    // Through `db`: in a transaction (submitting), a read on another connection would wait for
    // it on PGlite, and on PostgreSQL could find the pool taken by transactions that all wait so.
    const form = await this.deps.store.get(serviceId, draft.version, db);
    if (!form) return undefined;
    if (this.businessOf(session, form.def) !== draft.businessId) return undefined;
    return { draft, form, session };
  }

  /** Whether a newer version of the form has been published since the draft began. */
  async outdated(opened: Opened): Promise<Form | undefined> {
    if (opened.draft.status !== 'open') return undefined;
    const latest = opened.draft.latestVersion ?? await this.deps.store.latestVersion(opened.draft.serviceId);
    if (latest === undefined || latest <= opened.draft.version) return undefined;
    return this.deps.store.get(opened.draft.serviceId, latest);
  }

  /**
   * Carries a draft over to a newer form: answers that still fit it are kept (a field that
   * is gone, or whose answer the new schema refuses, is dropped, as is a file of a type or
   * size the new field refuses), prefilled values whose source changed are asked again,
   * and the person is told once that the form changed.
   */
  async carryOver(opened: Opened, latest: Form): Promise<Opened> {
    const { draft, form: old } = opened;
    const fields = fieldMap(latest.def);
    const oldFields = fieldMap(old.def);
    const uploads = new Map((await uploadsOf(this.deps.db, draft.id)).map((u) => [u.id, u]));
    const answers: Answers = {};
    const prefill: Record<string, PrefillEntry> = {};
    for (const [name, value] of Object.entries(draft.answers)) {
      const field = fields.get(name);
      const before = oldFields.get(name);
      if (!field || !before || field.widget !== before.widget) continue;
      if (field.widget === 'file') {
        const upload = uploads.get(String(value));
        if (!upload || !field.file!.types.includes(upload.mime) || upload.size > field.file!.maxBytes) continue;
      }
      if (JSON.stringify(field.prefill ?? null) !== JSON.stringify(before.prefill ?? null)) {
        if (field.prefill && !field.prefill.editable) continue; // the registry gives it again
      } else if (draft.prefill[name]) {
        prefill[name] = draft.prefill[name];
      }
      answers[name] = value;
    }
    // Whatever the new schema refuses is dropped (a missing answer is no reason).
    if (!latest.validate(answers)) {
      for (const error of latest.validate.errors ?? []) {
        if (error.keyword === 'required') continue;
        const name = error.instancePath.split('/')[1];
        if (name) delete answers[name];
      }
    }
    const carried = await this.deps.db.transaction().execute(async (trx) => {
      const current = await getDraft(trx, draft.id, { lock: true });
      if (!current || current.status !== 'open' || current.version !== draft.version) return current;
      const steps = draft.steps.filter((id) => latest.def.steps.some((s) => s.id === id));
      await saveDraft(trx, draft.id, { answers, prefill, steps, version: latest.def.version, notice: 'changed' });
      await dropUnusedUploads(trx, draft.id, fileIds(latest.def, answers));
      return getDraft(trx, draft.id);
    });
    if (!carried) throw new AppError('not-found', 404);
    const form = (await this.deps.store.get(carried.serviceId, carried.version))!;
    return { ...opened, draft: carried, form };
  }

  /** The first step not yet answered, or with something missing or wrong; `check` when all is answered. */
  resumeAt(opened: Opened, locale: Locale): string {
    const { def } = opened.form;
    const errors = this.errors(opened.form, opened.draft.answers, opened.draft.prefill, locale);
    for (const step of visibleSteps(def, opened.draft.answers)) {
      if (!opened.draft.steps.includes(step.id) || step.fields.some((f) => errors[f.name])) return step.id;
    }
    return 'check';
  }

  /**
   * What is wrong with the answers: the schema's errors (of the given fields only, when
   * asked), a choice outside the registry's list, and a value only the registry may give
   * that did not come, said as such.
   */
  errors(form: Form, answers: Answers, prefill: Record<string, PrefillEntry>, locale: Locale, only?: FormField[]): FieldErrors {
    const { def } = form;
    const names = only ? new Set(only.map((f) => f.name)) : undefined;
    const errors = schemaErrors(def, form.validate, visibleAnswers(def, answers), locale, names);
    const fields = fieldMap(def);
    for (const field of only ?? fields.values()) {
      const p = field.prefill;
      if (!p || !isVisible(def, field, answers, fields)) continue;
      const entry = prefill[field.name];
      const value = answers[field.name];
      const source = entry ? t(locale, `forms.source.${memberOf(entry.source)}`) : '';
      if (p.list && entry?.status === 'ok' && value !== undefined && !entry.options?.some((o) => o.value === String(value))) {
        errors[field.name] = t(locale, 'forms.error.not-listed', { label: local(field.label, locale) });
      } else if (!p.editable && entry?.status !== 'ok' && errors[field.name]) {
        errors[field.name] = t(locale, prefillNoteKey(field, entry), { source, label: local(field.label, locale) });
      }
    }
    return errors;
  }

  /**
   * Asks the registries for what a step's fields can be filled with, when not yet asked
   * (or asked with other answers, or failed a while ago, or `retry`), and keeps what came
   * in the draft with the person's data tracker entry, in one transaction. The calls are
   * made before it: no connection is held while a registry thinks. Never fails for a
   * registry: the entry says what happened.
   */
  async prefill(opened: Opened, step: FormStep, locale: Locale, retry = false): Promise<Opened> {
    const { draft, form, session } = opened;
    const ctx: PrefillContext = { pinfl: session.person.pinfl, stir: session.actingFor?.stir ?? null, answers: draft.answers, locale, issue: draft.id };
    const wanted = shownFields(form.def, step, draft.answers).filter((f) => needsFetch(f, draft.prefill[f.name], ctx, retry));
    if (wanted.length === 0) return opened;
    const fetched = await fetchPrefills(this.deps.exchange, wanted, ctx, this.deps.prefillTimeoutMs);
    const failures = Object.entries(fetched.entries).filter(([, e]) => e.status === 'failed');
    if (failures.length > 0) this.deps.log.warn({ draft: draft.id, failures: failures.map(([f, e]) => `${f}: ${e.source} ${e.reason}`) }, 'prefill failed');
    const saved = await this.deps.db.transaction().execute(async (trx) => {
      const current = await getDraft(trx, draft.id, { lock: true });
      if (!current || current.status !== 'open' || current.version !== draft.version) return current;
      const answers = { ...current.answers };
      const fields = fieldMap(form.def);
      for (const [name, entry] of Object.entries(fetched.entries)) {
        const field = fields.get(name)!;
        const before = current.prefill[name];
        const untouched = answers[name] === undefined || (before?.status === 'ok' && before.value === answers[name]);
        if (entry.status === 'ok' && entry.value !== undefined && (untouched || !field.prefill!.editable)) answers[name] = entry.value;
        else if (!field.prefill!.editable && entry.status !== 'ok') delete answers[name];
        else if (field.prefill!.list && !field.prefill!.editable && !entry.options?.some((o) => o.value === String(answers[name]))) delete answers[name];
      }
      const prefill = { ...current.prefill, ...fetched.entries };
      await saveDraft(trx, draft.id, { answers, prefill });
      for (const read of fetched.personal) {
        await logDataAccess(trx, {
          personId: session.person.id, accessorKind: 'system', accessor: PORTAL_CLIENT, agencyId: 'digital-technologies',
          purpose: t(locale, 'forms.tracker.purpose', { service: this.serviceName(draft.serviceId, locale), source: t(locale, `forms.source.${memberOf(read.service)}`) }),
          fields: read.fields.map((f) => local(fields.get(f)!.label, locale)),
        });
      }
      return getDraft(trx, draft.id);
    });
    if (!saved) throw new AppError('not-found', 404);
    return { ...opened, draft: saved };
  }

  /** Forgets the failed prefills of a step, so that the next view asks again. */
  async forgetFailures(opened: Opened, step: FormStep): Promise<void> {
    const prefill = { ...opened.draft.prefill };
    for (const field of step.fields) if (prefill[field.name]?.status === 'failed') delete prefill[field.name];
    await saveDraft(this.deps.db, opened.draft.id, { prefill });
  }

  /**
   * A step's answers merged into the draft: values only a registry gives stay the
   * registry's whatever was posted. Returns the merged answers and what is wrong with them.
   */
  merge(opened: Opened, step: FormStep, posted: Answers, locale: Locale): { answers: Answers; errors: FieldErrors } {
    const { draft, form } = opened;
    const answers: Answers = { ...draft.answers, ...posted };
    for (const field of step.fields) {
      const entry = draft.prefill[field.name];
      if (!field.prefill || field.prefill.editable) continue;
      // A value only the registry gives, or a choice only among what it listed.
      if (!field.prefill.list && entry?.status === 'ok') answers[field.name] = entry.value;
      else if (entry?.status !== 'ok') delete answers[field.name];
    }
    const shown = shownFields(form.def, step, answers);
    return { answers: compact(answers), errors: this.errors(form, answers, draft.prefill, locale, shown) };
  }

  /**
   * Saves a step's answers (and the files that came with it, replacing earlier ones) in one
   * transaction; `step`, when the step is answered (not when only a file was kept).
   */
  async save(opened: Opened, answers: Answers, files: ReceivedFile[] = [], step?: string): Promise<boolean> {
    const { draft, form } = opened;
    return this.deps.db.transaction().execute(async (trx) => {
      const current = await getDraft(trx, draft.id, { lock: true });
      if (!current || current.status !== 'open' || current.version !== draft.version) return false;
      const next = { ...answers };
      for (const file of files) {
        next[file.field] = await insertUpload(trx, { draftId: draft.id, personId: draft.personId, field: file.field, name: file.name, mime: file.mime, size: file.size, sha256: file.sha256, content: file.content });
      }
      const steps = step && !current.steps.includes(step) ? [...current.steps, step] : undefined;
      await saveDraft(trx, draft.id, { answers: next, steps });
      await dropUnusedUploads(trx, draft.id, fileIds(form.def, next));
      return true;
    });
  }

  async uploads(draftId: string): Promise<UploadMeta[]> {
    return uploadsOf(this.deps.db, draftId);
  }

  /**
   * Submits a draft: in one transaction, reads it locked (whose it is, its form, whether a newer
   * version came out: one read, the same as a page of the draft makes), checks every answer,
   * hands the submission to the registered handler and marks the draft submitted. A draft
   * already submitted (a double click, a replay) answers the application it made.
   */
  async submit(session: Session, serviceId: string, draftId: string, locale: Locale): Promise<SubmitOutcome> {
    const handler = this.handler;
    if (!handler) return { kind: 'unavailable' };
    return this.deps.db.transaction().execute(async (trx): Promise<SubmitOutcome> => {
      const opened = await this.open(session, serviceId, draftId, trx, true);
      if (!opened) throw new AppError('not-found', 404);
      const { draft, form } = opened;
      if (draft.status === 'submitted') return { kind: 'done', result: { applicationId: draft.applicationId!, number: draft.applicationNumber! } };
      if (draft.latestVersion !== undefined && draft.latestVersion > draft.version) return { kind: 'outdated', opened };
      const errors = this.errors(form, draft.answers, draft.prefill, locale);
      if (Object.keys(errors).length > 0) return { kind: 'errors', opened, errors };
      const submission = await this.submission(trx, draft, form.def, session, locale);
      const result = await handler(submission, trx);
      if (!result?.applicationId || !result.number) throw new Error('forms: the submit handler gave no application');
      await markSubmitted(trx, draft.id, result);
      return { kind: 'done', result };
    });
  }

  private async submission(db: Db, draft: Draft, def: FormDefinition, session: Session, locale: Locale): Promise<Submission> {
    const answers = visibleAnswers(def, draft.answers);
    const fields = fieldMap(def);
    const fileAnswers = Object.entries(answers).filter(([name]) => fields.get(name)?.widget === 'file');
    // Most forms have no file: no query for them on the way to submitting.
    const uploads = new Map(fileAnswers.length === 0 ? [] : (await uploadsOf(db, draft.id)).map((u) => [u.id, u]));
    const files = fileAnswers.map(([name, id]) => {
      const u = uploads.get(String(id))!;
      return { field: name, uploadId: u.id, name: u.name, mime: u.mime, size: u.size, sha256: u.sha256 };
    });
    const prefilled = Object.entries(answers).flatMap(([name, value]) => {
      const entry = draft.prefill[name];
      if (entry?.status !== 'ok') return [];
      const same = fields.get(name)?.prefill?.list ? entry.options?.some((o) => o.value === String(value)) : entry.value === value;
      return same ? [{ field: name, source: entry.source, at: entry.at }] : [];
    });
    return {
      draftId: draft.id, serviceId: draft.serviceId, formVersion: draft.version, personId: session.person.id, businessId: draft.businessId,
      answers, files, prefilled, idempotencyKey: draft.id, channel: 'portal', locale,
    };
  }
}

/** The upload ids a draft's answers name. */
function fileIds(def: FormDefinition, answers: Answers): string[] {
  const fields = fieldMap(def);
  return Object.entries(answers).filter(([name, v]) => fields.get(name)?.widget === 'file' && typeof v === 'string').map(([, v]) => v as string);
}
