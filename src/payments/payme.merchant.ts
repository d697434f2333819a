// Payme's Merchant API, our side: Payme calls these JSON-RPC 2.0 methods with Basic
// authorization `Paycom:<key>` and expects every answer, errors included, with HTTP 200.
// Methods: CheckPerformTransaction, CreateTransaction, PerformTransaction, CancelTransaction,
// CheckTransaction, GetStatement. Times are milliseconds since the epoch, amounts tiyin; a
// transaction not performed within 12 hours of its creation is cancelled (reason 4).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db } from '../platform/index.js';
import {
  cancelTransaction, credit, findInvoice, findTransaction, insertTransaction, lockInvoice, lockTransaction, markRefunded, openTransactions,
  type InvoiceRow, type TransactionRow,
} from './payments.store.js';

export const PAYME_TIMEOUT_MS = 12 * 3600_000;
/** The account field that names the invoice (set up so in the merchant cabinet). */
export const PAYME_ACCOUNT_FIELD = 'invoice';

export const PaymeCode = {
  parse: -32700, invalidRequest: -32600, methodNotFound: -32601, notPost: -32300, system: -32400, unauthorized: -32504,
  wrongAmount: -31001, notFound: -31003, cannotCancel: -31007, cannotPerform: -31008,
  /** -31050…-31099: the account is wrong; `data` names the field. */
  invoiceNotFound: -31050, invoiceClosed: -31051, invoiceBusy: -31052,
} as const;

// What Payme shows its user, in the three languages it asks for.
const MESSAGES: Record<number, { ru: string; uz: string; en: string }> = {
  [-32700]: { ru: 'Ошибка разбора JSON', uz: 'JSON tahlilida xato', en: 'Parse error' },
  [-32600]: { ru: 'Неверный JSON-RPC объект', uz: 'JSON-RPC obyekti noto‘g‘ri', en: 'Invalid JSON-RPC object' },
  [-32601]: { ru: 'Метод не найден', uz: 'Usul topilmadi', en: 'Method not found' },
  [-32300]: { ru: 'Метод запроса должен быть POST', uz: 'So‘rov usuli POST bo‘lishi kerak', en: 'Request method must be POST' },
  [-32400]: { ru: 'Системная ошибка', uz: 'Tizim xatosi', en: 'System error' },
  [-32504]: { ru: 'Недостаточно привилегий для выполнения метода', uz: 'Usulni bajarish uchun huquq yetarli emas', en: 'Insufficient privileges to perform the method' },
  [-31001]: { ru: 'Неверная сумма', uz: 'Summa noto‘g‘ri', en: 'Wrong amount' },
  [-31003]: { ru: 'Транзакция не найдена', uz: 'Tranzaksiya topilmadi', en: 'Transaction not found' },
  [-31007]: { ru: 'Услуга оказана, отменить транзакцию невозможно', uz: 'Xizmat ko‘rsatilgan, tranzaksiyani bekor qilib bo‘lmaydi', en: 'The service is rendered; the transaction cannot be cancelled' },
  [-31008]: { ru: 'Невозможно выполнить операцию', uz: 'Amalni bajarib bo‘lmaydi', en: 'The operation cannot be performed' },
  [-31050]: { ru: 'Счёт не найден', uz: 'Hisob-faktura topilmadi', en: 'Invoice not found' },
  [-31051]: { ru: 'Счёт уже оплачен или закрыт', uz: 'Hisob-faktura to‘langan yoki yopilgan', en: 'The invoice is already paid or closed' },
  [-31052]: { ru: 'Счёт ожидает оплаты другой транзакцией', uz: 'Hisob-faktura boshqa tranzaksiya bilan to‘lanmoqda', en: 'The invoice awaits payment by another transaction' },
};

export interface PaymeError { code: number; message: { ru: string; uz: string; en: string }; data?: string }
export type PaymeAnswer = { jsonrpc: '2.0'; id: unknown; result: unknown } | { jsonrpc: '2.0'; id: unknown; error: PaymeError };

class Failure extends Error {
  constructor(readonly code: number, readonly data?: string) { super(String(code)); }
}

export function paymeError(id: unknown, code: number, data?: string): PaymeAnswer {
  return { jsonrpc: '2.0', id: id ?? null, error: { code, message: MESSAGES[code] ?? MESSAGES[PaymeCode.system]!, ...(data ? { data } : {}) } };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether the Authorization header is `Basic base64(Paycom:<key>)` with our key. */
export function paymeAuthorized(header: string | undefined, key: string): boolean {
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header?.trim() ?? '')?.[1];
  if (!encoded) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0 || decoded.slice(0, colon) !== 'Paycom') return false;
  return timingSafeEqual(digest(decoded.slice(colon + 1)), digest(key));
}

