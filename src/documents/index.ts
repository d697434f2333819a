import type { FastifyInstance } from 'fastify';
import type { AppContext, Db, Module } from '../platform/index.js';
import { openCa, type Ca } from '../identity/index.js';
import { documentsMigrations } from './documents.tables.js';
import { issueDocument, revokeDocument, type AgencyNames, type IssueInput } from './documents.service.js';
import { verifyRoutes } from './verify.js';
import { walletRoutes } from './wallet.js';

export type { DocumentsTables } from './documents.tables.js';
export type { IssueInput, AgencyNames, Verification } from './documents.service.js';

export interface DocumentsDeps {
  /** The CA that certifies the agencies' signing keys; the demo CA in DATA_DIR unless given. */
  ca?: Ca | (() => Promise<Ca>);
  /** The catalog's agencies, for their names in each language; without it the agency id is printed. */
  agencies?: AgencyNames;
}

export interface DocumentsModule extends Module {
  /** Renders the result PDF in the citizen's language, signs it with the agency's key, stores it; returns its id. */
  issue(trx: Db, input: IssueInput): Promise<{ documentId: string }>;
  /** Revokes a document with a reason; its public check then says so. Revoking twice keeps the first. */
  revoke(trx: Db, documentId: string, reason: string): Promise<void>;
}

/** Signed result documents: issue and revoke, the public check (`/verify/:id`) and the wallet in the cabinet. */
export function documentsModule(deps: DocumentsDeps = {}): DocumentsModule {
  let ca: Ca | undefined;
  let ctx: AppContext | undefined;
  const agencies: AgencyNames = deps.agencies ?? (() => []);
  const loadCa = async (): Promise<Ca> => {
    if (ca) return ca;
    if (!ctx) throw new Error('documents module used before start');
    const given = deps.ca;
    ca = typeof given === 'function' ? await given() : given ?? await openCa(ctx.config);
    return ca;
  };
  return {
    name: 'documents',
    migrations: documentsMigrations,
    async start(context: AppContext) {
      ctx = context;
      await loadCa();
    },
    routes(app: FastifyInstance, context: AppContext) {
      if (!ca) throw new Error('documents routes registered before start');
      const caPem = ca.certificatePem;
      verifyRoutes(app, { db: context.db, caPem: () => caPem, agencies });
      walletRoutes(app, { db: context.db, agencies });
    },
    ready: () => ca !== undefined,
    async issue(trx, input) {
      if (!ctx) throw new Error('documents module used before start');
      return issueDocument(trx, { ca: loadCa, publicUrl: ctx.config.publicUrl, agencies }, input);
    },
    revoke: (trx, documentId, reason) => revokeDocument(trx, documentId, reason),
  };
}
