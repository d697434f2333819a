// Invoices and what happens to them: made, credited once, refunded, cancelled. Every change
// to an invoice or its transactions first takes the invoice's row lock (`lockInvoice`), so
// retries, replays and concurrent callbacks queue up behind one another instead of racing.
import { randomUUID } from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import { enqueue, type Db, type LocalText } from '../platform/index.js';
import type { InvoiceStatus, PaymentsTables, Provider, TransactionState } from './payments.tables.js';

export type InvoiceRow = Selectable<PaymentsTables['payments_invoice']>;
export type TransactionRow = Selectable<PaymentsTables['payments_transaction']>;
export type ReceiptRow = Selectable<PaymentsTables['payments_receipt']>;

/** An invoice as other modules see it. */
export interface Invoice {
  id: string;
  subject: string;
  payerPersonId: string;
  businessId: string | null;
  serviceId: string;
  amountTiyin: number;
  fullAmountTiyin: number;
  discountPercent: number;
  description: LocalText;
  status: InvoiceStatus;
  /** Who took the payment, once paid. */
  provider: Provider | null;
  createdAt: Date;
  paidAt: Date | null;
  refundRequestedAt: Date | null;
  refundReason: string | null;
  refundedAt: Date | null;
  cancelledAt: Date | null;
}

export interface NewInvoice {
  subject: string;
  payerPersonId: string;
  businessId: string | null;
  serviceId: string;
  amountTiyin: number;
  fullAmountTiyin: number;
  discountPercent: number;
  description: LocalText;
  /** Where the processor sends the payer back, after `/{locale}`; default `/cabinet/applications/{subject}`. */
  returnPath?: string;
}

/** The topics this module puts in the outbox. */
export const PAID_TOPIC = 'payments.paid';
export const REFUNDED_TOPIC = 'payments.refunded';
/** Internal: a Payme refund is asked of the processor after commit; it answers with CancelTransaction. */
export const REFUND_REQUESTED_TOPIC = 'payments.refund-requested';

export interface PaidEvent { invoiceId: string; subject: string; amountTiyin: number; provider: Provider; paidAt: string }
export interface RefundedEvent { invoiceId: string; subject: string }
export interface RefundRequestedEvent { invoiceId: string; provider: Provider; providerTxnId: string }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Whether text can be an invoice id; anything else is not looked up (and never reaches a uuid cast). */
export const isInvoiceId = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

export function toInvoice(row: InvoiceRow): Invoice {
  return {
    id: row.id, subject: row.subject, payerPersonId: row.payer_person_id, businessId: row.business_id, serviceId: row.service_id,
    amountTiyin: Number(row.amount_tiyin), fullAmountTiyin: Number(row.full_amount_tiyin), discountPercent: Number(row.discount_percent),
    description: row.description, status: row.status, provider: row.provider, createdAt: row.created_at, paidAt: row.paid_at,
    refundRequestedAt: row.refund_requested_at, refundReason: row.refund_reason, refundedAt: row.refunded_at, cancelledAt: row.cancelled_at,
  };
}

function checkNewInvoice(input: NewInvoice): void {
  const { amountTiyin, fullAmountTiyin, discountPercent } = input;
  if (!Number.isSafeInteger(amountTiyin) || amountTiyin <= 0) throw new Error(`invoice amount must be a positive whole number of tiyin (got ${amountTiyin})`);
  if (!Number.isSafeInteger(fullAmountTiyin) || fullAmountTiyin < amountTiyin) throw new Error(`invoice full amount must be whole tiyin, at least the amount (got ${fullAmountTiyin})`);
  if (!Number.isFinite(discountPercent) || discountPercent < 0 || discountPercent >= 100) throw new Error(`invoice discount must be 0 to 99 % (got ${discountPercent})`);
  if (!input.subject || !input.payerPersonId || !input.serviceId) throw new Error('invoice needs a subject, a payer and a service');
  if (input.returnPath !== undefined && !/^\/[\w\-./]*$/.test(input.returnPath)) throw new Error(`invoice return path must be a local path (got ${input.returnPath})`);
}

/**
 * Makes the invoice of a subject for a service, or returns the live one (pending or paid)
 * already made for them: asking twice, even at once, gives one invoice.
 */
