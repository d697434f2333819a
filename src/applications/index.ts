// Applications (issue #7): submission with a gapless number, routing to the agency and the
// applicant's region, the citizen's pages, the back office's queues and decisions, ratings;
// and the wiring of forms, workflow, payments and documents around them.
import type { FastifyInstance } from 'fastify';
import type { CatalogSnapshot } from '../catalog/index.js';
import type { AppContext, Db, Module } from '../platform/index.js';
import { applicationsMigrations } from './applications.tables.js';
import { cabinetApplicationRoutes } from './cabinet.js';
import { readApplicationsConfig, type ApplicationsConfig } from './config.js';
import type { DocumentsApi, ExchangeLike, FormsApi, PaymentsApi, Submission, SubmitResult, WorkflowApi } from './contract.js';
import { officeApplicationRoutes } from './office.js';
import { ratingRoutes } from './ratings.js';
import { NumberPool } from './numbers.js';
import { Applicants } from './routing.js';
import { ApplicationService, type FormFieldsLookup } from './service.js';
import { findApplication } from './store.js';
import { ROUTE_TOPIC, Submitter, tashkentYear } from './submit.js';

export type { ApplicationsTables } from './applications.tables.js';
export type { Submission, SubmitResult } from './contract.js';
export { queueCounts } from './office.js';
export { QUEUES, type Queue } from './store.js';
export { ratingsOf, type RatingSummary } from './ratings.js';
export { readApplicationsConfig, type ApplicationsConfig } from './config.js';
export { formatNumber, tashkentYear } from './submit.js';

export interface ApplicationsDeps {
  catalog: () => CatalogSnapshot | undefined;
  workflow: WorkflowApi;
  forms?: FormsApi & FormFieldsLookup;
  payments?: PaymentsApi;
  documents?: DocumentsApi;
  /** The exchange, for the applicant's registered address (population register). */
  exchange?: ExchangeLike;
  config?: ApplicationsConfig;
  /** The clock (tests move it); the workflow module should share it. */
  now?: () => Date;
}

export interface ApplicationsModule extends Module {
  /** The submit handler (registered with the forms module at start): in `trx` when given, else in a transaction of its own. */
  submit(submission: Submission, trx?: Db): Promise<SubmitResult>;
  readonly service: ApplicationService | undefined;
}

export function applicationsModule(deps: ApplicationsDeps): ApplicationsModule {
  const now = deps.now ?? (() => new Date());
  let service: ApplicationService | undefined;
  let submitter: Submitter | undefined;
  let config: ApplicationsConfig | undefined;
  let numbers: NumberPool | undefined;
  return {
    name: 'applications',
    migrations: applicationsMigrations,
    get service() { return service; },
    async start(ctx: AppContext) {
      config = deps.config ?? readApplicationsConfig();
      // A fee means paying first: a mapped service with a fee whose workflow never waits for a payment is a mistake in the data.
      const snapshot = deps.catalog();
      for (const [id, { workflow: wf }] of config.services) {
        const def = deps.workflow.definition(wf);
        const svc = snapshot?.service(id);
        if (svc && svc.feeBhm > 0 && !ApplicationService.awaitsPayment(def, def.initial)) {
          throw new Error(`demo/applications/services.yaml: ${id} has a fee, but its workflow "${wf}" does not begin by waiting for the payment`);
        }
      }
      service = new ApplicationService({
        db: ctx.db, log: ctx.log, catalog: deps.catalog, workflow: deps.workflow, payments: deps.payments, documents: deps.documents,
        forms: deps.forms, config, now,
      });
      const applicants = new Applicants({ exchange: deps.exchange, log: ctx.log });
      numbers = new NumberPool(ctx.db, ctx.log);
      await numbers.ensure(tashkentYear(now()));
      submitter = new Submitter({ db: ctx.db, log: ctx.log, catalog: deps.catalog, workflow: deps.workflow, payments: deps.payments, config, applicants, numbers, now });
      const s = service;
      deps.forms?.onSubmit((submission, trx) => submitter!.submit(submission, trx));
      ctx.outbox.on('payments.paid', (payload: { invoiceId: string; subject: string }) => s.onPaid(payload));
      deps.workflow.onOverdue((subject) => s.onOverdue(subject));
      // Routing by the registered address, when it was not known at submission: asked after commit, retried by the outbox.
      ctx.outbox.on(ROUTE_TOPIC, async (payload: { id: string }) => {
        const app = await findApplication(ctx.db, String(payload.id));
        if (!app || app.region || app.channel !== 'portal') return;
        const place = await applicants.locate(app.person_id, { pinfl: app.applicant_pinfl, name: app.applicant_name });
        if (!place) return;
        await ctx.db.updateTable('applications_application').set({ region: place.region, district: place.district })
          .where('id', '=', app.id).where('region', 'is', null).execute();
      });
    },
    async stop() { await numbers?.idle(); },
    routes(app: FastifyInstance, ctx: AppContext) {
      if (!service || !config) throw new Error('applications routes registered before start');
      const pages = { db: ctx.db, service, payments: deps.payments, config, catalog: deps.catalog };
      cabinetApplicationRoutes(app, pages);
      officeApplicationRoutes(app, { ...pages, forms: deps.forms, now });
      ratingRoutes(app, { db: ctx.db, catalog: deps.catalog });
    },
    submit(submission, trx) {
      if (!submitter) throw new Error('applications module used before start');
      return submitter.submit(submission, trx);
    },
  };
}
