import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../src/identity/index.js';
import { startTestApp, type TestApp } from '../../src/testing.js';
import { axe, describeViolations, launchBrowser } from './browser.js';

let app: TestApp;
let browser: Browser;

// A citizen of demo/identity/people.yaml with no demo role and no account, aged 16 and over.
const SANJAR = { pinfl: '31201775023584', birth: '12.01.1977', phone: '+998 99 128-55-15', digits: '998991285515', name: 'Sanjar' };

before(async () => {
  app = await startTestApp();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await app?.close();
});

const noViolations = async (page: Page, where: string) => {
  const violations = await axe(page);
  assert.equal(violations.length, 0, `${where}:\n${describeViolations(violations)}`);
};

test('a citizen creates an account from the sign-in, lands in the cabinet, signs out and signs in again with password and SMS', async () => {
  const context = await browser.newContext({ baseURL: app.url });
  const page = await context.newPage();
  await page.goto('/en/signin');
  await page.waitForURL(/\/oidc\/interaction\//);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.waitForURL(/\/register$/);
  assert.match(await page.locator('h1').innerText(), /Create an account/);
  await noViolations(page, 'registration form');

  await page.getByRole('link', { name: /foreign citizen/ }).click();
  assert.equal(await page.getByLabel('Passport number').count(), 1, 'the foreigner form asks for the passport');
  await noViolations(page, 'registration form for a foreigner');
  await page.getByRole('link', { name: 'A citizen of Uzbekistan' }).click();

  // A mistake first: the error shows in the summary and next to the field.
  await page.getByLabel('PINFL').fill(SANJAR.pinfl);
  await page.getByLabel('Date of birth').fill('12.01.1978');
  await page.getByLabel('Mobile phone number').fill(SANJAR.phone);
  await page.getByRole('button', { name: 'Send the code' }).click();
  assert.match(await page.locator('.error-summary').innerText(), /could not find you in the population registry/);
  await noViolations(page, 'registration form with an error');

  await page.getByLabel('Date of birth').fill(SANJAR.birth);
  await page.getByRole('button', { name: 'Send the code' }).click();
  assert.match(await page.locator('h1').innerText(), /Confirm your phone number/);
  await noViolations(page, 'registration code form');
  await page.getByLabel('Code from the SMS').fill((await app.sms.lastCode(SANJAR.digits))!);
  await page.getByRole('button', { name: 'Confirm' }).click();

  assert.match(await page.locator('h1').innerText(), /Choose a password/);
  await noViolations(page, 'registration password form');
  await page.getByLabel('Password', { exact: true }).fill('sanjar-password-2026');
  await page.getByLabel('Enter the password again').fill('sanjar-password-2027');
  await page.getByRole('button', { name: 'Create the account' }).click();
  assert.match(await page.locator('.error-summary').innerText(), /do not match/);
  await noViolations(page, 'registration password form with an error');
  await page.getByLabel('Password', { exact: true }).fill('sanjar-password-2026');
  await page.getByLabel('Enter the password again').fill('sanjar-password-2026');
  await page.getByRole('button', { name: 'Create the account' }).click();

  await page.waitForURL(/\/en\/cabinet$/);
  assert.match(await page.locator('h1').innerText(), /My cabinet/);
  assert.match(await page.locator('main').innerText(), new RegExp(SANJAR.pinfl));

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await page.waitForURL(/\/en\/$/);
  await page.goto('/en/signin');
  await page.waitForURL(/\/oidc\/interaction\//);
  await page.getByLabel('Phone number or PINFL').fill(SANJAR.phone);
  await page.getByLabel('Password').fill('sanjar-password-2026');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Code from the SMS').fill((await app.sms.lastCode(SANJAR.digits))!);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.waitForURL(/\/en\/cabinet$/);
  assert.match(await page.locator('main').innerText(), new RegExp(SANJAR.name));
  await context.close();
});

test('a person who forgot the password resets it with an SMS code and signs in with the new one', async () => {
  const who = DEMO_ACCOUNTS.find((a) => a.role === 'editor')!;
  const context = await browser.newContext({ baseURL: app.url });
  const page = await context.newPage();
  await page.goto('/en/signin');
  await page.waitForURL(/\/oidc\/interaction\//);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.waitForURL(/\/reset$/);
  await noViolations(page, 'reset form');
  await page.getByLabel('Phone number or PINFL').fill(who.login);
  await page.getByRole('button', { name: 'Send the code' }).click();
  assert.match(await page.locator('main').innerText(), /If an account with these details exists/);
  await noViolations(page, 'reset code form');
  await page.getByLabel('Code from the SMS').fill((await app.sms.lastCode(who.phone))!);
  await page.getByRole('button', { name: 'Confirm' }).click();
  assert.match(await page.locator('h1').innerText(), /Choose a new password/);
  await noViolations(page, 'reset password form');
  await page.getByLabel('Password', { exact: true }).fill('editor-new-password');
  await page.getByLabel('Enter the password again').fill('editor-new-password');
  await page.getByRole('button', { name: 'Save the new password' }).click();

  assert.match(await page.locator('.notice').innerText(), /Your password has been changed/);
  await noViolations(page, 'login form after a reset');
  await page.getByLabel('Phone number or PINFL').fill(who.login);
  await page.getByLabel('Password').fill('editor-new-password');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Code from the SMS').fill((await app.sms.lastCode(who.phone))!);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.waitForURL(/\/en\/cabinet$/);
  await context.close();
});