export async function createInvoice(trx: Db, input: NewInvoice): Promise<{ invoiceId: string }> {
  checkNewInvoice(input);
  // The partial index's predicate as literals: a prepared statement's generic plan cannot match parameters to it.
  const inserted = await trx.insertInto('payments_invoice').values({
    id: randomUUID(), subject: input.subject, payer_person_id: input.payerPersonId, business_id: input.businessId, service_id: input.serviceId,
    amount_tiyin: input.amountTiyin, full_amount_tiyin: input.fullAmountTiyin, discount_percent: input.discountPercent,
    description: JSON.stringify(input.description), provider: null, return_path: input.returnPath ?? null,
    paid_at: null, cancelled_at: null, refund_requested_at: null, refund_reason: null, refunded_at: null,
  }).onConflict((oc) => oc.columns(['subject', 'service_id']).where(sql<boolean>`status in ('pending', 'paid')`).doNothing())
    .returning('id').executeTakeFirst();
  if (inserted) return { invoiceId: inserted.id };
  const existing = await trx.selectFrom('payments_invoice').select('id')
    .where('subject', '=', input.subject).where('service_id', '=', input.serviceId).where('status', 'in', ['pending', 'paid'])
    .executeTakeFirstOrThrow();
  return { invoiceId: existing.id };
}

export async function findInvoice(db: Db, invoiceId: string): Promise<InvoiceRow | undefined> {
  if (!isInvoiceId(invoiceId)) return undefined;
  return db.selectFrom('payments_invoice').selectAll().where('id', '=', invoiceId).executeTakeFirst();
}

/** The invoice, locked until the transaction ends: every change to it or its transactions starts here. */
export async function lockInvoice(trx: Db, invoiceId: string): Promise<InvoiceRow | undefined> {
  if (!isInvoiceId(invoiceId)) return undefined;
  return trx.selectFrom('payments_invoice').selectAll().where('id', '=', invoiceId).forUpdate().executeTakeFirst();
}

export async function invoicesOf(db: Db, subject: string): Promise<Invoice[]> {
  const rows = await db.selectFrom('payments_invoice').selectAll().where('subject', '=', subject).orderBy('created_at').orderBy('id').execute();
  return rows.map(toInvoice);
}

export async function findTransaction(db: Db, provider: Provider, providerTxnId: string): Promise<TransactionRow | undefined> {
  return db.selectFrom('payments_transaction').selectAll().where('provider', '=', provider).where('provider_txn_id', '=', providerTxnId).executeTakeFirst();
}

