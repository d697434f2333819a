import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../src/identity/index.js';
import { extractPdfText } from '../../src/documents/pdf-text.js';
import { startDocumentsApp, type DocumentsTestApp } from '../../src/documents/test-app.js';
import { launchBrowser, checkAxe } from './browser.js';

let app: DocumentsTestApp;
let browser: Browser;
const citizen = DEMO_ACCOUNTS[0];

before(async () => {
  app = await startDocumentsApp();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await app?.close();
});


test('the citizen finds a signed document in the wallet, downloads it, opens its QR link, and a changed copy is caught', async () => {
  // The agency issues the result of an application: signed, stored, in the citizen's wallet.
  const { documentId } = await app.ctx.db.transaction().execute((trx) => app.documents.issue(trx, {
    subject: randomUUID(), personId: citizen.id, businessId: null, agencyId: 'public-services', locale: 'en',
    title: 'Certificate of residence registration', number: '2026-000123',
    lines: [['Address', 'Tashkent city, Yunusobod district, Amir Temur street, 108'], ['Registered since', '01.02.2020']],
    decision: 'approved', signedBy: 'Gulnora Gʻulomova',
  }));

  const context = await browser.newContext({ baseURL: app.url, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto('/en/cabinet/documents');
  await page.waitForURL(/\/oidc\/interaction\//);
  await page.getByLabel('Phone number or PINFL').fill(citizen.login);
  await page.getByLabel('Password').fill(citizen.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Code from the SMS').fill((await app.sms.lastCode(citizen.phone))!);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.waitForURL(/\/en\/cabinet\/documents$/);

  // The wallet lists it, from the cabinet's own navigation too.
  await page.goto('/en/cabinet');
  await page.getByRole('navigation', { name: 'Cabinet sections' }).getByRole('link', { name: 'My documents' }).click();
  await page.waitForURL(/\/en\/cabinet\/documents$/);
  assert.match(await page.locator('h1').innerText(), /My documents/);
  const row = page.locator('tr', { hasText: '2026-000123' });
  assert.match(await row.innerText(), /Certificate of residence registration/);
  assert.match(await row.innerText(), /Public Services Agency/);
  await checkAxe(page, 'wallet');

  // Download: the very bytes that were signed.
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'Download PDF of 2026-000123' }).click()]);
  assert.equal(download.suggestedFilename(), '2026-000123.pdf');
  const pdf = await readFile((await download.path())!);
  const stored = await app.ctx.db.selectFrom('documents_document').select(['sha256']).where('id', '=', documentId).executeTakeFirstOrThrow();
  assert.equal(createHash('sha256').update(pdf).digest('hex'), stored.sha256);

  // The address the QR code holds is printed under it: open it as a phone would.
  const text = (await extractPdfText(pdf)).pages.join('\n');
  const qrLink = new RegExp(`${app.url}/verify/[0-9a-f-]{36}`).exec(text)?.[0];
  assert.equal(qrLink, `${app.url}/verify/${documentId}`);
  const checker = await (await browser.newContext({ locale: 'en-GB' })).newPage();
  await checker.goto(qrLink!);
  await checker.waitForURL(new RegExp(`/en/verify/${documentId}$`));
  assert.match(await checker.locator('h1').innerText(), /Check a document/);
  assert.match(await checker.locator('#verdict-box').innerText(), /This document is genuine and in force/);
  const about = await checker.locator('.summary').innerText();
  assert.match(about, /Certificate of residence registration/);
  assert.match(about, /2026-000123/);
  assert.doesNotMatch(about, new RegExp(citizen.pinfl!), 'no personal data beyond initials');
  await checkAxe(checker, 'verify page');

  // The holder's own copy is identical.
  await checker.getByLabel('PDF file of the document').setInputFiles({ name: '2026-000123.pdf', mimeType: 'application/pdf', buffer: pdf });
  await checker.getByRole('button', { name: 'Check the copy' }).click();
  assert.match(await checker.locator('#copy-result').innerText(), /This copy is identical to the issued document/);

  // Someone edits a copy: one byte in the middle. The check says it has been changed.
  const changed = Buffer.from(pdf);
  changed[Math.floor(changed.length / 2)] ^= 0x01;
  await checker.getByLabel('PDF file of the document').setInputFiles({ name: '2026-000123.pdf', mimeType: 'application/pdf', buffer: changed });
  await checker.getByRole('button', { name: 'Check the copy' }).click();
  assert.match(await checker.locator('#copy-result').innerText(), /This copy has been changed/);
  await checkAxe(checker, 'verify page with a changed copy');

  // A picture renamed .pdf is not taken for a document.
  await checker.getByLabel('PDF file of the document').setInputFiles({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('89504e470d0a1a0a', 'hex') });
  await checker.getByRole('button', { name: 'Check the copy' }).click();
  assert.match(await checker.locator('.error-summary').innerText(), /The file must be a PDF document/);
  await checkAxe(checker, 'verify page with an error');

  // Revoked by the agency: the same link now says so.
  await app.ctx.db.transaction().execute((trx) => app.documents.revoke(trx, documentId, 'Issued in error'));
  await checker.goto(qrLink!);
  assert.match(await checker.locator('#verdict-box').innerText(), /This document has been revoked/);
  assert.match(await checker.locator('#verdict-box').innerText(), /Issued in error/);
  await context.close();
});
