import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { CatalogSnapshot } from '../catalog/index.js';
import { logDataAccess, maySeeRecord, notify, type Session } from '../identity/index.js';
import { AppError, local, t, type Db, type Locale } from '../platform/index.js';
import type { ApplicationsConfig } from './config.js';
import type { Actor, ActorKind, DocumentsApi, PaymentsApi, WorkflowApi, WorkflowDefinition } from './contract.js';
import { findApplication, type Application } from './store.js';

/** What the officer's form of an action may carry. */
export interface OfficerInput { action: string; reason?: string; reasonCode?: string }
export interface Attachment { name: string; mime: string; data: Buffer }

export interface FormFieldsLookup {
  definition?(serviceId: string, version?: number): Promise<{ steps: { fields: { name: string; widget: string; label: Record<Locale, string>; options?: { value: string; label: Record<Locale, string> }[] }[] }[] } | undefined>;
}

export interface ServiceDeps {
  db: Db;
  log: Logger;
  catalog: () => CatalogSnapshot | undefined;
  workflow: WorkflowApi;
  payments?: PaymentsApi;
  documents?: DocumentsApi;
  forms?: FormFieldsLookup;
  config: ApplicationsConfig;
  /** The clock; tests move it. */
  now: () => Date;
}

export const MAX_TEXT = 4000;
export const MAX_FILE = 5 * 1024 * 1024;
/** The files an answer may carry, checked on their content. */
export const ANSWER_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];

const personName = (p: Session['person']) => [p.nameLatin.last, p.nameLatin.first, p.nameLatin.middle].filter(Boolean).join(' ');

/** The officer's name with their position, as the citizen reads it in "who looked at my data" and on documents. */
export function officerName(session: Session, agencyId: string): string {
  const position = session.roles.find((r) => r.agencyId === agencyId && r.position)?.position;
  return position ? `${personName(session.person)}, ${position}` : personName(session.person);
}

/**
 * The life of an application after submission: every change of state goes through the
 * workflow (which checks who may and records who, when and why) in the same transaction as
 * what comes with it: messages, the result document, refunds, notifications.
 */
export class ApplicationService {
  constructor(readonly deps: ServiceDeps) {}

  definitionOf(app: Pick<Application, 'workflow_id' | 'workflow_version'>): WorkflowDefinition {
    return this.deps.workflow.definition(app.workflow_id, app.workflow_version);
  }

  /** Waiting for the fee: the state the payment moves on from. */
  static awaitsPayment(def: WorkflowDefinition, state: string): boolean {
    return Object.values(def.actions).some((a) => a.from.includes(state) && a.on === 'payments.paid');
  }

  /** Whether officers work on an application in this state: not final, not waiting for the fee. */
  static isActive(def: WorkflowDefinition, state: string): boolean {
    return !def.states[state]?.final && !ApplicationService.awaitsPayment(def, state);
  }

  /** The actions open to these kinds of actor in the application's state. */
  actionsFor(app: Application, kinds: ActorKind[]): [string, WorkflowDefinition['actions'][string]][] {
    const def = this.definitionOf(app);
    return Object.entries(def.actions).filter(([, a]) => a.from.includes(app.state) && a.who.some((w) => kinds.includes(w)));
  }

  /** The kinds of back-office actor a session is for an agency: officer and/or head. */
  static officeKinds(session: Session, agencyId: string): ActorKind[] {
    const kinds = new Set<ActorKind>();
    for (const r of session.roles) if (r.agencyId === agencyId && (r.role === 'officer' || r.role === 'head')) kinds.add(r.role);
    return [...kinds];
  }

  /** Moves the application through the workflow and keeps its row in step. */
  async transition(trx: Db, app: Application, action: string, actor: Actor, reason?: string): Promise<Application> {
    const def = this.definitionOf(app);
    const at = this.deps.now();
    const { state, dueAt } = await this.deps.workflow.transition(trx, {
      subject: app.id, definition: { id: app.workflow_id, version: app.workflow_version }, from: app.state, action, actor, reason, at,
    });
    const changes = { state, due_at: dueAt, active: ApplicationService.isActive(def, state), escalated_at: state === app.state ? app.escalated_at : null, updated_at: at };
    await trx.updateTable('applications_application').set(changes).where('id', '=', app.id).execute();
    return { ...app, ...changes };
  }

