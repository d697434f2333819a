// What the applications module uses of the four modules it wires (the contract of issue #7),
// written as structural types that the modules' own objects fit: src/app.ts hands them in, and
// tests may hand in others. Only the workflow's types and its calendar are imported directly.
import type { Db, Locale, LocalText } from '../platform/index.js';

export interface Submission {
  draftId: string; serviceId: string; formVersion: number; personId: string; businessId: string | null;
  answers: Record<string, unknown>;
  files: { field: string; uploadId: string; name: string; mime: string; size: number; sha256: string }[];
  prefilled: { field: string; source: string; at: string }[];
  /** The draft id: submitting a draft twice makes one application. */
  idempotencyKey: string;
  channel: 'portal' | 'centre'; centreId?: string; locale: Locale;
}

export interface SubmitResult { applicationId: string; number: string }

export interface FormsApi {
  /** The handler runs in the forms module's transaction (its second argument), which marks the draft submitted. */
  onSubmit(handler: (submission: Submission, trx: Db) => Promise<SubmitResult>): void;
}

// The workflow module is in place: its own types.
export type { WorkflowDefinition, ActorKind, Actor } from '../workflow/index.js';
import type { WorkflowDefinition, Actor } from '../workflow/index.js';

export interface TransitionRecord {
  at: Date; from: string; to: string; action: string; actorKind: string; actorId: string | null; actorName: string | null; reason: string | null;
}

export interface Term { days: number; kind: 'working' | 'calendar' }

export interface WorkflowApi {
  definition(id: string, version?: number): WorkflowDefinition;
  definitions?(): WorkflowDefinition[];
  /** The subject's first entry, in the definition's initial state (the first transition of its history). */
  begin(trx: Db, input: { subject: string; definition: { id: string; version: number }; actor?: Actor; at?: Date; term?: Term | null }):
    Promise<{ state: string; dueAt: Date | null }>;
  transition(trx: Db, input: { subject: string; definition: { id: string; version: number }; from: string; action: string; actor: Actor; reason?: string; at?: Date; term?: Term | null }):
    Promise<{ state: string; dueAt: Date | null }>;
  history(db: Db, subject: string): Promise<TransitionRecord[]>;
  onOverdue(handler: (subject: string) => Promise<void>): void;
}

export interface InvoiceLike { id: string; status: string; amountTiyin: number; subject?: string }

export interface PaymentsApi {
  createInvoice(trx: Db, input: {
    subject: string; payerPersonId: string; businessId: string | null; serviceId: string;
    amountTiyin: number; fullAmountTiyin: number; discountPercent: number; description: LocalText;
    /** Where the payer comes back to, after the locale prefix. */
    returnPath?: string;
  }): Promise<{ invoiceId: string }>;
  invoicesOf(db: Db, subject: string): Promise<InvoiceLike[]>;
  refund(trx: Db, invoiceId: string, reason: string): Promise<void>;
  /** Cancels a pending invoice; false if it was not pending. */
  cancel?(trx: Db, invoiceId: string): Promise<boolean>;
}

export interface DocumentsApi {
  issue(trx: Db, input: {
    subject: string; personId: string; businessId: string | null; agencyId: string; locale: Locale; title: string; number: string;
    lines: [string, string][]; decision: 'approved' | 'rejected'; signedBy: string;
  }): Promise<{ documentId: string }>;
  revoke(trx: Db, documentId: string, reason: string): Promise<void>;
}

/** The exchange as the portal calls it (src/exchange: `ExchangeModule.call`). */
export interface ExchangeLike {
  call<T = unknown>(request: { service: string; path?: string; query?: Record<string, string | number | undefined> | string; userId?: string; issue?: string; timeoutMs?: number }):
    Promise<{ ok: true; status: number; data: T } | { ok: false; error: string; message: string; status?: number }>;
}
