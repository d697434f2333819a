// The appeals registry's proof through the real pages (issue #8): a citizen files a complaint
// with a point clicked on the map; the district administration's officer finds it; the head
// assigns the officer as executor; the executor answers, signed; the citizen reads the answer
// and rates it. Then an appeal past its deadline (the deadline poller run at a later time, the
// test clock) is escalated: the head is told and finds it in the overdue tab.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AppealsModule } from '../../src/appeals/index.js';
import { project } from '../../src/appeals/pages/map.js';
import { DEMO_ACCOUNTS } from '../../src/identity/index.js';
import { startTestApp, type TestApp } from '../../src/testing.js';
import { launchBrowser, checkAxe } from './browser.js';

let app: TestApp;
let browser: Browser;
let appeals: AppealsModule;
const account = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!;
const citizen = account('citizen'), officer = account('officer'), head = account('head');
const HOKIMIYAT = 'hokimiyat-tashkent-city';
// A point in Yunusabad, Tashkent, where the demo citizen lives.
const POINT = { lon: 69.285, lat: 41.365 };

before(async () => {
  app = await startTestApp();
  browser = await launchBrowser();
  appeals = app.modules.find((m) => m.name === 'appeals') as AppealsModule;
  // The district administration's appeals desk: the demo officer in Yunusabad, the demo head over the city.
  // (The module's seed grants the same; granting them again changes nothing.)
  const role = (person_id: string, r: 'officer' | 'head') => ({
    id: randomUUID(), person_id, role: r, agency_id: HOKIMIYAT, unit: r === 'officer' ? 'appeals' : null, region: r === 'officer' ? 'tashkent-city' : null,
    district: r === 'officer' ? 'yunusobod' : null, position: r === 'officer' ? 'Appeals inspector' : 'Deputy hokim', granted_by: null, revoked_at: null,
  });
  await app.ctx.db.insertInto('identity_role').values([role(officer.id, 'officer'), role(head.id, 'head')]).execute();
});
after(async () => {
  await browser?.close();
  await app?.close();
});


/** Signs in through the provider's real screens: password, then the code from the SMS stand-in. */
async function signedIn(who: (typeof DEMO_ACCOUNTS)[number], start: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: app.url });
  const page = await context.newPage();
  await page.goto(start);
  await page.waitForURL(/\/oidc\/interaction\//);
  await page.getByLabel('Phone number or PINFL').fill(who.login);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Code from the SMS').fill((await app.sms.lastCode(who.phone))!);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.waitForURL((u) => u.pathname === start.split('?')[0]);
  return { context, page };
}

/** Clicks the map where a place lies, as a person would point at it. */
async function clickMap(page: Page, lon: number, lat: number) {
  const map = page.locator('#appeal-map');
  const box = (await map.boundingBox())!;
  const [, , width, height] = (await map.getAttribute('viewBox'))!.split(' ').map(Number);
  const [x, y] = project(lon, lat);
  await map.click({ position: { x: (x / width!) * box.width, y: (y / height!) * box.height } });
}

/** The officer's search by number, from the list's search box, to the appeal's page. */
async function open(page: Page, number: string) {
  await page.goto('/en/office/appeals');
  await page.getByLabel('Appeal number').fill(number);
  await page.getByRole('button', { name: 'Find' }).click();
  await page.getByRole('link', { name: number }).click();
  await page.waitForURL(/\/en\/office\/appeals\/[0-9a-f-]{36}$/);
}

