// Click's SHOP API, our side: Click posts Prepare (action 0) and then Complete (action 1) as
// form fields, each signed with md5(click_trans_id + service_id + SECRET_KEY +
// merchant_trans_id [+ merchant_prepare_id] + amount + action + sign_time), and reads a JSON
// answer whose `error` is 0 on success. Amounts are so'm with up to two decimals.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Db } from '../platform/index.js';
import {
  cancelTransaction, credit, findInvoice, findTransaction, insertTransaction, lockInvoice, lockTransaction, transactionById,
} from './payments.store.js';

export interface ClickCredentials { serviceId: string; merchantId: string; secretKey: string }

export const ClickError = {
  success: 0, signFailed: -1, wrongAmount: -2, actionNotFound: -3, alreadyPaid: -4, notFound: -5, transactionNotFound: -6,
  updateFailed: -7, badRequest: -8, cancelled: -9,
} as const;

const NOTES: Record<number, string> = {
  0: 'Success', [-1]: 'SIGN CHECK FAILED!', [-2]: 'Incorrect parameter amount', [-3]: 'Action not found', [-4]: 'Already paid',
  [-5]: 'User does not exist', [-6]: 'Transaction does not exist', [-7]: 'Failed to update user', [-8]: 'Error in request from click',
  [-9]: 'Transaction cancelled',
};

export interface ClickAnswer {
  click_trans_id: string | null;
  merchant_trans_id: string | null;
  merchant_prepare_id?: number | null;
  merchant_confirm_id?: number | null;
  error: number;
  error_note: string;
}

export type ClickFields = Record<string, unknown>;

const PREPARE_FIELDS = ['click_trans_id', 'service_id', 'click_paydoc_id', 'merchant_trans_id', 'amount', 'action', 'error', 'error_note', 'sign_time', 'sign_string'];
const COMPLETE_FIELDS = [...PREPARE_FIELDS, 'merchant_prepare_id'];

/** The signature of a Prepare (no prepare id) or Complete request. */
export function clickSign(secretKey: string, f: { click_trans_id: string; service_id: string; merchant_trans_id: string; merchant_prepare_id?: string; amount: string; action: string; sign_time: string }): string {
  return createHash('md5')
    .update(`${f.click_trans_id}${f.service_id}${secretKey}${f.merchant_trans_id}${f.merchant_prepare_id ?? ''}${f.amount}${f.action}${f.sign_time}`)
    .digest('hex');
}

