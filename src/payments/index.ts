// Payments: invoices for fees, Payme's and Click's merchant protocols, receipts and refunds.
// Other modules use this file only. Events (outbox): 'payments.paid' { invoiceId, subject,
// amountTiyin, provider, paidAt } once per credited invoice; 'payments.refunded' { invoiceId, subject }.
import type { FastifyInstance } from 'fastify';
import type { AppContext, Db, Module } from '../platform/index.js';
import { merchantRoutes } from './merchant.routes.js';
import { payRoutes } from './pay.pages.js';
import { openPaymentsChannel, type PaymentsChannel } from './payments-channel.js';
import {
  cancelInvoice, createInvoice, findInvoice, invoicesOf, refund, REFUND_REQUESTED_TOPIC, toInvoice,
  type Invoice, type NewInvoice, type RefundRequestedEvent,
} from './payments.store.js';
import { paymentsMigrations } from './payments.tables.js';

export type { PaymentsTables, InvoiceStatus, Provider } from './payments.tables.js';
export type { Invoice, NewInvoice, PaidEvent, RefundedEvent } from './payments.store.js';
export { PAID_TOPIC, REFUNDED_TOPIC } from './payments.store.js';
export type { PaymentsChannel, PaymentsSettings } from './payments-channel.js';
export type { ProcessorStandin, StandinCall } from './processor.standin.js';

export interface PaymentsModule extends Module {
  /** Makes (or returns the existing, same subject and service) invoice. Amounts in tiyin, integers. */
  createInvoice(trx: Db, input: NewInvoice): Promise<{ invoiceId: string }>;
  invoice(db: Db, invoiceId: string): Promise<Invoice | undefined>;
  invoicesOf(db: Db, subject: string): Promise<Invoice[]>;
  /** Returns the fee of a paid invoice; 'payments.refunded' follows once the money is back. Again: nothing. */
  refund(trx: Db, invoiceId: string, reason: string): Promise<void>;
  /** Cancels a pending invoice (e.g. the application was withdrawn); false if it was not pending. */
  cancel(trx: Db, invoiceId: string): Promise<boolean>;
  /** The processors as this process reaches them; the stand-in's controls for tests. Set by start. */
  readonly channel: PaymentsChannel | undefined;
}

export function paymentsModule(options: { channel?: PaymentsChannel } = {}): PaymentsModule {
  let channel = options.channel;
  let opened = false;
  const current = () => {
    if (!channel) throw new Error('payments module used before start');
    return channel;
  };
  return {
    name: 'payments',
    migrations: paymentsMigrations,
    async start(ctx: AppContext) {
      if (!channel) { channel = await openPaymentsChannel(ctx.config); opened = true; }
      // A Payme refund is put to the processor after commit, and retried until it answers.
      ctx.outbox.on(REFUND_REQUESTED_TOPIC, async (event: RefundRequestedEvent) => {
        if (event.provider !== 'payme') return;
        if (!(await current().requestRefund(event.providerTxnId))) {
          ctx.log.warn({ invoice: event.invoiceId, transaction: event.providerTxnId }, 'Payme refund to be made in the merchant cabinet; Payme then calls CancelTransaction');
        }
      });
    },
    routes(app: FastifyInstance, ctx: AppContext) {
      merchantRoutes(app, { db: ctx.db, settings: () => current().settings, log: ctx.log });
      payRoutes(app, { db: ctx.db, channel: current, publicUrl: ctx.config.publicUrl });
    },
    async stop() { if (opened) await channel?.close(); },
    ready: () => channel !== undefined,
    createInvoice,
    async invoice(db, invoiceId) {
      const row = await findInvoice(db, invoiceId);
      return row && toInvoice(row);
    },
    invoicesOf,
    refund: (trx, invoiceId, reason) => refund(trx, invoiceId, reason),
    cancel: (trx, invoiceId) => cancelInvoice(trx, invoiceId),
    get channel() { return channel; },
  };
}