/** The Basic authorization Payme sends; the stand-in uses it. */
export const paymeAuthorization = (key: string) => `Basic ${Buffer.from(`Paycom:${key}`).toString('base64')}`;

type Params = Record<string, unknown>;
const isObject = (value: unknown): value is Params => typeof value === 'object' && value !== null && !Array.isArray(value);
const ms = (date: Date | null) => (date ? date.getTime() : 0);

function need<T>(ok: boolean, value: T): T {
  if (!ok) throw new Failure(PaymeCode.invalidRequest);
  return value;
}
const text = (params: Params, name: string) => need(typeof params[name] === 'string' && (params[name] as string).length > 0 && (params[name] as string).length <= 200, params[name] as string);
const integer = (params: Params, name: string) => need(Number.isSafeInteger(params[name]), params[name] as number);
const amountOf = (params: Params) => {
  const amount = params.amount;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) throw new Failure(PaymeCode.invalidRequest);
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new Failure(PaymeCode.wrongAmount);
  return amount;
};
const accountOf = (params: Params): string => {
  const account = need(isObject(params.account), params.account as Params);
  const invoice = account[PAYME_ACCOUNT_FIELD];
  if (typeof invoice !== 'string' && typeof invoice !== 'number') throw new Failure(PaymeCode.invoiceNotFound, PAYME_ACCOUNT_FIELD);
  return String(invoice);
};

/** The checks of CheckPerformTransaction, also made before CreateTransaction records anything. */
function checkPayable(invoice: InvoiceRow | undefined, amount: number): InvoiceRow {
  if (!invoice) throw new Failure(PaymeCode.invoiceNotFound, PAYME_ACCOUNT_FIELD);
  if (invoice.status !== 'pending') throw new Failure(PaymeCode.invoiceClosed, PAYME_ACCOUNT_FIELD);
  if (Number(invoice.amount_tiyin) !== amount) throw new Failure(PaymeCode.wrongAmount);
  return invoice;
}

const expired = (txn: TransactionRow, now: Date) => now.getTime() - txn.created_at.getTime() > PAYME_TIMEOUT_MS;

const created = (txn: TransactionRow) => ({ create_time: ms(txn.created_at), transaction: String(txn.id), state: txn.state });

/**
 * Answers one Payme request (already authorized and parsed). Database errors propagate;
 * the route turns them into -32400.
 */
export async function paymeMethod(db: Db, request: Params, now = new Date()): Promise<PaymeAnswer> {
  const id = request.id ?? null;
  try {
    if (typeof request.method !== 'string' || !isObject(request.params)) throw new Failure(PaymeCode.invalidRequest);
    const params = request.params;
    const method = METHODS[request.method];
    if (!method) throw new Failure(PaymeCode.methodNotFound, request.method.slice(0, 100));
    const outcome = await method(db, params, now);
    return 'failure' in outcome ? paymeError(id, outcome.failure) : { jsonrpc: '2.0', id, result: outcome.result };
  } catch (error) {
    if (error instanceof Failure) return paymeError(id, error.code, error.data);
    throw error;
  }
}

// A method either answers or fails; a failure that must still commit (a timed-out
// transaction cancelled) is returned rather than thrown, so its change is kept.
type Outcome = { result: unknown } | { failure: number };
type Method = (db: Db, params: Params, now: Date) => Promise<Outcome>;

/** Finds a transaction by Payme's id and runs `work` with its invoice locked and the row re-read. */
async function underLock(db: Db, paymeId: string, work: (trx: Db, invoice: InvoiceRow, txn: TransactionRow) => Promise<Outcome>): Promise<Outcome> {
  const found = await findTransaction(db, 'payme', paymeId);
  if (!found) throw new Failure(PaymeCode.notFound);
  return db.transaction().execute(async (trx) => {
    const invoice = (await lockInvoice(trx, found.invoice_id))!;
    return work(trx, invoice, await lockTransaction(trx, found.id));
  });
}

