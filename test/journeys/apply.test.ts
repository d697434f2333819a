// The proof, through the real pages: a citizen applies with a prefilled form and pays
// through the processor stand-in; an officer asks for more information, the citizen answers,
// the officer approves; the citizen is told, downloads the signed PDF, and /verify accepts it
// and refuses a changed copy. Then the same with a refusal, which refunds the fee.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../src/identity/index.js';
import { signIn, startTestApp, type TestApp } from '../../src/testing.js';
import { launchBrowser, checkAxe } from './browser.js';

let app: TestApp;
let browser: Browser;
const account = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!;
const citizen = account('citizen');
const officer = account('officer');

before(async () => {
  app = await startTestApp();
  browser = await launchBrowser();
  // Residence registration is the migration service's: the demo officer works there too.
  await app.ctx.db.insertInto('identity_role').values({
    id: randomUUID(), person_id: officer.id, role: 'officer', agency_id: 'migration', unit: 'applications', region: 'tashkent-city',
    district: null, position: 'Inspector', granted_by: null, revoked_at: null,
  }).execute();
});
after(async () => {
  await browser?.close();
  await app?.close();
});


/** A browser signed in as the person (the sign-in has its own journey), to the portal or the back office. */
async function signedIn(personId: string, audience: 'portal' | 'office' = 'portal'): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: app.url, acceptDownloads: true });
  const [name, value] = (await signIn(app, personId, { audience })).split('=') as [string, string];
  await context.addCookies([{ name, value, url: app.url }]);
  return context;
}

/** Reloads until the text shows: what the outbox does after commit (the payment, the routing) takes a moment. */
async function until(page: Page, url: string, text: RegExp, where = 'main') {
  for (let i = 0; i < 60; i++) {
    const response = await page.goto(url);
    if (response?.status() === 200 && text.test(await page.locator(where).innerText())) return;
    await page.waitForTimeout(250);
  }
  assert.fail(`${url} never showed ${text}`);
}

/** The citizen applies for residence registration (prefilled), and pays with Click in the stand-in. */
async function applyAndPay(page: Page, street: string): Promise<{ url: string; number: string }> {
  await page.goto('/en/services/residence-registration/apply');
  await page.waitForURL(/\/current$/);
  assert.match(await page.locator('main').innerText(), /Amir Temur koʻchasi, 108-uy, 12-xonadon/, 'prefilled from the population register');
  assert.match(await page.locator('main').innerText(), /From the population register/);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/\/new-address$/);
  await page.getByLabel('Region').selectOption('tashkent-city');
  await page.getByLabel('District, street, house and flat').fill(street);
  await page.getByLabel('Date you moved in').fill('2026-11-01');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/\/owner$/);
  await page.getByLabel('Mine').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/\/family$/);
  await page.getByLabel('Your phone number').fill('+998 90 123-45-67');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/\/check$/);
  await page.getByRole('button', { name: 'Accept and send' }).click();
  await page.waitForURL(/\/en\/cabinet\/applications\/[0-9a-f-]{36}$/);
  const url = new URL(page.url()).pathname;
  const number = /Application (\d{4}-\d{6})/.exec(await page.locator('main').innerText())?.[1];
  assert.ok(number, 'the application has its number');
  assert.match(await page.locator('main').innerText(), /Awaiting payment/);
  assert.match(await page.locator('main').innerText(), /once the fee of [\d,]+ soʻm is paid/);
  await checkAxe(page, 'an application awaiting payment');

  await page.getByRole('button', { name: 'Pay', exact: true }).click();
  await page.waitForURL(/\/en\/pay\/[0-9a-f-]{36}$/);
  await page.getByLabel('Click').check();
  await page.getByRole('button', { name: 'Go to payment' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/services/pay'));
  await page.getByRole('button', { name: 'Pay', exact: true }).click();
  // Click sends the payer back with its own parameters added.
  await page.waitForURL((u) => u.origin === app.url && u.pathname === url);
  // Paid: the application goes to the agency.
  await until(page, url, /Status\s*Submitted/);
  return { url, number };
}

/** The officer finds the application in the new queue, opens it and takes it into review. */
async function takeIt(page: Page, number: string): Promise<string> {
  // It reaches the officer of the applicant's region once routed by the registered address.
  await until(page, '/en/office/applications?queue=new', new RegExp(number));
  await checkAxe(page, 'the queue of new applications');
  await page.getByRole('link', { name: number }).click();
  await page.waitForURL(/\/en\/office\/applications\/[0-9a-f-]{36}$/);
  const url = new URL(page.url()).pathname;
  const main = await page.locator('main').innerText();
  assert.match(main, /Karimov Aziz/);
  assert.match(main, /31507901120014/);
  assert.match(main, /Tashkent city, Yunusabad/);
  await page.getByRole('button', { name: 'Take it' }).click();
  await page.waitForURL(`${app.url}${url}`);
  assert.match(await page.locator('main').innerText(), /In review/);
  await checkAxe(page, 'an application in review');
  return url;
}

async function download(page: Page): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the document (PDF)' }).click()]);
  return readFile((await file.path())!);
}

