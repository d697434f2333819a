import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../src/identity/index.js';
import { startTestApp, type TestApp } from '../../src/testing.js';
import { launchBrowser, checkAxe } from './browser.js';

let app: TestApp;
let browser: Browser;
const [, , director, representative] = DEMO_ACCOUNTS;
/** A citizen of demo/identity/people.yaml with no role and no power. */
const SANJAR_PINFL = '31201775023584';

before(async () => {
  app = await startTestApp();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await app?.close();
});


/** Signs a demo person in with password and SMS code, starting from the page that chooses whom they act for. */
async function signInToActFor(context: BrowserContext, person: (typeof DEMO_ACCOUNTS)[number]): Promise<Page> {
  const page = await context.newPage();
  await page.goto('/en/cabinet/act-for');
  await page.waitForURL(/\/oidc\/interaction\//);
  await page.getByLabel('Phone number or PINFL').fill(person.login);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Code from the SMS').fill((await app.sms.lastCode(person.phone))!);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.waitForURL(/\/en\/cabinet\/act-for$/);
  return page;
}

test('a director acts for the business, grants a power, revokes another, and the representative is shut out at once', async () => {
  // The representative is already in the business cabinet in their own browser.
  const repContext = await browser.newContext({ baseURL: app.url });
  const rep = await signInToActFor(repContext, representative);
  await rep.getByRole('button', { name: /Baraka Savdo LLC/ }).click();
  await rep.waitForURL(/\/en\/business$/);
  assert.match(await rep.locator('h1').innerText(), /Baraka Savdo LLC/);

  const context = await browser.newContext({ baseURL: app.url });
  const page = await signInToActFor(context, director);
  assert.match(await page.locator('h1').innerText(), /Whom do you act for\?/);
  assert.match(await page.locator('.account-bar').innerText(), /Dilnoza Ergasheva/);
  assert.doesNotMatch(await page.locator('.account-bar').innerText(), /acting for/);
  await checkAxe(page, 'act-for page');

  // One click, and the header says whom she acts for.
  await page.getByRole('button', { name: /Baraka Savdo LLC/ }).click();
  await page.waitForURL(/\/en\/business$/);
  const bar = await page.locator('.account-bar').innerText();
  assert.match(bar, /Dilnoza Ergasheva · acting for Baraka Savdo LLC \(STIR 305123458\)/);
  assert.match(await page.locator('main').innerText(), /Limited liability company/);
  await checkAxe(page, 'business cabinet');

  await page.getByRole('link', { name: 'Grant and revoke powers' }).click();
  await page.waitForURL(/\/en\/business\/powers$/);
  await checkAxe(page, 'powers page');

  // A mistake first: the message is next to the field and in the summary.
  await page.getByLabel('PINFL of the representative').fill('1234');
  await page.getByRole('button', { name: 'Grant the power' }).click();
  assert.match(await page.locator('.error-summary').innerText(), /exactly 14 digits/);
  await checkAxe(page, 'grant form with errors');

  const until = new Date(Date.now() + 365 * 24 * 3600_000).toISOString().slice(0, 10);
  await page.getByLabel('PINFL of the representative').fill(SANJAR_PINFL);
  await page.getByLabel('All services').check();
  await page.getByLabel('Valid until').fill(until);
  await page.getByRole('button', { name: 'Grant the power' }).click();
  await page.waitForURL(/\/en\/business\/powers\?done=granted$/);
  assert.match(await page.getByRole('status').innerText(), /The power was granted/);
  const table = page.getByRole('table');
  assert.match(await table.innerText(), new RegExp(`Sanjar Sherzodovich Rahimov\\s+${SANJAR_PINFL}\\s+All services\\s+${until}`));

  // Revoke Timur Kim's power, with a reason.
  const timur = table.getByRole('row').filter({ hasText: 'Timur Olegovich Kim' });
  await timur.getByLabel('Reason (optional)').fill('Left the company');
  await timur.getByRole('button', { name: /Revoke/ }).click();
  await page.waitForURL(/\/en\/business\/powers\?done=revoked$/);
  assert.match(await page.getByRole('status').innerText(), /The power was revoked/);
  assert.doesNotMatch(await page.getByRole('table').innerText(), /Timur/);
  assert.match(await page.getByRole('table').innerText(), /Sanjar/);
  await checkAxe(page, 'powers page after the revoke');

  // The representative can no longer open the business cabinet, nor choose the business.
  const refused = await rep.goto('/en/business');
  assert.equal(refused?.status(), 403);
  await rep.goto('/en/cabinet/act-for');
  assert.equal(await rep.getByRole('button', { name: /Baraka Savdo LLC/ }).count(), 0);
  assert.doesNotMatch(await rep.locator('.account-bar').innerText(), /acting for/);

  await context.close();
  await repContext.close();
});