const METHODS: Record<string, Method> = {
  async CheckPerformTransaction(db, params, now) {
    const amount = amountOf(params);
    const invoice = checkPayable(await findInvoice(db, accountOf(params)), amount);
    const waiting = await openTransactions(db, invoice.id, 'payme');
    if (waiting.some((t) => !expired(t, now))) throw new Failure(PaymeCode.invoiceBusy, PAYME_ACCOUNT_FIELD);
    return { result: { allow: true } };
  },

  async CreateTransaction(db, params, now) {
    const paymeId = text(params, 'id');
    const time = integer(params, 'time');
    const amount = amountOf(params);
    const account = accountOf(params);
    const known = await findTransaction(db, 'payme', paymeId);
    return db.transaction().execute(async (trx): Promise<Outcome> => {
      const invoice = await lockInvoice(trx, known?.invoice_id ?? account);
      // The same id again (a retry): answer as before while it waits; no second transaction.
      const again = known ?? await findTransaction(trx, 'payme', paymeId);
      if (again) {
        const txn = await lockTransaction(trx, again.id);
        if (txn.state !== 1) return { failure: PaymeCode.cannotPerform };
        if (expired(txn, now)) {
          await cancelTransaction(trx, txn.id, -1, 4, now);
          return { failure: PaymeCode.cannotPerform };
        }
        return { result: created(txn) };
      }
      checkPayable(invoice, amount);
      if (now.getTime() - time > PAYME_TIMEOUT_MS) throw new Failure(PaymeCode.cannotPerform);
      for (const other of await openTransactions(trx, invoice!.id, 'payme')) {
        if (!expired(other, now)) throw new Failure(PaymeCode.invoiceBusy, PAYME_ACCOUNT_FIELD);
        await cancelTransaction(trx, other.id, -1, 4, now);
      }
      const txn = await insertTransaction(trx, {
        provider: 'payme', providerTxnId: paymeId, invoiceId: invoice!.id, amountTiyin: amount, providerTime: time, createdAt: now,
        detail: { account: params.account },
      });
      // Recorded meanwhile under another invoice's lock (the same id, another account): refuse.
      if (!txn) throw new Failure(PaymeCode.cannotPerform);
      return { result: created(txn) };
    });
  },

  async PerformTransaction(db, params, now) {
    return underLock(db, text(params, 'id'), async (trx, invoice, txn) => {
      const performed = () => ({ result: { transaction: String(txn.id), perform_time: ms(txn.performed_at), state: 2 } });
      if (txn.state === 2) return performed();
      if (txn.state !== 1) return { failure: PaymeCode.cannotPerform };
      if (expired(txn, now)) {
        await cancelTransaction(trx, txn.id, -1, 4, now);
        return { failure: PaymeCode.cannotPerform };
      }
      // Paid meanwhile by another transaction (Click), or cancelled: nothing to credit.
      if (invoice.status !== 'pending') return { failure: PaymeCode.cannotPerform };
      await credit(trx, invoice, txn, now);
      return { result: { transaction: String(txn.id), perform_time: now.getTime(), state: 2 } };
    });
  },

  async CancelTransaction(db, params, now) {
    const reason = integer(params, 'reason');
    return underLock(db, text(params, 'id'), async (trx, invoice, txn) => {
      const cancelled = (state: number, at: Date | null) => ({ result: { transaction: String(txn.id), cancel_time: ms(at), state } });
      if (txn.state === 1) {
        await cancelTransaction(trx, txn.id, -1, reason, now);
        return cancelled(-1, now);
      }
      if (txn.state === 2) {
        // The fee is returned only when the agency decided so (a refund was asked for).
        if (!invoice.refund_requested_at) return { failure: PaymeCode.cannotCancel };
        await markRefunded(trx, invoice, txn, reason, now);
        return cancelled(-2, now);
      }
      return cancelled(txn.state, txn.cancelled_at);
    });
  },

  async CheckTransaction(db, params) {
    const txn = await findTransaction(db, 'payme', text(params, 'id'));
    if (!txn) throw new Failure(PaymeCode.notFound);
    return { result: { ...created(txn), perform_time: ms(txn.performed_at), cancel_time: ms(txn.cancelled_at), reason: txn.reason } };
  },

  async GetStatement(db, params) {
    const from = integer(params, 'from');
    const to = integer(params, 'to');
    const rows = await db.selectFrom('payments_transaction').selectAll()
      .where('provider', '=', 'payme').where('provider_time', '>=', from).where('provider_time', '<=', to)
      .orderBy('provider_time').orderBy('id').limit(10_000).execute();
    return {
      result: {
        transactions: rows.map((t) => ({
          id: t.provider_txn_id, time: Number(t.provider_time), amount: Number(t.amount_tiyin),
          account: (t.detail as { account?: unknown }).account ?? { [PAYME_ACCOUNT_FIELD]: t.invoice_id },
          create_time: ms(t.created_at), perform_time: ms(t.performed_at), cancel_time: ms(t.cancelled_at),
          transaction: String(t.id), state: t.state, reason: t.reason, receivers: null,
        })),
      },
    };
  },
};