/** /verify accepts the holder's copy and refuses one with a byte changed. */
async function verify(documentUrl: string, pdf: Buffer, title: RegExp) {
  const checker = await (await browser.newContext({ baseURL: app.url })).newPage();
  await checker.goto(documentUrl);
  assert.match(await checker.locator('#verdict-box').innerText(), /This document is genuine and in force/);
  assert.match(await checker.locator('.summary').innerText(), title);
  await checker.getByLabel('PDF file of the document').setInputFiles({ name: 'copy.pdf', mimeType: 'application/pdf', buffer: pdf });
  await checker.getByRole('button', { name: 'Check the copy' }).click();
  assert.match(await checker.locator('#copy-result').innerText(), /This copy is identical to the issued document/);
  const changed = Buffer.from(pdf);
  changed[Math.floor(changed.length / 2)] ^= 0x01;
  await checker.getByLabel('PDF file of the document').setInputFiles({ name: 'copy.pdf', mimeType: 'application/pdf', buffer: changed });
  await checker.getByRole('button', { name: 'Check the copy' }).click();
  assert.match(await checker.locator('#copy-result').innerText(), /This copy has been changed/);
  await checker.context().close();
}

test('apply with prefill, pay, answer a request for information, get the approval and its signed PDF, which /verify accepts', async () => {
  const citizenContext = await signedIn(citizen.id);
  const officerContext = await signedIn(officer.id, 'office');
  const page = await citizenContext.newPage();
  const office = await officerContext.newPage();

  const { url, number } = await applyAndPay(page, 'Chilonzor tumani, Bunyodkor koʻchasi, 5-uy');
  const officeUrl = await takeIt(office, number);

  await office.getByLabel('What the applicant should send').fill('Send the cadastral passport of the home');
  await office.getByRole('button', { name: 'Ask for more information' }).click();
  await office.waitForURL(`${app.url}${officeUrl}`);
  assert.match(await office.locator('main').innerText(), /More information needed/);

  await page.goto(url);
  assert.match(await page.locator('main').innerText(), /Send the cadastral passport of the home/);
  await checkAxe(page, 'a request for information');
  await page.getByLabel('Your answer').fill('The passport is attached');
  await page.getByLabel('File (optional)').setInputFiles({ name: 'passport.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await page.getByRole('button', { name: 'Send the answer' }).click();
  await page.waitForURL(/\?done=answered$/);
  assert.match(await page.locator('.notice').innerText(), /Your answer has been sent/);

  await office.goto(officeUrl);
  assert.match(await office.locator('main').innerText(), /The passport is attached/);
  assert.match(await office.locator('main').innerText(), /passport\.pdf/);
  await office.getByRole('button', { name: 'Approve' }).click();
  await office.waitForURL(`${app.url}${officeUrl}`);
  assert.match(await office.locator('main').innerText(), /Approved/);

  // The citizen is told, in the cabinet.
  await page.goto('/en/cabinet/notifications');
  assert.match(await page.locator('main').innerText(), new RegExp(`Application ${number} is approved`));
  await page.goto(url);
  const main = await page.locator('main').innerText();
  assert.match(main, /The application is approved/);
  for (const step of ['Application received', 'Payment received', 'Take into review', 'Ask for more information', 'Send the information', 'Approve']) assert.ok(main.includes(step), `the timeline shows ${step}`);
  await checkAxe(page, 'an approved application');
  const pdf = await download(page);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const verifyUrl = await page.getByRole('link', { name: 'Check the document' }).getAttribute('href');
  await verify(verifyUrl!, pdf, new RegExp(number));

  // After the result: a rating, once.
  await page.getByLabel('4 stars').check();
  await page.getByLabel('Comment (optional)').fill('Quick and clear');
  await page.getByRole('button', { name: 'Send the rating' }).click();
  await page.waitForURL(/\?done=rated$/);
  assert.match(await page.locator('main').innerText(), /You gave 4 out of 5/);
  await page.goto('/en/cabinet/applications');
  assert.match(await page.locator('table').innerText(), new RegExp(`${number}\\s+Registering your permanent address \\(propiska\\)\\s+Approved`));
  await checkAxe(page, 'my applications');
  await page.goto('/en/services/residence-registration/ratings');
  assert.match(await page.locator('main').innerText(), /4\.0 out of 5 from 1 rating/);
  await checkAxe(page, 'ratings');
  await citizenContext.close();
  await officerContext.close();
});

test('the same with a refusal: a reason from the list, the signed refusal, and the fee refunded', async () => {
  const citizenContext = await signedIn(citizen.id);
  const officerContext = await signedIn(officer.id, 'office');
  const page = await citizenContext.newPage();
  const office = await officerContext.newPage();

  const { url, number } = await applyAndPay(page, 'Olmazor tumani, Qorasaroy koʻchasi, 12-uy');
  const officeUrl = await takeIt(office, number);
  // Forgetting the reason: told so beside the field.
  await office.getByRole('button', { name: 'Reject' }).click();
  assert.match(await office.locator('.error-summary').innerText(), /Choose a reason from the list/);
  await checkAxe(office, 'a refusal without its reason');
  await office.getByLabel('Reason', { exact: true }).selectOption('data-mismatch');
  await office.getByLabel('Explanation for the applicant (optional)').fill('The house number is not in the cadastre');
  await office.getByRole('button', { name: 'Reject' }).click();
  await office.waitForURL(`${app.url}${officeUrl}`);
  assert.match(await office.locator('main').innerText(), /Rejected/);

  await page.goto('/en/cabinet/notifications');
  assert.match(await page.locator('main').innerText(), new RegExp(`Application ${number} is rejected`));
  await page.goto(url);
  const main = await page.locator('main').innerText();
  assert.match(main, /The application is rejected/);
  assert.match(main, /The information does not match the state registries\. The house number is not in the cadastre/);
  assert.match(main, /The fee of [\d,]+ soʻm has been refunded/);
  const pdf = await download(page);
  const verifyUrl = await page.getByRole('link', { name: 'Check the document' }).getAttribute('href');
  await verify(verifyUrl!, pdf, /Refusal/);
  await citizenContext.close();
  await officerContext.close();
});
