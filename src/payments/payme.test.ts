// Payme Merchant API conformance, over real HTTP as Payme (the stand-in) calls it.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { eventsOf, startPaymentsApp, testInvoice, type PaymentsTestApp } from './payments.testing.js';
import { paymeAuthorization } from './payme.merchant.js';

let app: PaymentsTestApp;
before(async () => { app = await startPaymentsApp(); });
after(() => app?.close());

const paymeId = () => randomBytes(12).toString('hex');
type Answer = { result?: any; error?: { code: number; message: { ru: string; uz: string; en: string }; data?: string }; id?: unknown };
const call = (method: string, params: Record<string, unknown>, key?: string) => app.standin.payme(method, params, { key }) as Promise<Answer>;
const account = (invoiceId: string) => ({ invoice: invoiceId });

async function raw(body: string, headers: Record<string, string> = {}, method = 'POST') {
  const response = await fetch(`${app.url}/payments/payme`, {
    method, body: method === 'POST' ? body : undefined,
    headers: { 'content-type': 'application/json', authorization: paymeAuthorization(app.payments.channel!.settings.payme.key), ...headers },
  });
  return { status: response.status, answer: await response.json() as Answer };
}

test('a wrong key, no key or another login: -32504 with HTTP 200, and nothing is done', async () => {
  const invoice = await testInvoice(app);
  const wrong = await call('CreateTransaction', { id: paymeId(), time: Date.now(), amount: invoice.amountTiyin, account: account(invoice.invoiceId) }, 'not-the-key');
  assert.equal(wrong.error?.code, -32504);
  assert.ok(wrong.error?.message.ru && wrong.error.message.uz && wrong.error.message.en, 'a message in ru, uz and en');
  const none = await raw(JSON.stringify({ id: 7, method: 'CheckPerformTransaction', params: {} }), { authorization: '' });
  assert.equal(none.status, 200);
  assert.equal(none.answer.error?.code, -32504);
  assert.equal(none.answer.id, 7, 'the request id is echoed');
  const otherLogin = await raw('{}', { authorization: `Basic ${Buffer.from(`Merchant:${app.payments.channel!.settings.payme.key}`).toString('base64')}` });
  assert.equal(otherLogin.answer.error?.code, -32504);
  const count = await app.ctx.db.selectFrom('payments_transaction').select(sql<number>`count(*)`.as('n')).where('invoice_id', '=', invoice.invoiceId).executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 0);
});

test('malformed requests: -32700 for bad JSON, -32600 for a bad envelope or params, -32601 for an unknown method, -32300 for GET', async () => {
  assert.equal((await raw('{not json')).answer.error?.code, -32700);
  assert.equal((await raw('[1,2]')).answer.error?.code, -32600);
  assert.equal((await raw(JSON.stringify({ id: 1, method: 'CheckTransaction' }))).answer.error?.code, -32600);
  assert.equal((await raw(JSON.stringify({ id: 1, method: 'CheckTransaction', params: { id: 42 } }))).answer.error?.code, -32600);
  assert.equal((await raw(JSON.stringify({ id: 1, method: 'DropTables', params: {} }))).answer.error?.code, -32601);
  const get = await raw('', {}, 'GET');
  assert.equal(get.status, 200);
  assert.equal(get.answer.error?.code, -32300);
  const big = await raw(JSON.stringify({ id: 1, method: 'CheckTransaction', params: { id: 'x'.repeat(100_000) } }));
  assert.equal(big.status, 200);
  assert.equal(big.answer.error?.code, -32600);
});

test('CheckPerformTransaction: allowed for the right amount; -31001 for a wrong one; -31050 with data "invoice" for an unknown account', async () => {
  const invoice = await testInvoice(app);
  assert.deepEqual((await call('CheckPerformTransaction', { amount: invoice.amountTiyin, account: account(invoice.invoiceId) })).result, { allow: true });
  assert.equal((await call('CheckPerformTransaction', { amount: invoice.amountTiyin + 100, account: account(invoice.invoiceId) })).error?.code, -31001);
  assert.equal((await call('CheckPerformTransaction', { amount: invoice.fullAmountTiyin, account: account(invoice.invoiceId) })).error?.code, -31001, 'the full fee is not the online amount');
  assert.equal((await call('CheckPerformTransaction', { amount: 1.5, account: account(invoice.invoiceId) })).error?.code, -31001);
  for (const bad of [{ invoice: randomUUID() }, { invoice: 'x' }, { invoice: "1' or '1'='1" }, { order: invoice.invoiceId }]) {
    const answer = await call('CheckPerformTransaction', { amount: invoice.amountTiyin, account: bad });
    assert.equal(answer.error?.code, -31050, JSON.stringify(bad));
    assert.equal(answer.error?.data, 'invoice');
  }
});