/** So'm as Click writes them ("1500", "1500.5", "1500.00") to tiyin; undefined when not an amount. */
export function somToTiyin(amount: string): number | undefined {
  const match = /^(\d{1,13})(?:\.(\d{1,2})0*)?$/.exec(amount);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Tiyin as the so'm amount Click takes: "1500.00". */
export const tiyinToSom = (tiyin: number) => `${Math.floor(tiyin / 100)}.${String(tiyin % 100).padStart(2, '0')}`;

/** The request's fields as single strings; undefined if one is missing or repeated. */
function readFields(body: ClickFields, names: string[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = body[name];
    if (typeof value === 'number') out[name] = String(value);
    else if (typeof value === 'string' && value.length <= 500) out[name] = value;
    else if (!(name === 'error_note' && value === undefined)) return undefined;
    else out[name] = '';
  }
  return out;
}

function answer(f: Partial<Record<string, string>>, error: number, ids: { prepare?: number | null; confirm?: number | null } = {}): ClickAnswer {
  return {
    click_trans_id: f.click_trans_id ?? null, merchant_trans_id: f.merchant_trans_id ?? null,
    ...('prepare' in ids ? { merchant_prepare_id: ids.prepare } : {}),
    ...('confirm' in ids ? { merchant_confirm_id: ids.confirm } : {}),
    error, error_note: NOTES[error]!,
  };
}

function signatureOk(credentials: ClickCredentials, f: Record<string, string>, withPrepareId: boolean): boolean {
  const expected = clickSign(credentials.secretKey, { ...f, merchant_prepare_id: withPrepareId ? f.merchant_prepare_id : undefined } as Parameters<typeof clickSign>[1]);
  const given = f.sign_string!.toLowerCase();
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** Checks common to both steps: fields, signature, service, action. Gives the fields or a failed answer. */
function check(credentials: ClickCredentials, body: ClickFields, action: '0' | '1'): { f: Record<string, string> } | { fail: ClickAnswer } {
  const f = readFields(body, action === '0' ? PREPARE_FIELDS : COMPLETE_FIELDS);
  if (!f) return { fail: answer(typeof body === 'object' && body ? body as Record<string, string> : {}, ClickError.badRequest) };
  if (!signatureOk(credentials, f, action === '1')) return { fail: answer(f, ClickError.signFailed) };
  if (f.service_id !== credentials.serviceId) return { fail: answer(f, ClickError.badRequest) };
  if (f.action !== action) return { fail: answer(f, ClickError.actionNotFound) };
  return { f };
}

/**
 * Prepare: Click asks whether the order may be paid and gets our prepare id. The same
 * click_trans_id again (a replay) gets the same id; nothing is credited here.
 */
export async function clickPrepare(db: Db, credentials: ClickCredentials, body: ClickFields, now = new Date()): Promise<ClickAnswer> {
  const checked = check(credentials, body, '0');
  if ('fail' in checked) return checked.fail;
  const { f } = checked;
  const tiyin = somToTiyin(f.amount!);
  if (tiyin === undefined) return answer(f, ClickError.wrongAmount, { prepare: null });
  if (!(await findInvoice(db, f.merchant_trans_id!))) return answer(f, ClickError.notFound, { prepare: null });
  return db.transaction().execute(async (trx) => {
    const invoice = (await lockInvoice(trx, f.merchant_trans_id!))!;
    const known = await findTransaction(trx, 'click', f.click_trans_id!);
    if (known && known.invoice_id !== invoice.id) return answer(f, ClickError.badRequest, { prepare: null });
    if (known?.state === 2 || invoice.status === 'paid') return answer(f, ClickError.alreadyPaid, { prepare: null });
    if (known && known.state < 0) return answer(f, ClickError.cancelled, { prepare: null });
    if (invoice.status !== 'pending') return answer(f, ClickError.cancelled, { prepare: null });
    if (tiyin !== Number(invoice.amount_tiyin)) return answer(f, ClickError.wrongAmount, { prepare: null });
    const txn = known ?? await insertTransaction(trx, {
      provider: 'click', providerTxnId: f.click_trans_id!, invoiceId: invoice.id, amountTiyin: tiyin, providerTime: null, createdAt: now,
      detail: { click_paydoc_id: f.click_paydoc_id, sign_time: f.sign_time },
    });
    if (!txn) return answer(f, ClickError.badRequest, { prepare: null });
    return answer(f, ClickError.success, { prepare: txn.id });
  });
}

/**
 * Complete: Click says the money was taken (error 0) or not (error < 0). Credits the
 * invoice once; a replay, or a Complete for a payment already made, gets -4.
 */
export async function clickComplete(db: Db, credentials: ClickCredentials, body: ClickFields, now = new Date()): Promise<ClickAnswer> {
  const checked = check(credentials, body, '1');
  if ('fail' in checked) return checked.fail;
  const { f } = checked;
  const prepareId = /^\d{1,15}$/.test(f.merchant_prepare_id!) ? Number(f.merchant_prepare_id) : undefined;
  const found = prepareId === undefined ? undefined : await transactionById(db, prepareId);
  // Complete before Prepare, or a prepare id that is not this payment's.
  if (!found || found.provider !== 'click' || found.provider_txn_id !== f.click_trans_id) return answer(f, ClickError.transactionNotFound, { confirm: null });
  if (found.invoice_id !== f.merchant_trans_id) return answer(f, ClickError.notFound, { confirm: null });
  const tiyin = somToTiyin(f.amount!);
  return db.transaction().execute(async (trx) => {
    const invoice = (await lockInvoice(trx, found.invoice_id))!;
    const txn = await lockTransaction(trx, found.id);
    if (txn.state === 2) return answer(f, ClickError.alreadyPaid, { confirm: txn.id });
    if (txn.state < 0) return answer(f, ClickError.cancelled, { confirm: null });
    if (tiyin !== Number(txn.amount_tiyin)) return answer(f, ClickError.wrongAmount, { confirm: null });
    // Click could not take the money: the payment is off.
    const clickError = Number(f.error);
    if (!Number.isInteger(clickError) || clickError < 0) {
      await cancelTransaction(trx, txn.id, -1, Number.isInteger(clickError) ? clickError : null, now);
      return answer(f, ClickError.cancelled, { confirm: null });
    }
    if (invoice.status === 'paid') {
      await cancelTransaction(trx, txn.id, -1, ClickError.alreadyPaid, now);
      return answer(f, ClickError.alreadyPaid, { confirm: null });
    }
    if (invoice.status !== 'pending') {
      await cancelTransaction(trx, txn.id, -1, ClickError.cancelled, now);
      return answer(f, ClickError.cancelled, { confirm: null });
    }
    await credit(trx, invoice, txn, now);
    return answer(f, ClickError.success, { confirm: txn.id });
  });
}
