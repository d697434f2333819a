import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../platform/index.js';
import { openPaymentsChannel } from './payments-channel.js';

const PRODUCTION = { NODE_ENV: 'production', COOKIE_SECRET: 'x'.repeat(40), PUBLIC_URL: 'https://darcha.example.uz', SMS_GATEWAY_URL: 'https://notify.eskiz.uz', DATA_DIR: '/tmp/darcha-payments-config' };
const MERCHANT = {
  PAYME_MERCHANT_ID: '5e730e8e0b852a417aa49ceb', PAYME_KEY: 'production-payme-key', CLICK_SERVICE_ID: '12345', CLICK_MERCHANT_ID: '67890',
  CLICK_SECRET_KEY: 'production-click-secret', PAYMENTS_CHECKOUT_URL: 'https://checkout.paycom.uz,https://my.click.uz',
};

test('in production the merchant settings come all together or the payments module does not start; no stand-in runs', async () => {
  assert.throws(() => loadConfig({ ...PRODUCTION, PAYME_KEY: 'production-payme-key' }), /give all six in production/);
  await assert.rejects(openPaymentsChannel(loadConfig(PRODUCTION)), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /PAYME_MERCHANT_ID, PAYME_KEY, CLICK_SERVICE_ID, CLICK_MERCHANT_ID, CLICK_SECRET_KEY, PAYMENTS_CHECKOUT_URL: required in production/);
    return true;
  });
  const channel = await openPaymentsChannel(loadConfig({ ...PRODUCTION, ...MERCHANT }));
  assert.equal(channel.standin, undefined);
  assert.equal(channel.settings.payme.key, 'production-payme-key');
  const invoice = { id: '0552f200-18ef-45a1-a25a-b5d8eb7a7aff', amountTiyin: 37_080_050 };
  const payme = new URL(channel.checkoutUrl('payme', invoice, 'https://darcha.example.uz/oz/cabinet', 'oz'));
  assert.equal(payme.origin, 'https://checkout.paycom.uz');
  assert.equal(Buffer.from(payme.pathname.slice(1), 'base64').toString(),
    `m=5e730e8e0b852a417aa49ceb;ac.invoice=${invoice.id};a=37080050;c=https://darcha.example.uz/oz/cabinet;l=uz`);
  const click = new URL(channel.checkoutUrl('click', invoice, 'https://darcha.example.uz/ru/cabinet', 'ru'));
  assert.equal(`${click.origin}${click.pathname}`, 'https://my.click.uz/services/pay');
  assert.deepEqual(Object.fromEntries(click.searchParams), {
    service_id: '12345', merchant_id: '67890', amount: '370800.50', transaction_param: invoice.id, return_url: 'https://darcha.example.uz/ru/cabinet',
  });
  assert.equal(await channel.requestRefund('abc'), false, 'no processor here to ask: the refund is made in the merchant cabinet');
  await channel.close();
});

test('outside production, demo values and a local stand-in serving both checkouts', async () => {
  const channel = await openPaymentsChannel(loadConfig({ DATA_DIR: '/tmp/darcha-payments-config', PUBLIC_URL: 'http://127.0.0.1:9' }));
  try {
    assert.ok(channel.standin);
    assert.equal(channel.settings.payme.checkoutUrl, channel.standin.url);
    assert.equal(channel.settings.click.checkoutUrl, channel.standin.url);
    assert.match(channel.standin.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  } finally {
    await channel.close();
  }
});
