// tests/lib/browser.mjs — Debian's chromium driven by playwright-core, and axe-core.
import { chromium } from 'playwright-core';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const CHROMIUM = process.env.KM0_CHROMIUM || '/usr/bin/chromium';

/** Bounds, in ms: starting chromium, and each page action or navigation. */
export const BROWSER_TIMEOUT = { launch: 60000, action: 30000 };

/** Chromium, headless. Its contexts wait BROWSER_TIMEOUT.action at most for any action
 *  or navigation; playwright kills the browser if the test process ends first. */
export async function launch() {
  assert.ok(existsSync(CHROMIUM), `no browser at ${CHROMIUM} (apt-get install chromium)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: BROWSER_TIMEOUT.launch,
    // the flags this machine needs: no sandbox as root, no background networking
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage'],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const ctx = await newContext(options);
    ctx.setDefaultTimeout(BROWSER_TIMEOUT.action);
    ctx.setDefaultNavigationTimeout(BROWSER_TIMEOUT.action);
    return ctx;
  };
  return browser;
}

const axeSource = readFileSync(path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');

/** Run axe-core on the page (WCAG 2.1 A/AA rules); returns serious and critical violations. */
export async function axeProblems(page) {
  // evaluate() is not subject to the page's CSP, which forbids inline scripts
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => globalThis.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
