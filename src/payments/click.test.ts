// Click SHOP API (Prepare / Complete) over real HTTP, as Click (the stand-in) calls it.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { eventsOf, startPaymentsApp, testInvoice, type PaymentsTestApp } from './payments.testing.js';
import { clickSign, somToTiyin, tiyinToSom } from './click.merchant.js';

let app: PaymentsTestApp;
before(async () => { app = await startPaymentsApp(); });
after(() => app?.close());

let counter = 0;
const transId = () => String(9_000_000_000 + process.pid * 1000 + ++counter);

async function prepared(invoice: { invoiceId: string; amountTiyin: number }) {
  const fields = { click_trans_id: transId(), merchant_trans_id: invoice.invoiceId, amount: tiyinToSom(invoice.amountTiyin) };
  const answer = await app.standin.click('prepare', fields);
  assert.equal(answer.error, 0, JSON.stringify(answer));
  return { fields, prepareId: String(answer.merchant_prepare_id) };
}

test("amounts: so'm with up to two decimals to tiyin and back", () => {
  assert.equal(somToTiyin('370800'), 37_080_000);
  assert.equal(somToTiyin('370800.00'), 37_080_000);
  assert.equal(somToTiyin('1500.5'), 150_050);
  assert.equal(somToTiyin('1500.05'), 150_005);
  assert.equal(somToTiyin('1500.055'), undefined);
  assert.equal(somToTiyin('-1'), undefined);
  assert.equal(somToTiyin('1e3'), undefined);
  assert.equal(tiyinToSom(150_005), '1500.05');
});

test('the signature is md5 of the fields in Click\'s order, with the prepare id on Complete', () => {
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  assert.equal(clickSign('K', { click_trans_id: '11', service_id: '22', merchant_trans_id: 'inv', amount: '5.00', action: '0', sign_time: '2026-01-01 10:00:00' }),
    md5('1122Kinv5.0002026-01-01 10:00:00'));
  assert.equal(clickSign('K', { click_trans_id: '11', service_id: '22', merchant_trans_id: 'inv', merchant_prepare_id: '7', amount: '5.00', action: '1', sign_time: '2026-01-01 10:00:00' }),
    md5('1122Kinv75.0012026-01-01 10:00:00'));
});

test('Prepare then Complete credits the invoice: error 0, receipt, one payments.paid', async () => {
  const invoice = await testInvoice(app);
  const { fields, prepareId } = await prepared(invoice);
  const completed = await app.standin.click('complete', { ...fields, merchant_prepare_id: prepareId });
  assert.equal(completed.error, 0);
  assert.equal(completed.error_note, 'Success');
  assert.equal(completed.click_trans_id, fields.click_trans_id);
  assert.equal(completed.merchant_trans_id, invoice.invoiceId);
  assert.equal(String(completed.merchant_confirm_id), prepareId);
  const stored = await app.payments.invoice(app.ctx.db, invoice.invoiceId);
  assert.equal(stored?.status, 'paid');
  assert.equal(stored?.provider, 'click');
  const events = await eventsOf(app, 'payments.paid', invoice.invoiceId) as { provider: string; amountTiyin: number }[];
  assert.equal(events.length, 1);
  assert.equal(events[0]!.provider, 'click');
  assert.equal(events[0]!.amountTiyin, invoice.amountTiyin);
});