test('CreateTransaction: state 1; the same id again answers the same; another id while it waits is refused in the account range', async () => {
  const invoice = await testInvoice(app);
  const id = paymeId();
  const time = Date.now();
  const first = await call('CreateTransaction', { id, time, amount: invoice.amountTiyin, account: account(invoice.invoiceId) });
  assert.equal(first.result.state, 1);
  assert.equal(typeof first.result.transaction, 'string');
  assert.ok(Math.abs(first.result.create_time - Date.now()) < 60_000);
  const again = await call('CreateTransaction', { id, time, amount: invoice.amountTiyin, account: account(invoice.invoiceId) });
  assert.deepEqual(again.result, first.result);
  const other = await call('CreateTransaction', { id: paymeId(), time: Date.now(), amount: invoice.amountTiyin, account: account(invoice.invoiceId) });
  assert.ok(other.error && other.error.code <= -31050 && other.error.code >= -31099, `got ${JSON.stringify(other)}`);
  const check = await call('CheckPerformTransaction', { amount: invoice.amountTiyin, account: account(invoice.invoiceId) });
  assert.ok(check.error && check.error.code <= -31050 && check.error.code >= -31099, 'the invoice is awaiting this payment');
  assert.equal((await call('CreateTransaction', { id: paymeId(), time, amount: 1, account: account(invoice.invoiceId) })).error?.code, -31001);
});

test('PerformTransaction credits once: state 2, the same answer when repeated, one receipt, one payments.paid', async () => {
  const invoice = await testInvoice(app);
  const id = paymeId();
  await call('CreateTransaction', { id, time: Date.now(), amount: invoice.amountTiyin, account: account(invoice.invoiceId) });
  const performed = await call('PerformTransaction', { id });
  assert.equal(performed.result.state, 2);
  assert.ok(performed.result.perform_time > 0);
  assert.deepEqual((await call('PerformTransaction', { id })).result, performed.result);

  const stored = await app.payments.invoice(app.ctx.db, invoice.invoiceId);
  assert.equal(stored?.status, 'paid');
  assert.equal(stored?.provider, 'payme');
  const events = await eventsOf(app, 'payments.paid', invoice.invoiceId) as { subject: string; amountTiyin: number; provider: string; paidAt: string }[];
  assert.equal(events.length, 1);
  assert.equal(events[0]!.subject, invoice.subject);
  assert.equal(events[0]!.amountTiyin, invoice.amountTiyin);
  assert.equal(events[0]!.provider, 'payme');
  assert.equal(new Date(events[0]!.paidAt).getTime(), performed.result.perform_time);
  const receipts = await app.ctx.db.selectFrom('payments_receipt').selectAll().where('invoice_id', '=', invoice.invoiceId).execute();
  assert.equal(receipts.length, 1);
  assert.match(receipts[0]!.number, /^\d{4}-\d{6}$/);

  const checked = await call('CheckTransaction', { id });
  assert.deepEqual(checked.result, {
    create_time: checked.result.create_time, perform_time: performed.result.perform_time, cancel_time: 0,
    transaction: performed.result.transaction, state: 2, reason: null,
  });
  assert.equal((await call('CheckPerformTransaction', { amount: invoice.amountTiyin, account: account(invoice.invoiceId) })).error?.code, -31051, 'a paid invoice is not paid again');
  assert.equal((await call('PerformTransaction', { id: paymeId() })).error?.code, -31003);
  assert.equal((await call('CheckTransaction', { id: paymeId() })).error?.code, -31003);
  assert.equal((await call('CancelTransaction', { id: paymeId(), reason: 3 })).error?.code, -31003);
});

test('CancelTransaction: a waiting transaction goes to -1 with its reason, repeatably; it cannot be performed then; a performed one is refused -31007', async () => {
  const invoice = await testInvoice(app);
  const id = paymeId();
  await call('CreateTransaction', { id, time: Date.now(), amount: invoice.amountTiyin, account: account(invoice.invoiceId) });
  const cancelled = await call('CancelTransaction', { id, reason: 3 });
  assert.equal(cancelled.result.state, -1);
  assert.ok(cancelled.result.cancel_time > 0);
  assert.deepEqual((await call('CancelTransaction', { id, reason: 3 })).result, cancelled.result);
  assert.equal((await call('PerformTransaction', { id })).error?.code, -31008);
  assert.equal((await call('CreateTransaction', { id, time: Date.now(), amount: invoice.amountTiyin, account: account(invoice.invoiceId) })).error?.code, -31008);
  const checked = await call('CheckTransaction', { id });
  assert.equal(checked.result.state, -1);
  assert.equal(checked.result.reason, 3);
  assert.equal((await app.payments.invoice(app.ctx.db, invoice.invoiceId))?.status, 'pending', 'the invoice can still be paid');

  // Paid by a new transaction, which Payme then tries to cancel: the service was not refunded.
  const paid = await app.standin.payWithPayme(invoice.invoiceId, invoice.amountTiyin);
  assert.equal(paid.ok, true);
  assert.equal((await call('CancelTransaction', { id: paid.id, reason: 5 })).error?.code, -31007);
  assert.equal((await call('CheckTransaction', { id: paid.id })).result.state, 2);
  assert.equal((await eventsOf(app, 'payments.refunded', invoice.invoiceId)).length, 0);
});

