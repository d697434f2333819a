import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { signIn } from '../../src/testing.js';
import { CITIZEN, startPaymentsApp, testInvoice, type PaymentsTestApp } from '../../src/payments/payments.testing.js';
import { launchBrowser, checkAxe } from './browser.js';

let app: PaymentsTestApp;
let browser: Browser;

before(async () => {
  app = await startPaymentsApp();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await app?.close();
});


test('a citizen opens the pay page, pays with Payme in the stand-in checkout, and sees the receipt', async () => {
  // The fee of an application: 412,000 soʻm, 10 % off online; back to the cabinet after paying.
  const invoice = await testInvoice(app, { returnPath: '/cabinet' });
  const [name, value] = (await signIn(app, CITIZEN.id)).split('=') as [string, string];
  const context = await browser.newContext({ baseURL: app.url });
  await context.addCookies([{ name, value, url: app.url }]);
  const page = await context.newPage();

  await page.goto(`/en/pay/${invoice.invoiceId}`);
  assert.equal(await page.locator('h1').innerText(), 'Pay the fee');
  assert.equal(await page.locator('s.price-full').textContent(), 'Full fee: 412,000 soʻm');
  assert.equal(await page.locator('.price-online').innerText(), '370,800 soʻm');
  await checkAxe(page, 'pay page');

  // Forgetting to choose: told so by the field and in the summary.
  await page.getByRole('button', { name: 'Go to payment' }).click();
  assert.match(await page.locator('.error-summary').innerText(), /Choose Payme or Click/);
  await checkAxe(page, 'pay page with an error');

  await page.getByLabel('Payme').check();
  await page.getByRole('button', { name: 'Go to payment' }).click();
  await page.waitForURL((url) => url.origin === app.standin.url);
  assert.match(await page.locator('h1').innerText(), /Payme/);
  assert.equal(await page.locator('.amount').innerText(), '370,800 soʻm');
  await page.getByRole('button', { name: 'Pay', exact: true }).click();
  await page.waitForURL(`${app.url}/en/cabinet`);

  const calls = app.standin.calls().map((c) => c.method);
  assert.deepEqual(calls.slice(-3), ['CheckPerformTransaction', 'CreateTransaction', 'PerformTransaction']);

  await page.goto(`/en/pay/${invoice.invoiceId}`);
  assert.match(await page.locator('.notice').innerText(), /^Paid on /);
  await page.getByRole('link', { name: 'See the receipt' }).click();
  await page.waitForURL(/\/receipt$/);
  assert.match(await page.locator('h1').innerText(), /^Receipt \d{4}-\d{6}$/);
  const receipt = await page.locator('main').innerText();
  assert.match(receipt, /Payme/);
  assert.match(receipt, /370,800 soʻm/);
  assert.match(receipt, /State fee/);
  await checkAxe(page, 'receipt');
  await context.close();
});
