import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { afterAll, beforeAll } from '@jest/globals';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

import { REPOSITORY_ROOT } from './test-env.js';

export type { Page } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install chromium`; .ci/run installs it when it is missing): these
 * machines cannot download a browser build, so Playwright drives the system's. CHROMIUM_PATH points
 * elsewhere.
 */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Flags for a headless Chromium on a machine without a network beyond loopback: no sandbox (tests
 * run as root), no GPU, and none of the background connections Chromium would otherwise make (to a
 * closed network they fail slowly, many at a time).
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Where pictures of the pages go, for a person to look at: test-results/ at the repository's root. */
export const SCREENSHOT_DIRECTORY = join(REPOSITORY_ROOT, 'test-results');

export interface BrowserContextHandle {
  readonly page: Page;
  readonly context: BrowserContext;
  /** What the page logged as an error, and scripts that threw: a test ends by expecting none. */
  readonly pageErrors: string[];
  /** Saves a full-page picture as test-results/<folder>/<name>.png and answers its path. */
  screenshot(name: string): Promise<string>;
}

/**
 * One headless Chromium and one page for the enclosing `describe`, at a laptop's screen size. The
 * browser starts before its tests and closes after them.
 */
export function useBrowser(folder: string): BrowserContextHandle {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    context = await browser.newContext({ viewport: { width: 1366, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') {
        pageErrors.push(`console: ${message.text()}`);
      }
    });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  const get = <T>(value: T | undefined): T => {
    if (value === undefined) {
      throw new Error('the browser is only there inside tests');
    }
    return value;
  };
  return {
    get page() {
      return get(page);
    },
    get context() {
      return get(context);
    },
    pageErrors,
    async screenshot(name: string) {
      const directory = join(SCREENSHOT_DIRECTORY, folder);
      mkdirSync(directory, { recursive: true });
      const path = join(directory, `${name}.png`);
      await get(page).screenshot({ path, fullPage: true });
      return path;
    },
  };
}

export interface AccessibilityViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

let axeSource: string | undefined;

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now and answers the serious and
 * critical violations: missing labels, contrast below 4.5:1, roles without names, and the like.
 * The script is evaluated through the DevTools protocol, so the page's own CSP stays in force.
 */
export async function accessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  // A string, evaluated in the page: this package is compiled for Node, without the DOM's types.
  const violations = await page.evaluate<AccessibilityViolation[]>(`
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } }).then((results) =>
      results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(' ')),
      })),
    )
  `);
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}
