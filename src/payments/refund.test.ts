// Refunds: Payme's go through the processor's CancelTransaction (state -2), driven here by the
// stand-in after commit; Click's are recorded at once. Either way 'payments.refunded' comes once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventsOf, startPaymentsApp, testInvoice, type PaymentsTestApp } from './payments.testing.js';

let app: PaymentsTestApp;
before(async () => { app = await startPaymentsApp(); });
after(() => app?.close());

/** Lets the outbox run until the invoice is refunded (or gives up after a few seconds). */
async function settle(invoiceId: string) {
  for (let i = 0; i < 50; i++) {
    await app.ctx.outbox.dispatchDue();
    if ((await app.payments.invoice(app.ctx.db, invoiceId))?.status === 'refunded') return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a Payme payment refunded: the processor cancels it (state -2, reason 5), the invoice is refunded, one payments.refunded', async () => {
  const invoice = await testInvoice(app);
  const paid = await app.standin.payWithPayme(invoice.invoiceId, invoice.amountTiyin);
  assert.equal(paid.ok, true);

  await app.ctx.db.transaction().execute((trx) => app.payments.refund(trx, invoice.invoiceId, 'Application rejected: documents incomplete'));
  // Asked twice (a retried rejection): nothing more happens.
  await app.ctx.db.transaction().execute((trx) => app.payments.refund(trx, invoice.invoiceId, 'again'));
  await settle(invoice.invoiceId);

  const refunded = await app.payments.invoice(app.ctx.db, invoice.invoiceId);
  assert.equal(refunded?.status, 'refunded');
  assert.equal(refunded?.refundReason, 'Application rejected: documents incomplete');
  assert.ok(refunded?.refundedAt instanceof Date);
  const checked = await app.standin.payme('CheckTransaction', { id: paid.id }) as { result: { state: number; reason: number; cancel_time: number } };
  assert.equal(checked.result.state, -2);
  assert.equal(checked.result.reason, 5);
  assert.ok(checked.result.cancel_time > 0);
  assert.equal(app.standin.calls().filter((c) => c.method === 'CancelTransaction' && c.body.includes(paid.id)).length, 1, 'the processor was asked once');
  assert.deepEqual(await eventsOf(app, 'payments.refunded', invoice.invoiceId), [{ invoiceId: invoice.invoiceId, subject: invoice.subject }]);

  // Payme repeating its CancelTransaction changes nothing.
  const again = await app.standin.refundPayme(paid.id) as { result: { state: number } };
  assert.equal(again.result.state, -2);
  assert.equal((await eventsOf(app, 'payments.refunded', invoice.invoiceId)).length, 1);
  // A refunded invoice is not paid again.
  assert.equal((await app.standin.payWithPayme(invoice.invoiceId, invoice.amountTiyin)).ok, false);
});

test('a Click payment refunded: recorded at once with its reason, one payments.refunded', async () => {
  const invoice = await testInvoice(app);
  assert.equal((await app.standin.payWithClick(invoice.invoiceId, invoice.amountTiyin)).ok, true);
  await app.ctx.db.transaction().execute(async (trx) => {
    await app.payments.refund(trx, invoice.invoiceId, 'Rejected');
    await app.payments.refund(trx, invoice.invoiceId, 'Rejected');
  });
  const refunded = await app.payments.invoice(app.ctx.db, invoice.invoiceId);
  assert.equal(refunded?.status, 'refunded');
  assert.equal(refunded?.refundReason, 'Rejected');
  const txn = await app.ctx.db.selectFrom('payments_transaction').selectAll().where('invoice_id', '=', invoice.invoiceId).executeTakeFirstOrThrow();
  assert.equal(txn.state, -2);
  assert.equal((await eventsOf(app, 'payments.refunded', invoice.invoiceId)).length, 1);
});

test('a refund rolled back with its transaction leaves the invoice paid and no event', async () => {
  const invoice = await testInvoice(app);
  assert.equal((await app.standin.payWithClick(invoice.invoiceId, invoice.amountTiyin)).ok, true);
  await assert.rejects(app.ctx.db.transaction().execute(async (trx) => {
    await app.payments.refund(trx, invoice.invoiceId, 'Rejected');
    throw new Error('the rejection failed afterwards');
  }));
  assert.equal((await app.payments.invoice(app.ctx.db, invoice.invoiceId))?.status, 'paid');
  assert.equal((await eventsOf(app, 'payments.refunded', invoice.invoiceId)).length, 0);
});

test('only a paid invoice is refunded; a pending one is cancelled instead and then cannot be paid', async () => {
  const invoice = await testInvoice(app);
  await assert.rejects(app.payments.refund(app.ctx.db, invoice.invoiceId, 'x'), /pending/);
  assert.equal(await app.payments.cancel(app.ctx.db, invoice.invoiceId), true);
  assert.equal(await app.payments.cancel(app.ctx.db, invoice.invoiceId), false);
  assert.equal((await app.payments.invoice(app.ctx.db, invoice.invoiceId))?.status, 'cancelled');
  assert.equal((await app.standin.payWithPayme(invoice.invoiceId, invoice.amountTiyin)).ok, false);
  assert.equal((await app.standin.payWithClick(invoice.invoiceId, invoice.amountTiyin)).ok, false);
  // A new invoice for the same subject can be made once the old one is cancelled.
  const renewed = await app.payments.createInvoice(app.ctx.db, { ...invoice });
  assert.notEqual(renewed.invoiceId, invoice.invoiceId);
  assert.deepEqual((await app.payments.invoicesOf(app.ctx.db, invoice.subject)).map((i) => i.status), ['cancelled', 'pending']);
});

test('invoice amounts must be whole tiyin, the discount below 100 %', async () => {
  const base = { subject: 'amounts', payerPersonId: 'p', businessId: null, serviceId: 's', description: { uz: 'a', oz: 'a', kaa: 'a', ru: 'a', en: 'a' } };
  await assert.rejects(app.payments.createInvoice(app.ctx.db, { ...base, amountTiyin: 10.5, fullAmountTiyin: 20, discountPercent: 0 }));
  await assert.rejects(app.payments.createInvoice(app.ctx.db, { ...base, amountTiyin: 0, fullAmountTiyin: 0, discountPercent: 0 }));
  await assert.rejects(app.payments.createInvoice(app.ctx.db, { ...base, amountTiyin: 30, fullAmountTiyin: 20, discountPercent: 0 }));
  await assert.rejects(app.payments.createInvoice(app.ctx.db, { ...base, amountTiyin: 10, fullAmountTiyin: 20, discountPercent: 100 }));
  await assert.rejects(app.payments.createInvoice(app.ctx.db, { ...base, amountTiyin: 10, fullAmountTiyin: 20, discountPercent: 50, returnPath: 'https://evil.example/' }));
  assert.deepEqual(await app.payments.invoicesOf(app.ctx.db, 'amounts'), []);
});