  /** Opens an application for a back-office user: 404 unless they may see it; the read is logged for the citizen. */
  async openForOffice(session: Session, id: string, fields: string[]): Promise<Application> {
    const app = await findApplication(this.deps.db, id);
    if (!app || !maySeeRecord(session, { agencyId: app.agency_id, unit: app.unit, region: app.region, district: app.district })) throw new AppError('not-found', 404);
    const locale = app.locale as Locale;
    await logDataAccess(this.deps.db, {
      personId: app.person_id, accessorKind: 'officer', accessor: officerName(session, app.agency_id), agencyId: app.agency_id,
      purpose: t(locale, 'applications.access-purpose', { number: app.number ?? '' }), fields,
    });
    return app;
  }

  /** Loads and locks an application that a back-office user may see; 404 otherwise. */
  private async lockForOffice(trx: Db, session: Session, id: string): Promise<Application> {
    const app = await findApplication(trx, id, { lock: true });
    if (!app || !maySeeRecord(session, { agencyId: app.agency_id, unit: app.unit, region: app.region, district: app.district })) throw new AppError('not-found', 404);
    return app;
  }

  /** An officer takes an application: it is theirs, and a new one goes into review. */
  async claim(session: Session, id: string): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      let app = await this.lockForOffice(trx, session, id);
      if (!app.active) throw new AppError('applications.state-changed', 409);
      const kinds = ApplicationService.officeKinds(session, app.agency_id);
      const take = this.actionsFor(app, kinds).find(([name, a]) => name === 'take' || (!this.definitionOf(app).states[a.to]?.final && a.reason === undefined && a.to === 'in_review'));
      if (take) app = await this.transition(trx, app, take[0], this.actor(session, app, take[1].who));
      await trx.updateTable('applications_application').set({ assigned_to: session.person.id, assigned_name: officerName(session, app.agency_id) }).where('id', '=', app.id).execute();
    });
  }

  /** A head hands an application to an officer of the agency. */
  async reassign(session: Session, id: string, officerId: string): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const app = await this.lockForOffice(trx, session, id);
      if (!ApplicationService.officeKinds(session, app.agency_id).includes('head')) throw new AppError('not-found', 404);
      const officer = (await this.officersOf(trx, app.agency_id)).find((o) => o.id === officerId);
      if (!officer) throw new AppError('bad-request', 400);
      if (!app.active) throw new AppError('applications.state-changed', 409);
      await trx.updateTable('applications_application').set({ assigned_to: officer.id, assigned_name: officer.name }).where('id', '=', app.id).execute();
      await trx.insertInto('applications_message').values(this.systemMessage(app, 'applications.message.reassigned', { name: officer.name })).execute();
    });
  }

  /**
   * The people an application of an agency may be handed to: its officers and heads now in
   * force. identity exports no list of an agency's staff; its tables are read here.
   */
  async officersOf(db: Db, agencyId: string): Promise<{ id: string; name: string }[]> {
    const rows = await db.selectFrom('identity_role').innerJoin('identity_person', 'identity_person.id', 'identity_role.person_id')
      .select(['identity_person.id', 'identity_person.name_latin', 'identity_role.position'])
      .where('identity_role.agency_id', '=', agencyId).where('identity_role.role', 'in', ['officer', 'head']).where('identity_role.revoked_at', 'is', null)
      .orderBy('identity_person.id').execute();
    const seen = new Map<string, string>();
    for (const r of rows) {
      const name = [r.name_latin.last, r.name_latin.first, r.name_latin.middle].filter(Boolean).join(' ');
      if (!seen.has(r.id)) seen.set(r.id, r.position ? `${name}, ${r.position}` : name);
    }
    return [...seen].map(([personId, name]) => ({ id: personId, name }));
  }

  private actor(session: Session, app: Application, who: ActorKind[]): Actor {
    const kinds = ApplicationService.officeKinds(session, app.agency_id);
    const kind = kinds.find((k) => who.includes(k)) ?? kinds[0] ?? 'officer';
    return { kind, id: session.person.id, name: officerName(session, app.agency_id) };
  }

  /**
   * An officer's action on the application: asking for information, approving, rejecting,
   * or any other the workflow offers in its state. Approval and rejection issue the signed
   * document; a rejection refunds what was paid.
   */
  async officerAct(session: Session, id: string, input: OfficerInput): Promise<Application> {
    return this.deps.db.transaction().execute(async (trx) => {
      let app = await this.lockForOffice(trx, session, id);
      const kinds = ApplicationService.officeKinds(session, app.agency_id);
      const found = this.actionsFor(app, kinds).find(([name]) => name === input.action);
      if (!found) throw new AppError('applications.state-changed', 409);
      const [name, action] = found;
      const def = this.definitionOf(app);
      const reasonText = (input.reason ?? '').trim();
      const target = action.to;
      const rejecting = target === 'rejected';
      const reasonLabel = rejecting ? this.deps.config.rejectReasons.find((r) => r.id === input.reasonCode)?.label : undefined;
      const locale = app.locale as Locale;
      // The reason the workflow records: for a refusal, the reason from the list and the officer's words.
      const reason = rejecting && reasonLabel ? [local(reasonLabel, locale), reasonText].filter(Boolean).join('. ') : reasonText;
      const officer = this.actor(session, app, action.who);
      app = await this.transition(trx, app, name, officer, reason || undefined);
      const assigned = app.assigned_to ?? session.person.id;
      await trx.updateTable('applications_application').set({ assigned_to: assigned, assigned_name: app.assigned_name ?? officer.name ?? null }).where('id', '=', app.id).execute();
      const needsApplicant = Object.values(def.actions).some((a) => a.from.includes(target) && a.who.includes('applicant') && !def.states[a.to]?.final);
      if (def.states[target]?.final && (target === 'approved' || target === 'rejected')) {
        await this.decide(trx, app, { decision: target, reason, signedBy: officer.name ?? '' });
      } else if (needsApplicant && reasonText) {
        await trx.insertInto('applications_message').values({
          application_id: app.id, author_kind: 'officer', author_id: session.person.id, author_name: officer.name ?? null, kind: 'request', body: reasonText,
          file_name: null, file_mime: null, file_size: null, file_sha256: null, file_data: null, read_at: null,
        }).execute();
        await notify(trx, { personId: app.person_id, businessId: app.business_id, messageKey: 'applications.notice.info-requested', params: { number: app.number ?? '' }, link: `/cabinet/applications/${app.id}` });
      } else if (reasonText) {
        await trx.insertInto('applications_message').values({
          application_id: app.id, author_kind: 'officer', author_id: session.person.id, author_name: officer.name ?? null, kind: 'message', body: reasonText,
          file_name: null, file_mime: null, file_size: null, file_sha256: null, file_data: null, read_at: null,
        }).execute();
      }
      return app;
    });
  }

  /** The result: the signed document in the applicant's language, the refund after a refusal, the notification. */
  private async decide(trx: Db, app: Application, input: { decision: 'approved' | 'rejected'; reason: string; signedBy: string }): Promise<void> {
    const l = app.locale as Locale;
    const service = this.deps.catalog()?.service(app.service_id);
    const serviceName = service ? local(service.name, l) : app.service_id;
    const day = (d: Date) => new Date(d.getTime() + 5 * 3600_000).toISOString().slice(0, 10);
    const lines: [string, string][] = [
      [t(l, 'applications.doc.service'), serviceName],
      [t(l, 'applications.doc.submitted'), day(app.submitted_at)],
      [t(l, 'applications.doc.decided'), day(this.deps.now())],
      ...(await this.answerLines(app, l)),
    ];
    if (input.decision === 'rejected') lines.push([t(l, 'applications.doc.reason'), input.reason.slice(0, 2000) || '—']);
    let documentId: string | null = null;
    if (this.deps.documents) {
      ({ documentId } = await this.deps.documents.issue(trx, {
        subject: app.id, personId: app.person_id, businessId: app.business_id, agencyId: app.agency_id, locale: l,
        title: input.decision === 'approved' ? serviceName : t(l, 'applications.doc.refusal-title', { service: serviceName }),
        number: app.number ?? app.id, lines, decision: input.decision, signedBy: input.signedBy || '—',
      }));
    }
    await trx.updateTable('applications_application').set({ decision: input.decision, decided_at: this.deps.now(), document_id: documentId }).where('id', '=', app.id).execute();
    await trx.insertInto('applications_message').values({
      application_id: app.id, author_kind: 'officer', author_id: null, author_name: input.signedBy || null, kind: 'decision',
      body: input.decision === 'approved' ? (input.reason || t(l, 'applications.message.approved')) : input.reason,
      file_name: null, file_mime: null, file_size: null, file_sha256: null, file_data: null, read_at: null,
    }).execute();
    if (input.decision === 'rejected') await this.refundPaid(trx, app, input.reason || 'rejected');
    await notify(trx, {
      personId: app.person_id, businessId: app.business_id, messageKey: `applications.notice.${input.decision}`, params: { number: app.number ?? '' },
      link: `/cabinet/applications/${app.id}`,
    });
  }

  /** What the citizen answered, as label and value lines of the result document. */
  private async answerLines(app: Application, l: Locale): Promise<[string, string][]> {
    const form = await this.deps.forms?.definition?.(app.service_id, app.form_version).catch(() => undefined);
    if (!form) return [];
    const lines: [string, string][] = [];
    for (const field of form.steps.flatMap((s) => s.fields)) {
      const value = app.answers[field.name];
      if (field.widget === 'file' || value === undefined || value === null || value === '') continue;
      const text = field.options?.find((o) => o.value === value)?.label[l]
        ?? (typeof value === 'boolean' ? t(l, value ? 'applications.yes' : 'applications.no') : typeof value === 'object' ? JSON.stringify(value) : String(value));
      lines.push([(field.label[l] ?? field.name).slice(0, 200), text.slice(0, 2000)]);
      if (lines.length >= 40) break;
    }
    return lines;
  }

  /** Settles the fee of an application that ends without a result: a paid one is refunded, a pending one cancelled. */
  private async refundPaid(trx: Db, app: Application, reason: string): Promise<void> {
    if (!this.deps.payments) return;
    for (const invoice of await this.deps.payments.invoicesOf(trx, app.id)) {
      if (invoice.status === 'paid') await this.deps.payments.refund(trx, invoice.id, reason.slice(0, 500));
      else if (invoice.status === 'pending') await this.deps.payments.cancel?.(trx, invoice.id);
    }
  }

  /** Loads and locks an application for its applicant (or the business they act for); 404 otherwise. */
  private async lockForCitizen(trx: Db, session: Session, id: string, maySee: (s: Session, a: Application) => boolean): Promise<Application> {
    const app = await findApplication(trx, id, { lock: true });
    if (!app || !maySee(session, app)) throw new AppError('not-found', 404);
    return app;
  }

  /**
   * The applicant's actions: answering a request for information (text and a file), or
   * withdrawing. A withdrawal refunds what was paid.
   */
  async citizenAct(session: Session, id: string, input: { action: string; text: string; file?: Attachment }, maySee: (s: Session, a: Application) => boolean): Promise<Application> {
    return this.deps.db.transaction().execute(async (trx) => {
      let app = await this.lockForCitizen(trx, session, id, maySee);
      const found = this.actionsFor(app, ['applicant']).find(([name]) => name === input.action);
      if (!found) throw new AppError('applications.state-changed', 409);
      const [name, action] = found;
      const text = input.text.trim();
      const actor: Actor = { kind: 'applicant', id: session.person.id, name: personName(session.person) };
      app = await this.transition(trx, app, name, actor, text || undefined);
      const def = this.definitionOf(app);
      if (text || input.file) {
        await trx.insertInto('applications_message').values({
          application_id: app.id, author_kind: 'applicant', author_id: session.person.id, author_name: actor.name ?? null,
          kind: def.states[action.to]?.final ? 'message' : 'answer', body: text,
          ...fileColumns(input.file), read_at: null,
        }).execute();
      }
      if (action.to === 'withdrawn') await this.refundPaid(trx, app, 'withdrawn');
      return app;
    });
  }

  /** A message without a change of state, from the officer or from the applicant. */
  async message(session: Session, id: string, input: { from: 'officer' | 'applicant'; text: string; file?: Attachment }, maySee?: (s: Session, a: Application) => boolean): Promise<Application> {
    return this.deps.db.transaction().execute(async (trx) => {
      const app = input.from === 'officer' ? await this.lockForOffice(trx, session, id) : await this.lockForCitizen(trx, session, id, maySee!);
      const name = input.from === 'officer' ? officerName(session, app.agency_id) : personName(session.person);
      await trx.insertInto('applications_message').values({
        application_id: app.id, author_kind: input.from, author_id: session.person.id, author_name: name, kind: 'message', body: input.text.trim(),
        ...fileColumns(input.file), read_at: null,
      }).execute();
      if (input.from === 'officer') {
        await notify(trx, { personId: app.person_id, businessId: app.business_id, messageKey: 'applications.notice.message', params: { number: app.number ?? '' }, link: `/cabinet/applications/${app.id}` });
      }
      return app;
    });
  }

  /** A rating of the service, once per application, after the decision. */
  async rate(session: Session, id: string, input: { stars: number; comment: string }, maySee: (s: Session, a: Application) => boolean): Promise<boolean> {
    return this.deps.db.transaction().execute(async (trx) => {
      const app = await this.lockForCitizen(trx, session, id, maySee);
      if (!app.decision) throw new AppError('applications.state-changed', 409);
      const inserted = await trx.insertInto('applications_rating').values({
        application_id: app.id, service_id: app.service_id, person_id: session.person.id, stars: input.stars, comment: input.comment.trim() || null,
      }).onConflict((oc) => oc.column('application_id').doNothing()).returning('application_id').executeTakeFirst();
      return inserted !== undefined;
    });
  }

  /** The payment arrived (outbox 'payments.paid', at least once): the application moves on, once. */
  async onPaid(payload: { invoiceId: string; subject: string }): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const app = await findApplication(trx, String(payload.subject ?? ''), { lock: true });
      if (!app) return;
      const def = this.definitionOf(app);
      const action = Object.entries(def.actions).find(([, a]) => a.from.includes(app.state) && a.who.includes('system') && a.on === 'payments.paid');
      if (!action) return;
      await this.transition(trx, app, action[0], { kind: 'system', id: null, name: 'payments' });
      await notify(trx, { personId: app.person_id, businessId: app.business_id, messageKey: 'applications.notice.paid', params: { number: app.number ?? '' }, link: `/cabinet/applications/${app.id}` });
    });
  }

  /**
   * Past its term (the workflow's job calls this): an unpaid application is cancelled when its
   * workflow says so; any other is marked escalated and the heads of the agency are told.
   */
  async onOverdue(subject: string): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      let app = await findApplication(trx, subject, { lock: true });
      if (!app) return;
      const def = this.definitionOf(app);
      if (def.states[app.state]?.final) return;
      if (ApplicationService.awaitsPayment(def, app.state)) {
        const cancel = Object.entries(def.actions).find(([, a]) => a.from.includes(app!.state) && a.who.includes('system') && !a.on && def.states[a.to]?.final);
        if (cancel) {
          app = await this.transition(trx, app, cancel[0], { kind: 'system', id: null, name: 'term' });
          await this.refundPaid(trx, app, 'not paid in time');
          await notify(trx, { personId: app.person_id, businessId: app.business_id, messageKey: 'applications.notice.cancelled', params: { number: app.number ?? '' }, link: `/cabinet/applications/${app.id}` });
        }
        return;
      }
      if (app.escalated_at) return;
      await trx.updateTable('applications_application').set({ escalated_at: this.deps.now() }).where('id', '=', app.id).execute();
      await trx.insertInto('applications_message').values(this.systemMessage(app, 'applications.message.escalated', {})).execute();
      // The heads of the agency (identity exports no list of them; its table is read here).
      const heads = await trx.selectFrom('identity_role').select('person_id').distinct()
        .where('agency_id', '=', app.agency_id).where('role', '=', 'head').where('revoked_at', 'is', null).execute();
      for (const head of heads) {
        await notify(trx, { personId: head.person_id, messageKey: 'applications.notice.overdue', params: { number: app.number ?? '' }, link: `/office/applications/${app.id}` });
      }
    });
  }

  private systemMessage(app: Application, key: string, params: Record<string, string>) {
    return {
      application_id: app.id, author_kind: 'system', author_id: null, author_name: null, kind: 'message',
      body: t(app.locale as Locale, key, params), file_name: null, file_mime: null, file_size: null, file_sha256: null, file_data: null, read_at: null,
    };
  }
}

function fileColumns(file?: Attachment) {
  if (!file) return { file_name: null, file_mime: null, file_size: null, file_sha256: null, file_data: null };
  return { file_name: file.name.slice(0, 200), file_mime: file.mime, file_size: file.data.length, file_sha256: createHash('sha256').update(file.data).digest('hex'), file_data: file.data };
}
