import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_ACCOUNTS, demoFacePhoto, demoKeyFile } from '../../src/identity/index.js';
import { startTestApp, type TestApp } from '../../src/testing.js';
import { axe, describeViolations, launchBrowser } from './browser.js';

let app: TestApp;
let browser: Browser;
const citizen = DEMO_ACCOUNTS[0];

before(async () => {
  app = await startTestApp();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await app?.close();
});

test('a citizen signs in with password and SMS code from a service page, sees the cabinet and signs out', async () => {
  const context = await browser.newContext({ baseURL: app.url, bypassCSP: true });
  const page = await context.newPage();
  await page.goto('/en/services/residence-registration');
  await page.getByRole('button', { name: 'Apply online' }).click();
  await page.waitForURL(/\/oidc\/interaction\//);
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the sign-in speaks the language the user came with');
  const checkAxe = async (where: string) => {
    const violations = await axe(page);
    assert.equal(violations.length, 0, `${where}:\n${describeViolations(violations)}`);
  };

  await page.getByLabel('Phone number or PINFL').fill(citizen.login);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.match(await page.locator('.error-summary').innerText(), /wrong/i);
  await checkAxe('sign-in form with an error');

  await page.getByLabel('Password').fill(citizen.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await checkAxe('code form');
  await page.getByLabel('Code from the SMS').fill((await app.sms.lastCode(citizen.phone))!);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.waitForURL(/\/en\/services\/residence-registration\/apply/);

  await page.goto('/en/cabinet');
  assert.match(await page.locator('h1').innerText(), /My cabinet/);
  assert.match(await page.locator('main').innerText(), new RegExp(citizen.pinfl));
  await checkAxe('cabinet');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await page.waitForURL(/\/en\/$/);
  await page.goto('/en/cabinet');
  await page.waitForURL(/\/oidc\/interaction\//);
  await context.close();
});

test('a citizen signs in with the signature key file; the key never leaves the browser', async () => {
  const context = await browser.newContext({ baseURL: app.url });
  const page = await context.newPage();
  const posted: string[] = [];
  page.on('request', (r) => { if (r.method() === 'POST') posted.push(r.postData() ?? ''); });
  await page.goto('/ru/cabinet');
  await page.waitForURL(/\/oidc\/interaction\//);
  await page.getByRole('link', { name: /E-IMZO/ }).click();
  await page.locator('#keyfile').setInputFiles(demoKeyFile(app.config.dataDir, 'citizen'));
  await page.locator('#esign-form button[type=submit]').click();
  await page.waitForURL(/\/ru\/cabinet$/);
  assert.match(await page.locator('main').innerText(), new RegExp(citizen.pinfl));
  assert.ok(posted.every((body) => !body.includes('PRIVATE KEY')), 'no private key was sent');
  await context.close();
});

test('a citizen signs in with a face check; another face is refused', async () => {
  const context = await browser.newContext({ baseURL: app.url });
  const page = await context.newPage();
  await page.goto('/en/cabinet');
  await page.waitForURL(/\/oidc\/interaction\//);
  await page.getByRole('link', { name: /face check/ }).click();
  await page.getByLabel('PINFL').fill(citizen.pinfl);
  await page.locator('#photo').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: demoFacePhoto(DEMO_ACCOUNTS[2].id) });
  await page.getByRole('button', { name: 'Check and sign in' }).click();
  assert.match(await page.locator('.error-summary').innerText(), /does not match/);
  const violations = await axe(page);
  assert.equal(violations.length, 0, describeViolations(violations));
  await page.locator('#photo').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: demoFacePhoto(citizen.id) });
  await page.getByRole('button', { name: 'Check and sign in' }).click();
  await page.waitForURL(/\/en\/cabinet$/);
  await context.close();
});
