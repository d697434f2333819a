import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../src/identity/index.js';
import { startTestApp, type TestApp } from '../../src/testing.js';
import { axe, describeViolations, launchBrowser } from './browser.js';

let app: TestApp;
let browser: Browser;
const account = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!;

before(async () => {
  app = await startTestApp();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await app?.close();
});

async function signInWithPassword(page: Page, who: (typeof DEMO_ACCOUNTS)[number]) {
  await page.waitForURL(/\/oidc\/interaction\//);
  await page.getByLabel('Phone number or PINFL').fill(who.login);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Code from the SMS').fill((await app.sms.lastCode(who.phone))!);
  await page.getByRole('button', { name: 'Confirm' }).click();
}

const noViolations = async (page: Page, where: string) => {
  const violations = await axe(page);
  assert.equal(violations.length, 0, `${where}:\n${describeViolations(violations)}`);
};

test('an officer signs in to the back office through the provider and sees their queues; a citizen is turned away', async () => {
  const officer = account('officer');
  const context = await browser.newContext({ baseURL: app.url });
  const page = await context.newPage();
  await page.goto('/en/office');
  await signInWithPassword(page, officer);
  await page.waitForURL(/\/en\/office$/);
  assert.match(await page.locator('h1').innerText(), /Good day, Gulnora/);
  assert.match(await page.locator('header').innerText(), /Officer/);
  assert.equal(await page.getByRole('heading', { name: 'Your queues' }).count(), 1);
  await noViolations(page, 'office home');
  // The officer's portal is another client: the back-office session does not open the cabinet by itself,
  // but the provider's session signs them in there without asking again.
  await page.goto('/en/cabinet');
  await page.waitForURL(/\/en\/cabinet$/);
  // An officer is no administrator.
  const people = await page.goto('/en/office/people');
  assert.equal(people?.status(), 403);
  await page.goto('/en/office');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await page.goto('/en/office');
  await page.waitForURL(/\/oidc\/interaction\//);
  await context.close();

  const citizen = account('citizen');
  const other = await browser.newContext({ baseURL: app.url });
  const citizenPage = await other.newPage();
  await citizenPage.goto('/en/office');
  await signInWithPassword(citizenPage, citizen);
  await citizenPage.waitForLoadState();
  assert.match(await citizenPage.locator('h1').innerText(), /No access to the back office/);
  await other.close();
});

test('an administrator grants a role; the new officer gets in; a revoked role stops working at once', async () => {
  const admin = account('admin');
  const newcomer = account('representative');
  const adminContext = await browser.newContext({ baseURL: app.url });
  const page = await adminContext.newPage();
  await page.goto('/en/office/people');
  await signInWithPassword(page, admin);
  await page.waitForURL(/\/en\/office\/people$/);
  await page.getByLabel('PINFL or phone number').fill(newcomer.pinfl!);
  await page.getByRole('button', { name: 'Find' }).click();
  assert.match(await page.locator('main').innerText(), /No back-office roles/);
  await page.getByRole('button', { name: 'Grant the role' }).click();
  assert.match(await page.locator('.error-summary').innerText(), /Choose a role/);
  await page.getByLabel('Role').selectOption('officer');
  await page.getByLabel('Agency').selectOption('public-services');
  await page.getByLabel('Unit').fill('Applications');
  await page.getByRole('button', { name: 'Grant the role' }).click();
  await page.waitForURL(/\/en\/office\/people\?q=/);
  assert.match(await page.locator('main table').innerText(), /Officer/);
  await noViolations(page, 'people and roles');

  const newcomerContext = await browser.newContext({ baseURL: app.url });
  const theirs = await newcomerContext.newPage();
  await theirs.goto('/en/office');
  await signInWithPassword(theirs, newcomer);
  await theirs.waitForURL(/\/en\/office$/);
  assert.equal(await theirs.getByRole('heading', { name: 'Your queues' }).count(), 1);

  await page.getByRole('button', { name: 'Revoke' }).click();
  await page.waitForURL(/\/en\/office\/people\?q=/);
  const after = await theirs.goto('/en/office');
  assert.equal(after?.status(), 403, 'the revoked role no longer opens the back office');

  const audit = await app.ctx.db.selectFrom('identity_audit').select(['action', 'actor']).where('subject', '=', newcomer.id).where('action', 'like', 'role.%').orderBy('id').execute();
  assert.deepEqual(audit.map((a) => a.action), ['role.granted', 'role.revoked']);
  assert.ok(audit.every((a) => a.actor === admin.id));
  await adminContext.close();
  await newcomerContext.close();
});
