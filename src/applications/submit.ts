import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CatalogSnapshot, Service } from '../catalog/index.js';
import { notify } from '../identity/index.js';
import { AppError, enqueue, type Db } from '../platform/index.js';
import type { ApplicationsConfig } from './config.js';
import type { PaymentsApi, Submission, SubmitResult, WorkflowApi } from './contract.js';
import type { NumberPool } from './numbers.js';
import { fullName, routeOf, type Applicants } from './routing.js';
import { ApplicationService } from './service.js';

export { formatNumber } from './numbers.js';

/** The unit an application goes to inside its agency (demo: every agency has one). */
export const UNIT = 'applications';
/** Asks for an application's routing after commit, when the applicant's address was not at hand. */
export const ROUTE_TOPIC = 'applications.route';

/** The year in Tashkent (UTC+5, no daylight saving): numbers start again at 1 on its New Year. */
export const tashkentYear = (at: Date) => new Date(at.getTime() + 5 * 3600_000).getUTCFullYear();

/** The workflow a service follows: the data file says, else a fee means paying first. */
export function workflowIdOf(config: ApplicationsConfig, service: Service): string {
  return config.services.get(service.id)?.workflow ?? (service.feeBhm > 0 ? 'with-payment' : 'standard');
}

export interface SubmitDeps {
  db: Db;
  log: Logger;
  catalog: () => CatalogSnapshot | undefined;
  workflow: WorkflowApi;
  payments?: PaymentsApi;
  config: ApplicationsConfig;
  applicants: Applicants;
  numbers: NumberPool;
  now: () => Date;
}

/** Another transaction made an application with the same key meanwhile: asked again, it is found. */
class KeyRace extends Error {}

/**
 * Turns a submission into an application, in ONE transaction: the application with its
 * number, the first step of its workflow, the invoice when the service has a fee, the
 * notification; the forms module marks the draft submitted in the same transaction (it hands
 * it in). The same key twice is the same application, with no second number.
 *
 * Nothing here waits for another system: the applicant's address comes from a cache, and when
 * it is not there the routing is asked of the population register after commit (outbox), so a
 * slow register neither holds the transaction nor loses the submission.
 */
export class Submitter {
  constructor(private readonly deps: SubmitDeps) {}

  /** The forms module's submit handler: in its transaction when it gives one, else in one of our own. */
  async submit(submission: Submission, trx?: Db): Promise<SubmitResult> {
    if (trx) return this.inTransaction(trx, submission, false);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.db.transaction().execute((t) => this.inTransaction(t, submission, attempt > 1));
      } catch (error) {
        if (!(error instanceof KeyRace) || attempt >= 3) throw error;
      }
    }
  }

  private async inTransaction(trx: Db, s: Submission, checkKey: boolean): Promise<SubmitResult> {
    const { workflow, payments, config } = this.deps;
    // A key already used shows when the application is inserted (one statement fewer on every
    // submission); asked again after that, the application made is answered.
    if (checkKey) {
      const existing = await trx.selectFrom('applications_application').select(['id', 'number', 'person_id']).where('idempotency_key', '=', s.idempotencyKey).executeTakeFirst();
      if (existing) return same(existing, s);
    }
    const snapshot = this.deps.catalog();
    const service = snapshot?.service(s.serviceId);
    if (!snapshot || !service) throw new AppError('applications.service-unknown', 404);
    const definition = workflow.definition(workflowIdOf(config, service));
    const applicant = await this.deps.applicants.get(trx, s.personId);
    if (!applicant) throw new AppError('applications.applicant-unknown', 400);
    const route = routeOf(config, applicant, s.channel, s.centreId);
    if (!route) throw new AppError('applications.centre-unknown', 400);
    const now = this.deps.now();
    const year = tashkentYear(now);
    const id = randomUUID();
    const fee = service.feeBhm > 0 ? snapshot.fee(service, now) : undefined;

    const { state, dueAt } = await workflow.begin(trx, {
      subject: id, definition: { id: definition.id, version: definition.version }, at: now,
      actor: { kind: 'applicant', id: s.personId, name: fullName(applicant) },
    });
    let invoiceId: string | null = null;
    if (fee && fee.onlineTiyin > 0) {
      if (!payments) throw new Error('applications: a service with a fee needs the payments module');
      ({ invoiceId } = await payments.createInvoice(trx, {
        subject: id, payerPersonId: s.personId, businessId: s.businessId, serviceId: s.serviceId,
        amountTiyin: fee.onlineTiyin, fullAmountTiyin: fee.fullTiyin, discountPercent: fee.discount, description: service.name,
        returnPath: `/cabinet/applications/${id}`,
      }));
    }
    const row = {
      id, year, service_id: s.serviceId, form_version: s.formVersion,
      answers: JSON.stringify(s.answers), files: JSON.stringify(s.files), prefilled: JSON.stringify(s.prefilled),
      person_id: s.personId, business_id: s.businessId, applicant_pinfl: applicant.pinfl, applicant_name: JSON.stringify(applicant.name),
      locale: s.locale, agency_id: service.agencyId, unit: UNIT, region: route.region, district: route.district,
      channel: s.channel, centre_id: s.channel === 'centre' ? s.centreId ?? null : null,
      workflow_id: definition.id, workflow_version: definition.version, state, active: ApplicationService.isActive(definition, state),
      due_at: dueAt, idempotency_key: s.idempotencyKey, invoice_id: invoiceId,
    };
    const made = await this.deps.numbers.insertNumbered(trx, year, row);
    if (!made) {
      const existing = await trx.selectFrom('applications_application').select(['id', 'number', 'person_id']).where('idempotency_key', '=', s.idempotencyKey).executeTakeFirst();
      // Made by a transaction that committed after our check: the next attempt returns it.
      if (existing) throw new KeyRace();
      throw new Error('applications: the application was not made');
    }
    await notify(trx, { personId: s.personId, businessId: s.businessId, messageKey: 'applications.notice.received', params: { number: made.number }, link: `/cabinet/applications/${id}` });
    if (s.channel === 'portal' && !route.region && applicant.pinfl) await enqueue(trx, ROUTE_TOPIC, { id });
    return { applicationId: id, number: made.number };
  }
}

function same(existing: { id: string; number: string | null; person_id: string }, s: Submission): SubmitResult {
  if (existing.person_id !== s.personId || !existing.number) throw new AppError('applications.key-taken', 409);
  return { applicationId: existing.id, number: existing.number };
}