test('timeouts: a transaction older than 12 hours is cancelled with reason 4 and cannot be performed; an old Payme time is refused', async () => {
  const invoice = await testInvoice(app);
  const old = await call('CreateTransaction', { id: paymeId(), time: Date.now() - 13 * 3600_000, amount: invoice.amountTiyin, account: account(invoice.invoiceId) });
  assert.equal(old.error?.code, -31008);

  const id = paymeId();
  await call('CreateTransaction', { id, time: Date.now(), amount: invoice.amountTiyin, account: account(invoice.invoiceId) });
  await app.ctx.db.updateTable('payments_transaction').set({ created_at: new Date(Date.now() - 12 * 3600_000 - 1000) }).where('provider_txn_id', '=', id).execute();
  assert.equal((await call('PerformTransaction', { id })).error?.code, -31008);
  const checked = await call('CheckTransaction', { id });
  assert.equal(checked.result.state, -1);
  assert.equal(checked.result.reason, 4);
  assert.equal((await app.payments.invoice(app.ctx.db, invoice.invoiceId))?.status, 'pending');

  // A stale waiting transaction does not block a new one: it is cancelled by timeout.
  const stale = paymeId();
  await call('CreateTransaction', { id: stale, time: Date.now(), amount: invoice.amountTiyin, account: account(invoice.invoiceId) });
  await app.ctx.db.updateTable('payments_transaction').set({ created_at: new Date(Date.now() - 13 * 3600_000) }).where('provider_txn_id', '=', stale).execute();
  const fresh = await app.standin.payWithPayme(invoice.invoiceId, invoice.amountTiyin);
  assert.equal(fresh.ok, true, JSON.stringify(fresh.answers));
  assert.equal((await call('CheckTransaction', { id: stale })).result.reason, 4);
  // The same id again after its time ran out.
  const late = paymeId();
  const other = await testInvoice(app);
  await call('CreateTransaction', { id: late, time: Date.now(), amount: other.amountTiyin, account: account(other.invoiceId) });
  await app.ctx.db.updateTable('payments_transaction').set({ created_at: new Date(Date.now() - 13 * 3600_000) }).where('provider_txn_id', '=', late).execute();
  assert.equal((await call('CreateTransaction', { id: late, time: Date.now(), amount: other.amountTiyin, account: account(other.invoiceId) })).error?.code, -31008);
  assert.equal((await call('CheckTransaction', { id: late })).result.state, -1);
});

test('GetStatement lists the transactions whose Payme time lies in the period, with every field', async () => {
  const invoice = await testInvoice(app);
  const base = Date.now() + 86_400_000 * 3; // a period of its own, apart from the other tests' transactions
  const inside = paymeId();
  const performed = paymeId();
  const outside = paymeId();
  await call('CreateTransaction', { id: inside, time: base + 1000, amount: invoice.amountTiyin, account: account(invoice.invoiceId) });
  await call('CancelTransaction', { id: inside, reason: 1 });
  await call('CreateTransaction', { id: performed, time: base + 2000, amount: invoice.amountTiyin, account: account(invoice.invoiceId) });
  await call('PerformTransaction', { id: performed });
  const other = await testInvoice(app);
  await call('CreateTransaction', { id: outside, time: base + 10_000, amount: other.amountTiyin, account: account(other.invoiceId) });

  const statement = await call('GetStatement', { from: base, to: base + 5000 });
  const transactions = statement.result.transactions as Record<string, unknown>[];
  assert.deepEqual(transactions.map((t) => t.id), [inside, performed]);
  const [first, second] = transactions;
  assert.deepEqual(Object.keys(first!).sort(), ['account', 'amount', 'cancel_time', 'create_time', 'id', 'perform_time', 'reason', 'receivers', 'state', 'time', 'transaction'].sort());
  assert.equal(first!.time, base + 1000);
  assert.equal(first!.amount, invoice.amountTiyin);
  assert.deepEqual(first!.account, { invoice: invoice.invoiceId });
  assert.equal(first!.state, -1);
  assert.equal(first!.reason, 1);
  assert.equal(second!.state, 2);
  assert.ok((second!.perform_time as number) > 0);
  assert.deepEqual((await call('GetStatement', { from: base + 20_000, to: base + 30_000 })).result, { transactions: [] });
  assert.equal((await call('GetStatement', { from: 'yesterday', to: base })).error?.code, -32600);
});