export async function transactionById(db: Db, id: number): Promise<TransactionRow | undefined> {
  return db.selectFrom('payments_transaction').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A transaction's row as it is under the invoice's lock (call after `lockInvoice`). */
export async function lockTransaction(trx: Db, id: number): Promise<TransactionRow> {
  return trx.selectFrom('payments_transaction').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
}

/** Records a processor's transaction in state 1; undefined when that id was recorded meanwhile. */
export async function insertTransaction(trx: Db, row: { provider: Provider; providerTxnId: string; invoiceId: string; amountTiyin: number; providerTime: number | null; createdAt: Date; detail: Record<string, unknown> }): Promise<TransactionRow | undefined> {
  return trx.insertInto('payments_transaction').values({
    provider: row.provider, provider_txn_id: row.providerTxnId, invoice_id: row.invoiceId, amount_tiyin: row.amountTiyin, state: 1,
    provider_time: row.providerTime, created_at: row.createdAt, performed_at: null, cancelled_at: null, reason: null, detail: JSON.stringify(row.detail),
  }).onConflict((oc) => oc.columns(['provider', 'provider_txn_id']).doNothing()).returningAll().executeTakeFirst();
}

/** Transactions of the invoice still waiting to be performed (state 1). */
export async function openTransactions(trx: Db, invoiceId: string, provider: Provider): Promise<TransactionRow[]> {
  return trx.selectFrom('payments_transaction').selectAll().where('invoice_id', '=', invoiceId).where('provider', '=', provider).where('state', '=', 1).execute();
}

export async function cancelTransaction(trx: Db, id: number, state: -1 | -2, reason: number | null, at: Date): Promise<void> {
  await trx.updateTable('payments_transaction').set({ state, cancelled_at: at, reason }).where('id', '=', id).execute();
}

/**
 * Credits the invoice with a transaction, under the invoice's lock: the transaction is
 * performed, the invoice paid, the receipt written and 'payments.paid' enqueued, all in the
 * caller's database transaction. Refuses (throws) when the invoice is not pending, so a
 * second credit cannot happen even if a caller forgot to check.
 */
export async function credit(trx: Db, invoice: InvoiceRow, txn: TransactionRow, at: Date): Promise<void> {
  const paid = await trx.updateTable('payments_invoice').set({ status: 'paid', paid_at: at, provider: txn.provider })
    .where('id', '=', invoice.id).where('status', '=', 'pending').executeTakeFirst();
  if (Number(paid.numUpdatedRows) !== 1) throw new Error(`invoice ${invoice.id} is not pending; not credited again`);
  await trx.updateTable('payments_transaction').set({ state: 2 satisfies TransactionState, performed_at: at }).where('id', '=', txn.id).where('state', '=', 1).execute();
  await trx.insertInto('payments_receipt').values({
    invoice_id: invoice.id,
    number: sql<string>`to_char(${at}::timestamptz at time zone 'Asia/Tashkent', 'YYYY') || '-' || lpad(nextval('payments_receipt_number')::text, 6, '0')`,
    transaction_id: txn.id, provider: txn.provider, provider_txn_id: txn.provider_txn_id, amount_tiyin: Number(txn.amount_tiyin), paid_at: at,
  }).execute();
  await enqueue(trx, PAID_TOPIC, {
    invoiceId: invoice.id, subject: invoice.subject, amountTiyin: Number(invoice.amount_tiyin), provider: txn.provider, paidAt: at.toISOString(),
  } satisfies PaidEvent);
}

/** The money went back: the transaction is cancelled after performing (-2), the invoice refunded, 'payments.refunded' enqueued. */
export async function markRefunded(trx: Db, invoice: InvoiceRow, txn: TransactionRow, reason: number | null, at: Date, why?: string): Promise<void> {
  await cancelTransaction(trx, txn.id, -2, reason, at);
  await trx.updateTable('payments_invoice').set({ status: 'refunded', refunded_at: at, ...(why !== undefined ? { refund_reason: why } : {}) })
    .where('id', '=', invoice.id).execute();
  await enqueue(trx, REFUNDED_TOPIC, { invoiceId: invoice.id, subject: invoice.subject } satisfies RefundedEvent);
}

export async function performedTransaction(trx: Db, invoiceId: string): Promise<TransactionRow | undefined> {
  return trx.selectFrom('payments_transaction').selectAll().where('invoice_id', '=', invoiceId).where('state', '=', 2).executeTakeFirst();
}

/** Payme's reason code for a refund ("funds returned"). */
export const REASON_REFUND = 5;

/**
 * Refunds a paid invoice. Click has no refund callback, so the refund is recorded at once.
 * Payme returns money by calling our CancelTransaction: the request is recorded and, after
 * commit, put to the processor (the stand-in here; Payme's merchant cabinet in production),
 * whose CancelTransaction then marks it refunded. Asking again changes nothing.
 */
export async function refund(trx: Db, invoiceId: string, reason: string, at = new Date()): Promise<void> {
  const invoice = await lockInvoice(trx, invoiceId);
  if (!invoice) throw new Error(`no invoice ${invoiceId}`);
  if (invoice.status === 'refunded' || invoice.refund_requested_at) return;
  if (invoice.status !== 'paid') throw new Error(`invoice ${invoiceId} is ${invoice.status}: only a paid invoice is refunded`);
  const txn = await performedTransaction(trx, invoice.id);
  if (!txn) throw new Error(`invoice ${invoiceId} is paid but has no performed transaction`);
  const why = reason.slice(0, 1000);
  await trx.updateTable('payments_invoice').set({ refund_requested_at: at, refund_reason: why }).where('id', '=', invoice.id).execute();
  if (txn.provider === 'click') {
    await markRefunded(trx, invoice, txn, REASON_REFUND, at);
    return;
  }
  await enqueue(trx, REFUND_REQUESTED_TOPIC, { invoiceId: invoice.id, provider: txn.provider, providerTxnId: txn.provider_txn_id } satisfies RefundRequestedEvent);
}

/** Cancels a pending invoice (the application was withdrawn): no payment is taken for it afterwards. */
export async function cancelInvoice(trx: Db, invoiceId: string, at = new Date()): Promise<boolean> {
  const invoice = await lockInvoice(trx, invoiceId);
  if (!invoice || invoice.status !== 'pending') return false;
  await trx.updateTable('payments_invoice').set({ status: 'cancelled', cancelled_at: at }).where('id', '=', invoice.id).execute();
  return true;
}

export async function receiptOf(db: Db, invoiceId: string): Promise<ReceiptRow | undefined> {
  if (!isInvoiceId(invoiceId)) return undefined;
  return db.selectFrom('payments_receipt').selectAll().where('invoice_id', '=', invoiceId).executeTakeFirst();
}
