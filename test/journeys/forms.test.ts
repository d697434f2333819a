// A citizen applies through the real pages in a browser: a multi-step form prefilled from
// the population register, a mistake, a disguised file refused and a real one taken, the
// check of the answers with a change, and Send, which reaches the submit handler once.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../src/identity/index.js';
import { EXE, PDF, startFormsApp, type FormsTestApp } from '../../src/forms/forms.testing.js';
import { signIn } from '../../src/testing.js';
import { launchBrowser, checkAxe, settleAt } from './browser.js';

let app: FormsTestApp;
let browser: Browser;
const [citizen] = DEMO_ACCOUNTS;

before(async () => {
  app = await startFormsApp();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await app?.close();
});


/** A browser signed in to the portal as the person (the sign-in itself has its own journey). */
async function signedIn(personId: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: app.url });
  const [name, value] = (await signIn(app, personId)).split('=');
  await context.addCookies([{ name, value, url: app.url }]);
  return context;
}

test('a citizen fills a prefilled multi-step form with a file, corrects a mistake, checks the answers and sends it once', async () => {
  const context = await signedIn(citizen.id);
  const page = await context.newPage();

  await page.goto('/en/services/residence-registration/apply');
  await page.waitForURL(/\/apply\/[0-9a-f-]{36}\/current$/);
  assert.match(await page.locator('h1').innerText(), /Your registration now/);
  assert.match(await page.locator('main').innerText(), /Step 1 of 4/);
  const main = await page.locator('main').innerText();
  assert.match(main, /Tashkent City, Yunusabad district, Amir Temur koʻchasi, 108-uy, 12-xonadon/);
  assert.match(main, /From the population register, \d{1,2} \w{3} 20\d\d/);
  await checkAxe(page, 'a step with a prefilled value');
  await page.getByRole('button', { name: 'Continue' }).click();

  // A mistake: the summary at the top links to the field, the message is beside it.
  await page.waitForURL(/\/new-address$/);
  await page.getByLabel('District, street, house and flat').fill('Chilonzor tumani, Bunyodkor koʻchasi, 5-uy');
  await page.getByLabel('Cadastral number of the home (optional)').fill('12345');
  await page.getByRole('button', { name: 'Continue' }).click();
  const summary = page.locator('.error-summary');
  assert.match(await summary.innerText(), /Choose an answer for “Region”/);
  assert.match(await summary.innerText(), /Enter the cadastral number like 01:12:07:15:03:0108/);
  assert.match(await summary.innerText(), /Enter “Date you moved in”/);
  assert.match(await page.title(), /^Error: /);
  assert.equal(await page.getByLabel('District, street, house and flat').inputValue(), 'Chilonzor tumani, Bunyodkor koʻchasi, 5-uy', 'what was typed stays');
  await checkAxe(page, 'a step with errors');
  await summary.getByRole('link', { name: /Region/ }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-region');
  await page.getByLabel('Region').selectOption('tashkent-city');
  await page.getByLabel('Cadastral number of the home (optional)').fill('01:12:07:15:03:0108');
  await page.getByLabel('Date you moved in').fill('2026-11-01');
  await page.getByRole('button', { name: 'Continue' }).click();

  // A file: a program named like a PDF is refused on its content, a PDF is taken.
  await page.waitForURL(/\/owner$/);
  await page.getByLabel("Someone else's (a relative or a landlord)").check();
  await page.getByLabel("Owner's PINFL").fill('40803843150013');
  await page.getByLabel("Lease contract or the owner's written consent").setInputFiles({ name: 'lease.pdf', mimeType: 'application/pdf', buffer: EXE });
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.match(await page.locator('.error-summary').innerText(), /The file must be PDF, JPEG, PNG\. This file’s content is of another type\./);
  await checkAxe(page, 'a refused file');
  await page.getByLabel("Someone else's (a relative or a landlord)").check();
  await page.getByLabel("Owner's PINFL").fill('40803843150013');
  await page.getByLabel("Lease contract or the owner's written consent").setInputFiles({ name: 'lease.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('button', { name: 'Continue' }).click();

  await page.waitForURL(/\/family$/);
  await page.getByLabel('Your phone number').fill('+998 90 123-45-67');
  await page.getByRole('button', { name: 'Continue' }).click();

  // The check: every answer, a Change link, and back to the check after changing.
  await page.waitForURL(/\/check$/);
  assert.match(await page.locator('h1').innerText(), /Check your answers before sending/);
  const answers = await page.locator('main').innerText();
  for (const text of ['Tashkent city', 'Chilonzor tumani, Bunyodkor koʻchasi, 5-uy', '40803843150013', 'lease.pdf', '+998901234567', '1 Nov 2026']) {
    assert.ok(answers.includes(text), `the check shows ${text}`);
  }
  await checkAxe(page, 'the check of the answers');
  await page.getByRole('link', { name: 'Change Date you moved in' }).click();
  await page.waitForURL(/\/new-address\?change=1#f-move_date$/);
  await page.getByLabel('Date you moved in').fill('2026-11-02');
  await page.getByRole('button', { name: 'Save and go back to the check' }).click();
  await page.waitForURL(/\/check$/);
  assert.match(await page.locator('main').innerText(), /2 Nov 2026/);

  // The same page in Russian keeps the draft.
  await page.getByRole('link', { name: 'Русский' }).click();
  await page.waitForURL(/\/ru\/services\/residence-registration\/apply\/[0-9a-f-]{36}\/check$/);
  assert.match(await page.locator('h1').innerText(), /Проверьте ответы перед отправкой/);
  assert.match(await page.locator('main').innerText(), /Источник: реестр населения/);

  // A double click on Send: one application.
  await page.getByRole('button', { name: 'Подтвердить и отправить' }).dblclick();
  await settleAt(page, /\/ru\/cabinet\/applications\/[0-9a-f-]{36}$/);
  const application = page.url();
  assert.equal(app.submissions.length, 1);
  const [submission] = app.submissions;
  assert.equal(submission.serviceId, 'residence-registration');
  assert.equal(submission.locale, 'ru');
  assert.equal(submission.answers.move_date, '2026-11-02');
  assert.equal(submission.answers.cadastral_number, '01:12:07:15:03:0108');
  assert.deepEqual(submission.files.map((f) => [f.field, f.name, f.mime, f.sha256]), [['ownership_document', 'lease.pdf', 'application/pdf', createHash('sha256').update(PDF).digest('hex')]]);
  assert.deepEqual(submission.prefilled.map((p) => p.field), ['current_address']);

  // Back to the form: a sent draft leads to its application, and nothing is sent again.
  await page.goBack();
  await page.waitForURL(application);
  assert.equal(app.submissions.length, 1);
  await context.close();
});

test('a draft left halfway is continued from the cabinet where it stopped', async () => {
  const context = await signedIn(citizen.id);
  const page = await context.newPage();
  await page.goto('/en/services/salary-certificate/apply');
  await page.waitForURL(/\/records$/);
  assert.match(await page.locator('main').innerText(), /Samo Agro JSC/);
  assert.match(await page.locator('main').innerText(), /From the pension fund/);
  await page.getByLabel('The last 12 months').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/\/purpose$/);

  await page.goto('/en/cabinet/drafts');
  await checkAxe(page, 'the drafts in the cabinet');
  await page.getByRole('link', { name: /Continue.*Salary record certificate/ }).click();
  await page.waitForURL(/\/salary-certificate\/apply\/[0-9a-f-]{36}\/purpose$/);
  await page.getByRole('link', { name: 'Back' }).click();
  await page.waitForURL(/\/records$/);
  assert.equal(await page.getByLabel('The last 12 months').isChecked(), true, 'the saved answer is there');
  await context.close();
});
