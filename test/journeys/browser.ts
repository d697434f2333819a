// Shared by the browser journeys: Debian's Chromium driven by playwright-core, and axe.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface AxeViolation { id: string; impact: string; help: string; nodes: { target: string[] }[] }

/** Runs axe-core on the page (WCAG 2.2 A/AA and best practices) and returns its violations. */
export async function axe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

export const describeViolations = (violations: AxeViolation[]) =>
  violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`).join('\n');

/** Fails with the violations listed when axe finds any on the page. */
export async function checkAxe(page: Page, where: string): Promise<void> {
  const violations = await axe(page);
  assert.equal(violations.length, 0, `${where}:\n${describeViolations(violations)}`);
}

/**
 * Waits until the page settles on a URL after a double submission. The browser aborts the
 * first form navigation for the second, which waitForURL reports as net::ERR_ABORTED.
 */
export async function settleAt(page: Page, url: RegExp, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!url.test(page.url())) {
    if (Date.now() > deadline) throw new Error(`expected ${url}, still at ${page.url()}`);
    await page.waitForTimeout(50);
  }
  await page.waitForLoadState('networkidle');
}
