import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { LOCALES } from '../../src/platform/index.js';
import { startTestApp, type TestApp } from '../../src/testing.js';
import { axe, describeViolations, launchBrowser } from './browser.js';

let app: TestApp;
let browser: Browser;
before(async () => {
  app = await startTestApp();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await app?.close();
});

async function newPage(options: { bypassCSP?: boolean; mobile?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({
    baseURL: app.url,
    bypassCSP: options.bypassCSP ?? false,
    ...(options.mobile ? { viewport: { width: 375, height: 740 }, isMobile: true } : {}),
  });
  return context.newPage();
}

test('the home page opens in each of the five languages', async () => {
  const page = await newPage();
  const titles = new Set<string>();
  for (const locale of LOCALES) {
    const response = await page.goto(`/${locale}/`);
    assert.equal(response?.status(), 200);
    const h1 = await page.locator('h1').innerText();
    titles.add(h1);
    assert.ok(await page.locator('input[type=search]').isVisible(), locale);
    assert.ok((await page.locator('.grid .card').count()) >= 9, `${locale}: popular services and spheres shown`);
  }
  assert.equal(titles.size, 5, 'five different languages');
  await page.context().close();
});

test('searching "pasport" and "паспорт" reaches the same service page, and the language switches on it', async () => {
  const page = await newPage();
  const reached: string[] = [];
  for (const query of ['pasport', 'паспорт']) {
    await page.goto('/uz/');
    await page.getByRole('searchbox').first().fill(query);
    await page.getByRole('searchbox').first().press('Enter');
    await page.waitForURL(/\/uz\/search\?q=/);
    assert.match(await page.locator('[role=status]').innerText(), /\d/);
    await page.locator('.results .card__title a').first().click();
    await page.waitForURL(/\/uz\/services\//);
    reached.push(new URL(page.url()).pathname);
  }
  assert.equal(reached[0], reached[1]);
  assert.match(reached[0]!, /\/uz\/services\/(passport|id-card)/);

  const uzTitle = await page.locator('h1').innerText();
  await page.getByRole('link', { name: 'Русский' }).click();
  await page.waitForURL(/\/ru\/services\//);
  assert.equal(new URL(page.url()).pathname, reached[0]!.replace('/uz/', '/ru/'));
  const ruTitle = await page.locator('h1').innerText();
  assert.notEqual(ruTitle, uzTitle);
  assert.match(ruTitle, /[а-яё]/i);
  assert.equal(await page.getAttribute('html', 'lang'), 'ru');

  // The choice is remembered: the bare address now opens in Russian.
  await page.goto('/');
  assert.match(page.url(), /\/ru\/$/);
  await page.context().close();
});

test('the search filters work without JavaScript', async () => {
  const context = await browser.newContext({ baseURL: app.url, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/en/search?q=licence');
  await page.selectOption('#type', 'transactional');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(/type=transactional/);
  const tags = await page.locator('.results .tag--transactional').count();
  const cards = await page.locator('.results .card').count();
  assert.ok(cards > 0);
  assert.equal(tags, cards, 'every result is fully online');
  await context.close();
});

test('no axe-core violations on any page type, on desktop and mobile', async () => {
  const paths = ['/uz/', '/ru/spheres', '/oz/spheres/transport', '/en/agencies', '/kaa/agencies/migration', '/uz/services/passport-travel',
    '/ru/search?q=pasport', '/en/search?q=zzzzqqq', '/en/no-such-page', '/api/docs'];
  for (const mobile of [false, true]) {
    const page = await newPage({ bypassCSP: true, mobile });
    for (const path of paths) {
      await page.goto(path);
      const violations = await axe(page);
      assert.equal(violations.length, 0, `${path}${mobile ? ' (mobile)' : ''}:\n${describeViolations(violations)}`);
    }
    await page.context().close();
  }
});

test('the pages need no inline script: CSP holds and nothing is blocked', async () => {
  const page = await newPage();
  const blocked: string[] = [];
  page.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) blocked.push(message.text()); });
  for (const path of ['/uz/', '/en/services/passport-travel', '/ru/search?q=pasport']) await page.goto(path);
  assert.deepEqual(blocked, []);
  await page.context().close();
});
