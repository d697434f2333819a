// Invoices, the payment processors' transactions against them, and receipts. Amounts are
// integers in tiyin. Exactly-once crediting rests on the database, not on process memory:
// a processor's transaction id is unique per processor, an invoice has at most one performed
// transaction (a partial unique index), and every change takes the invoice's row lock first.
import { sql, type ColumnType, type Generated, type Kysely, type Migration } from 'kysely';
import type { LocalText } from '../platform/index.js';

type Json<T> = ColumnType<T, string, string>;

export type InvoiceStatus = 'pending' | 'paid' | 'cancelled' | 'refunded';
export type Provider = 'payme' | 'click';

/**
 * A processor transaction's state, as Payme numbers them (Click's are mapped onto them):
 * 1 created (Click: prepared), 2 performed (Click: completed), -1 cancelled before it was
 * performed, -2 cancelled after (the money returned).
 */
export type TransactionState = 1 | 2 | -1 | -2;

export interface PaymentsTables {
  payments_invoice: {
    id: string;
    /** What the fee is for: the application's id. */
    subject: string;
    payer_person_id: string;
    business_id: string | null;
    service_id: string;
    /** What is to be paid online, after the discount. */
    amount_tiyin: number;
    full_amount_tiyin: number;
    discount_percent: number;
    description: Json<LocalText>;
    status: Generated<InvoiceStatus>;
    /** Who took the payment, once paid. */
    provider: Provider | null;
    /** Where the processor sends the payer back, after the locale prefix. */
    return_path: string | null;
    created_at: Generated<Date>;
    paid_at: Date | null;
    cancelled_at: Date | null;
    refund_requested_at: Date | null;
    refund_reason: string | null;
    refunded_at: Date | null;
  };
  payments_transaction: {
    /** Ours: Payme's `transaction`, Click's `merchant_prepare_id` and `merchant_confirm_id`. */
    id: Generated<number>;
    provider: Provider;
    /** The processor's id (Payme `id`, Click `click_trans_id`), unique per processor. */
    provider_txn_id: string;
    invoice_id: string;
    amount_tiyin: number;
    state: TransactionState;
    /** Payme's `time` of the transaction (ms); Click's sign_time. */
    provider_time: number | null;
    created_at: Generated<Date>;
    performed_at: Date | null;
    cancelled_at: Date | null;
    /** Payme's reason code on cancellation, or Click's error code. */
    reason: number | null;
    /** What the processor said about it besides (Payme's account, Click's paydoc id). */
    detail: Json<Record<string, unknown>>;
  };
  payments_receipt: {
    invoice_id: string;
    /** Human number, `YYYY-NNNNNN`. */
    number: string;
    transaction_id: number;
    provider: Provider;
    provider_txn_id: string;
    amount_tiyin: number;
    paid_at: Date;
  };
}

export const paymentsMigrations: Record<string, Migration> = {
  '20261123_0800_payments_tables': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('payments_invoice')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('payer_person_id', 'text', (c) => c.notNull())
        .addColumn('business_id', 'text')
        .addColumn('service_id', 'text', (c) => c.notNull())
        .addColumn('amount_tiyin', 'bigint', (c) => c.notNull().check(sql`amount_tiyin > 0`))
        .addColumn('full_amount_tiyin', 'bigint', (c) => c.notNull().check(sql`full_amount_tiyin >= amount_tiyin`))
        .addColumn('discount_percent', 'numeric', (c) => c.notNull().defaultTo(0).check(sql`discount_percent >= 0 and discount_percent < 100`))
        .addColumn('description', 'jsonb', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'paid', 'cancelled', 'refunded')`))
        .addColumn('provider', 'text')
        .addColumn('return_path', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('paid_at', 'timestamptz')
        .addColumn('cancelled_at', 'timestamptz')
        .addColumn('refund_requested_at', 'timestamptz')
        .addColumn('refund_reason', 'text')
        .addColumn('refunded_at', 'timestamptz')
        .execute();
      // One live invoice per subject and service: asking again returns it.
      await sql`create unique index payments_invoice_live on payments_invoice (subject, service_id) where status in ('pending', 'paid')`.execute(db);
      await sql`create index payments_invoice_payer on payments_invoice (payer_person_id)`.execute(db);

      await db.schema.createTable('payments_transaction')
        .addColumn('id', 'bigserial', (c) => c.primaryKey())
        .addColumn('provider', 'text', (c) => c.notNull().check(sql`provider in ('payme', 'click')`))
        .addColumn('provider_txn_id', 'text', (c) => c.notNull())
        .addColumn('invoice_id', 'text', (c) => c.notNull().references('payments_invoice.id'))
        .addColumn('amount_tiyin', 'bigint', (c) => c.notNull())
        .addColumn('state', 'smallint', (c) => c.notNull().check(sql`state in (1, 2, -1, -2)`))
        .addColumn('provider_time', 'bigint')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('performed_at', 'timestamptz')
        .addColumn('cancelled_at', 'timestamptz')
        .addColumn('reason', 'integer')
        .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addUniqueConstraint('payments_transaction_provider_id', ['provider', 'provider_txn_id'])
        .execute();
      // The invoice is credited by one transaction at most, whatever else goes wrong.
      await sql`create unique index payments_transaction_performed on payments_transaction (invoice_id) where state = 2`.execute(db);
      await sql`create index payments_transaction_invoice on payments_transaction (invoice_id)`.execute(db);
      await sql`create index payments_transaction_time on payments_transaction (provider, provider_time)`.execute(db);

      await sql`create sequence payments_receipt_number`.execute(db);
      await db.schema.createTable('payments_receipt')
        .addColumn('invoice_id', 'text', (c) => c.primaryKey().references('payments_invoice.id'))
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('transaction_id', 'bigint', (c) => c.notNull().references('payments_transaction.id'))
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('provider_txn_id', 'text', (c) => c.notNull())
        .addColumn('amount_tiyin', 'bigint', (c) => c.notNull())
        .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
        .execute();
    },
  },
};