test('a complaint with a map point: routed to the district, assigned, answered and signed, read and rated', async () => {
  const { context: citizenContext, page } = await signedIn(citizen, '/en/appeals/new');
  await checkAxe(page, 'the new-appeal form');
  await page.getByLabel('Complaint').check();
  await page.getByLabel('Topic').selectOption('roads-potholes');
  await page.getByLabel('In short').fill('Pothole on Amir Temur street');
  await page.getByLabel('Text of the appeal').fill('A deep pothole in front of house 108 has damaged two cars this week. Please repair it.');
  await clickMap(page, POINT.lon, POINT.lat);
  // The click set the point (the script); the district comes from it.
  const lat = Number(await page.getByLabel('Latitude').inputValue()), lon = Number(await page.getByLabel('Longitude').inputValue());
  assert.ok(Math.abs(lat - POINT.lat) < 0.05 && Math.abs(lon - POINT.lon) < 0.05, `clicked at ${lat}, ${lon}`);
  assert.equal(await page.locator('#appeal-map-point').getAttribute('visibility'), 'visible');
  await page.getByRole('button', { name: 'Send the appeal' }).click();
  await page.waitForURL(/\/en\/cabinet\/appeals\/[0-9a-f-]{36}\?done=filed$/);
  const cabinetUrl = new URL(page.url()).pathname;
  const number = /registered under number (M-\d{4}-\d{7})/.exec(await page.locator('.notice').innerText())?.[1];
  assert.ok(number, 'the number is shown');
  const main = await page.locator('main').innerText();
  assert.match(main, /Tashkent city/);
  assert.match(main, /Registered/);
  await checkAxe(page, 'a registered appeal');

  // The district administration's officer finds it among the new ones.
  const { context: officerContext, page: office } = await signedIn(officer, '/en/office/appeals');
  assert.match(await office.locator('main').innerText(), /New/);
  await checkAxe(office, 'the appeals lists');
  await open(office, number);
  const officeUrl = new URL(office.url()).pathname;
  assert.match(await office.locator('main').innerText(), /Karimov Aziz/);
  assert.match(await office.locator('main').innerText(), /Point on the map: 41\.3/);
  await checkAxe(office, 'an appeal in the back office');

  // The head assigns the officer.
  const { context: headContext, page: boss } = await signedIn(head, '/en/office/appeals');
  await boss.goto(officeUrl);
  await boss.getByLabel('Executor', { exact: true }).selectOption(officer.id);
  await boss.getByRole('button', { name: 'Assign' }).click();
  await boss.waitForURL(`${app.url}${officeUrl}`);
  assert.match(await boss.locator('main').innerText(), /Being worked on/);

  // The executor answers; the answer is signed.
  await office.goto(officeUrl);
  await office.getByLabel('Answer', { exact: true }).fill('The road service repaired the pothole on 25 November; thank you for telling us.');
  await office.getByRole('button', { name: 'Sign and send the answer' }).click();
  await office.waitForURL(`${app.url}${officeUrl}`);
  assert.match(await office.locator('main').innerText(), /Answered/);

  // The citizen reads the answer, checks the signed document, and rates it.
  await page.goto(cabinetUrl);
  const answered = await page.locator('main').innerText();
  assert.match(answered, /The road service repaired the pothole/);
  for (const step of ['Registered', 'Executor assigned', 'Answered']) assert.ok(answered.includes(step), `the trail shows ${step}`);
  await checkAxe(page, 'an answered appeal');
  const verify = await page.getByRole('link', { name: 'Check the signed document' }).getAttribute('href');
  const checker = await citizenContext.newPage();
  await checker.goto(verify!);
  assert.match(await checker.locator('#verdict-box').innerText(), /genuine/);
  await checker.close();
  await page.getByLabel('4 stars').check();
  await page.getByLabel('Comment (optional)').fill('Fixed in a week');
  await page.getByRole('button', { name: 'Send the rating' }).click();
  await page.waitForURL(/\?done=rated$/);
  assert.match(await page.locator('main').innerText(), /You gave 4 out of 5/);
  await page.goto('/en/appeals/status');
  await page.getByLabel('Number').fill(number);
  await page.getByRole('button', { name: 'Show the status' }).click();
  assert.match(await page.locator('main').innerText(), /Closed/);
  await checkAxe(page, 'the public status');

  await citizenContext.close();
  await officerContext.close();
  await headContext.close();
});

test('past the deadline an appeal is escalated: the head is told and finds it overdue', async () => {
  const filed = await appeals.service.file({
    kind: 'statement', topicId: 'street-lighting', summary: 'No street lights', body: 'The lights on our street have been out for two weeks now.',
    locale: 'en', author: { kind: 'person', personId: citizen.id, name: 'Karimov Aziz' }, channel: 'portal',
    place: { region: 'tashkent-city', district: 'yunusobod' }, idempotencyKey: randomUUID(),
  });
  // The test clock: the deadline poller runs as if 40 days had passed.
  const result = await appeals.service.pollDeadlines(new Date(Date.now() + 40 * 86_400_000));
  assert.ok(result.escalated >= 1);

  const { context, page } = await signedIn(head, '/en/office/appeals');
  await open(page, filed.number);
  assert.match(await page.locator('main').innerText(), /Escalated to the head/);
  await page.goto('/en/office/appeals?tab=overdue');
  assert.match(await page.locator('main').innerText(), /Overdue/);
  let found = false;
  for (let p = 1; p < 30 && !found; p++) {
    await page.goto(`/en/office/appeals?tab=overdue&page=${p}`);
    found = (await page.getByRole('link', { name: filed.number }).count()) > 0;
    if (!found && (await page.locator('a[rel="next"]').count()) === 0) break;
  }
  assert.ok(found, 'in the overdue tab');
  // The head's notification, in their cabinet on the portal. The poll escalates up to 500 of the
  // appeals open in this database at once (other tests' too), so the head may have many pages.
  let told = false;
  for (let p = 1; p < 60 && !told; p++) {
    await page.goto(`/en/cabinet/notifications?page=${p}`);
    told = (await page.locator('main').innerText()).includes(filed.number);
    if (!told && (await page.locator('a[rel="next"]').count()) === 0) break;
  }
  assert.ok(told, 'the head is told');
  await context.close();
});
