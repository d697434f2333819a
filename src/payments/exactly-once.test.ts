// Exactly once under concurrency: 20 callbacks at once over real HTTP, on whichever engine
// DATABASE_URL chooses (PGlite without it, PostgreSQL with it). Whatever the interleaving, the
// invoice is credited once, with one receipt and one 'payments.paid' in the outbox.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { eventsOf, startPaymentsApp, testInvoice, type PaymentsTestApp } from './payments.testing.js';
import { tiyinToSom } from './click.merchant.js';

let app: PaymentsTestApp;
before(async () => { app = await startPaymentsApp(); });
after(() => app?.close());

const AT_ONCE = 20;
const paymeId = () => randomBytes(12).toString('hex');

async function creditedOnce(invoiceId: string, provider: string) {
  const invoice = await app.payments.invoice(app.ctx.db, invoiceId);
  assert.equal(invoice?.status, 'paid');
  assert.equal(invoice?.provider, provider);
  assert.equal((await eventsOf(app, 'payments.paid', invoiceId)).length, 1, 'one payments.paid');
  const performed = await app.ctx.db.selectFrom('payments_transaction').select('id').where('invoice_id', '=', invoiceId).where('state', '=', 2).execute();
  assert.equal(performed.length, 1, 'one performed transaction');
  const receipts = await app.ctx.db.selectFrom('payments_receipt').select('number').where('invoice_id', '=', invoiceId).execute();
  assert.equal(receipts.length, 1, 'one receipt');
}

test(`${AT_ONCE} PerformTransaction calls at once: one credit, and every answer is the same state 2`, async () => {
  assert.ok(app.ctx.engine === (process.env.DATABASE_URL ? 'postgres' : 'pglite'));
  const invoice = await testInvoice(app);
  const id = paymeId();
  const account = { invoice: invoice.invoiceId };
  const creates = await Promise.all(Array.from({ length: AT_ONCE }, () => app.standin.payme('CreateTransaction', { id, time: Date.now(), amount: invoice.amountTiyin, account })));
  const transactions = new Set(creates.map((c) => ('result' in c ? (c.result as { transaction: string }).transaction : `error ${c.error.code}`)));
  assert.equal(transactions.size, 1, `one transaction for one Payme id: ${[...transactions].join(', ')}`);

  const answers = await Promise.all(Array.from({ length: AT_ONCE }, () => app.standin.payme('PerformTransaction', { id })));
  for (const answer of answers) assert.ok('result' in answer, JSON.stringify(answer));
  const results = answers.map((a) => JSON.stringify((a as { result: unknown }).result));
  assert.equal(new Set(results).size, 1, 'the same perform_time and transaction in every answer');
  await creditedOnce(invoice.invoiceId, 'payme');
});

test(`${AT_ONCE} Complete calls at once, and ${AT_ONCE} replays of it: one success, the rest "already paid"`, async () => {
  const invoice = await testInvoice(app);
  const fields = { click_trans_id: String(Date.now()), merchant_trans_id: invoice.invoiceId, amount: tiyinToSom(invoice.amountTiyin) };
  const prepares = await Promise.all(Array.from({ length: AT_ONCE }, () => app.standin.click('prepare', fields)));
  assert.deepEqual(new Set(prepares.map((p) => p.error)), new Set([0]));
  assert.equal(new Set(prepares.map((p) => p.merchant_prepare_id)).size, 1, 'one prepare id for one click_trans_id');

  const complete = { ...fields, merchant_prepare_id: String(prepares[0]!.merchant_prepare_id) };
  const answers = await Promise.all(Array.from({ length: AT_ONCE }, () => app.standin.click('complete', complete)));
  assert.equal(answers.filter((a) => a.error === 0).length, 1, JSON.stringify(answers.map((a) => a.error)));
  assert.equal(answers.filter((a) => a.error === -4).length, AT_ONCE - 1);

  const recorded = app.standin.calls().filter((c) => c.method === 'complete' && c.body.includes(invoice.invoiceId));
  const replays = await Promise.all(Array.from({ length: AT_ONCE }, () => app.standin.replay(recorded[0]!.n)));
  assert.deepEqual(new Set(replays.map((r) => (r.answer as { error: number }).error)), new Set([-4]));
  await creditedOnce(invoice.invoiceId, 'click');
});

test('Payme and Click paying one invoice at the same moment: exactly one of them is credited', async () => {
  for (let round = 0; round < 3; round++) {
    const invoice = await testInvoice(app);
    const id = paymeId();
    const created = await app.standin.payme('CreateTransaction', { id, time: Date.now(), amount: invoice.amountTiyin, account: { invoice: invoice.invoiceId } });
    assert.ok('result' in created);
    const fields = { click_trans_id: String(Date.now() + round), merchant_trans_id: invoice.invoiceId, amount: tiyinToSom(invoice.amountTiyin) };
    const prepared = await app.standin.click('prepare', fields);
    assert.equal(prepared.error, 0);
    const [payme, ...clicks] = await Promise.all([
      app.standin.payme('PerformTransaction', { id }),
      ...Array.from({ length: 5 }, () => app.standin.click('complete', { ...fields, merchant_prepare_id: String(prepared.merchant_prepare_id) })),
    ]);
    const paymeWon = 'result' in payme!;
    const clickWins = clickWon(clicks);
    assert.equal(Number(paymeWon) + clickWins, 1, `payme ${JSON.stringify(payme)}, click ${clicks.map((c) => c.error)}`);
    await creditedOnce(invoice.invoiceId, paymeWon ? 'payme' : 'click');
  }
});

const clickWon = (answers: { error: number }[]) => answers.filter((a) => a.error === 0).length;

test(`${AT_ONCE} whole Payme payments of one invoice at once, each with its own id: one is credited`, async () => {
  const invoice = await testInvoice(app);
  const results = await Promise.all(Array.from({ length: AT_ONCE }, () => app.standin.payWithPayme(invoice.invoiceId, invoice.amountTiyin)));
  assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results.map((r) => r.answers.map((a) => ('error' in a ? a.error.code : 'ok')))));
  await creditedOnce(invoice.invoiceId, 'payme');
});

test(`${AT_ONCE} requests for the same subject's invoice at once make one invoice`, async () => {
  const base = await testInvoice(app);
  const ids = await Promise.all(Array.from({ length: AT_ONCE }, () => app.ctx.db.transaction().execute((trx) => app.payments.createInvoice(trx, {
    subject: base.subject, payerPersonId: base.payerPersonId, businessId: null, serviceId: base.serviceId,
    amountTiyin: base.amountTiyin, fullAmountTiyin: base.fullAmountTiyin, discountPercent: base.discountPercent, description: base.description,
  }))));
  assert.deepEqual(new Set(ids.map((i) => i.invoiceId)), new Set([base.invoiceId]));
  assert.equal((await app.payments.invoicesOf(app.ctx.db, base.subject)).length, 1);
});
