// Forms as data (issue #7): a service's form is a YAML file of steps, fields and a JSON
// Schema of the answers, published in versions; citizens fill it one step per page,
// prefilled from the registries through the exchange, and submit it to whoever registered
// the submit handler (the applications module).
import type { FastifyInstance } from 'fastify';
import { REGISTRIES } from '../registries/index.js';
import { fromRoot, type AppContext, type Module } from '../platform/index.js';
import { readFormDirectory, readFormSources, type DefinitionContext } from './definition.js';
import { editorRoutes } from './editor.js';
import { formsMigrations } from './forms.tables.js';
import type { PrefillExchange } from './prefill.js';
import { formRoutes } from './routes.js';
import { FormsService, type ServiceList } from './service.js';
import { demoSources, FormStore, insertForm } from './store.js';
import type { FormDefinition, SubmitHandler } from './forms.types.js';

export type { FormsTables } from './forms.tables.js';
export type { FormDefinition, FormField, FormStep, Prefill, Submission, SubmitHandler, SubmitResult, SubmittedFile, Widget } from './forms.types.js';
export { FormDefinitionError, formatProblem, parseFormDefinition, readFormDirectory, type DefinitionProblem } from './definition.js';
export { draftsOf, readUpload } from './store.js';
export type { PrefillExchange } from './prefill.js';

/** The demo forms shipped in the repository, one file per service. */
export const DEMO_FORMS_DIR = fromRoot('demo', 'forms');

/** The exchange services a prefill may call: those of the registries' central configuration. */
export const EXCHANGE_SERVICES: ReadonlySet<string> = new Set(REGISTRIES.flatMap((r) => r.services.map((s) => `${r.member.class}/${r.member.code}/${r.subsystem}/${s.code}`)));

export interface FormsOptions {
  /** The portal's client of the exchange (`exchangeModule()`), through which prefill asks the registries. */
  exchange?: PrefillExchange;
  /** The catalog's services: their names on the pages, and the ids a definition may name. */
  services?: ServiceList;
  /** How long a registry may take to answer a prefill; 4 s unless said. */
  prefillTimeoutMs?: number;
  /** Where the demo forms are read from (tests may point elsewhere). */
  dir?: string;
}

export interface FormsModule extends Module {
  /**
   * The applications module registers what happens on final submit. The handler is called
   * in the transaction that marks the draft submitted; its optional second argument is
   * that transaction (`trx`), so the application and the draft commit together.
   */
  onSubmit(handler: SubmitHandler): void;
  /** A published version of a service's form (the latest when no version is named). */
  definition(serviceId: string, version?: number): Promise<FormDefinition | undefined>;
}

export function formsModule(deps: FormsOptions = {}): FormsModule {
  let store: FormStore | undefined;
  let service: FormsService | undefined;
  let handler: SubmitHandler | undefined;
  const context = (): DefinitionContext => {
    const services = deps.services?.() ?? [];
    return { exchangeServices: EXCHANGE_SERVICES, ...(services.length > 0 ? { services: new Set(services.map((s) => s.id)) } : {}) };
  };

  return {
    name: 'forms',
    migrations: formsMigrations,
    /** Publishes each demo form whose version is not there yet (a broken file stops the start, with its line). */
    async seed(ctx: AppContext) {
      const dir = deps.dir ?? DEMO_FORMS_DIR;
      // A start where every file is as published reads no YAML: parsing and compiling every
      // form took a quarter of a second of each start.
      const published = await demoSources(ctx.db);
      if ((await readFormSources(dir)).every((f) => published.has(f.source))) return false;
      const forms = await readFormDirectory(dir, context());
      let added = 0;
      for (const { definition, source } of forms) if (await insertForm(ctx.db, definition, source, null)) added++;
      if (added > 0) ctx.log.info({ forms: added }, 'demo forms published');
      return added > 0;
    },
    async start(ctx: AppContext) {
      store = new FormStore(ctx.db);
      service = new FormsService({ db: ctx.db, store, exchange: deps.exchange, services: deps.services, log: ctx.log, prefillTimeoutMs: deps.prefillTimeoutMs ?? 4000 });
      service.handler = handler;
    },
    routes(app: FastifyInstance, ctx: AppContext) {
      if (!store || !service) throw new Error('forms routes registered before start');
      formRoutes(app, service);
      editorRoutes(app, { db: ctx.db, store, forms: service, context });
    },
    onSubmit(h) {
      handler = h;
      if (service) service.handler = handler;
    },
    async definition(serviceId: string, version?: number) {
      if (!store) throw new Error('forms: definition() asked before start');
      return (await store.get(serviceId, version))?.def;
    },
    ready: () => store !== undefined,
  };
}