test('a wrong signature is refused (-1) at both steps, and nothing is recorded or credited', async () => {
  const invoice = await testInvoice(app);
  const fields = { click_trans_id: transId(), merchant_trans_id: invoice.invoiceId, amount: tiyinToSom(invoice.amountTiyin) };
  const forged = await app.standin.click('prepare', fields, { secretKey: 'guessed-secret' });
  assert.equal(forged.error, -1);
  assert.equal(forged.error_note, 'SIGN CHECK FAILED!');
  const tampered = await app.standin.click('prepare', { ...fields, sign_string: 'a'.repeat(32) });
  assert.equal(tampered.error, -1);
  const rows = await app.ctx.db.selectFrom('payments_transaction').select('id').where('invoice_id', '=', invoice.invoiceId).execute();
  assert.equal(rows.length, 0);

  const { fields: good, prepareId } = await prepared(invoice);
  assert.equal((await app.standin.click('complete', { ...good, merchant_prepare_id: prepareId }, { secretKey: 'guessed-secret' })).error, -1);
  // A signature made for one amount does not carry another.
  const sign = app.standin.calls().at(-1)!;
  const body = new URLSearchParams(sign.body);
  body.set('amount', '1.00');
  const response = await fetch(`${app.url}/payments/click/complete`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
  assert.equal(((await response.json()) as { error: number }).error, -1);
  assert.equal((await app.payments.invoice(app.ctx.db, invoice.invoiceId))?.status, 'pending');
});

test('a wrong amount is refused (-2) at Prepare and at Complete', async () => {
  const invoice = await testInvoice(app);
  const wrong = await app.standin.click('prepare', { click_trans_id: transId(), merchant_trans_id: invoice.invoiceId, amount: tiyinToSom(invoice.fullAmountTiyin) });
  assert.equal(wrong.error, -2);
  assert.equal((await app.standin.click('prepare', { click_trans_id: transId(), merchant_trans_id: invoice.invoiceId, amount: 'lots' })).error, -2);
  const { fields, prepareId } = await prepared(invoice);
  const completed = await app.standin.click('complete', { ...fields, amount: '1.00', merchant_prepare_id: prepareId });
  assert.equal(completed.error, -2);
  assert.equal((await app.payments.invoice(app.ctx.db, invoice.invoiceId))?.status, 'pending');
});

test('an unknown order is -5; Complete before Prepare is -6; missing or repeated fields are -8; a wrong action -3', async () => {
  const invoice = await testInvoice(app);
  assert.equal((await app.standin.click('prepare', { click_trans_id: transId(), merchant_trans_id: randomUUID(), amount: '10.00' })).error, -5);
  assert.equal((await app.standin.click('prepare', { click_trans_id: transId(), merchant_trans_id: 'x', amount: '10.00' })).error, -5);

  const early = await app.standin.click('complete', { click_trans_id: transId(), merchant_trans_id: invoice.invoiceId, amount: tiyinToSom(invoice.amountTiyin), merchant_prepare_id: '999999999' });
  assert.equal(early.error, -6);
  assert.equal(early.error_note, 'Transaction does not exist');
  // Another payment's prepare id does not complete this one.
  const other = await prepared(await testInvoice(app));
  assert.equal((await app.standin.click('complete', { click_trans_id: transId(), merchant_trans_id: invoice.invoiceId, amount: tiyinToSom(invoice.amountTiyin), merchant_prepare_id: other.prepareId })).error, -6);
  assert.equal((await app.payments.invoice(app.ctx.db, invoice.invoiceId))?.status, 'pending');

  const post = async (body: string) => (await (await fetch(`${app.url}/payments/click/prepare`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).json()) as { error: number };
  assert.equal((await post('click_trans_id=1&amount=10')).error, -8);
  assert.equal((await post('click_trans_id=1&click_trans_id=2&service_id=90001&click_paydoc_id=1&merchant_trans_id=x&amount=1&action=0&error=0&error_note=&sign_time=t&sign_string=s')).error, -8);
  assert.equal((await post('')).error, -8);
  assert.equal((await app.standin.click('prepare', { click_trans_id: transId(), merchant_trans_id: invoice.invoiceId, amount: '10.00', action: '1' })).error, -3);
});

test('replays: a replayed Prepare gets the same prepare id; a replayed Complete gets -4 and credits nothing more', async () => {
  const invoice = await testInvoice(app);
  const { fields, prepareId } = await prepared(invoice);
  const prepareCall = app.standin.calls().at(-1)!;
  const replayedPrepare = await app.standin.replay(prepareCall.n);
  assert.equal(String((replayedPrepare.answer as { merchant_prepare_id: number }).merchant_prepare_id), prepareId);

  await app.standin.click('complete', { ...fields, merchant_prepare_id: prepareId });
  const completeCall = app.standin.calls().at(-1)!;
  assert.equal((completeCall.answer as { error: number }).error, 0);
  for (let i = 0; i < 3; i++) {
    const replay = await app.standin.replay(completeCall.n);
    assert.equal((replay.answer as { error: number; error_note: string }).error, -4);
  }
  assert.equal(((await app.standin.replay(prepareCall.n)).answer as { error: number }).error, -4, 'a paid order is not prepared again');
  assert.equal((await eventsOf(app, 'payments.paid', invoice.invoiceId)).length, 1);
  const receipts = await app.ctx.db.selectFrom('payments_receipt').select('number').where('invoice_id', '=', invoice.invoiceId).execute();
  assert.equal(receipts.length, 1);
  // A second payment for a paid invoice, with a new click id: refused at Prepare.
  assert.equal((await app.standin.click('prepare', { click_trans_id: transId(), merchant_trans_id: invoice.invoiceId, amount: tiyinToSom(invoice.amountTiyin) })).error, -4);
});

test('Click reports a failed debit on Complete (error < 0): the payment is cancelled (-9) and the invoice stays payable', async () => {
  const invoice = await testInvoice(app);
  const { fields, prepareId } = await prepared(invoice);
  const failed = await app.standin.click('complete', { ...fields, merchant_prepare_id: prepareId, error: '-5017', error_note: 'Insufficient funds' });
  assert.equal(failed.error, -9);
  assert.equal((await app.standin.click('complete', { ...fields, merchant_prepare_id: prepareId })).error, -9, 'a cancelled payment is not completed later');
  assert.equal((await app.payments.invoice(app.ctx.db, invoice.invoiceId))?.status, 'pending');
  const paid = await app.standin.payWithClick(invoice.invoiceId, invoice.amountTiyin);
  assert.equal(paid.ok, true);
  assert.equal((await app.payments.invoice(app.ctx.db, invoice.invoiceId))?.status, 'paid');
});
