import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

/**
 * The browser tests drive Debian's Chromium with playwright-core (no browser download). Where Chromium
 * is missing they fail with how to install it, unless FLOORPASS_SKIP_BROWSER=1 says to skip them.
 */
// FLOORPASS_CHROMIUM, when set, is the only one tried (another build, or a missing one to try that path).
const candidates = process.env.FLOORPASS_CHROMIUM
  ? [process.env.FLOORPASS_CHROMIUM]
  : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
export const chromiumPath = candidates.find((p) => existsSync(p)) ?? null;
export const missingChromium =
  `Chromium was not found (looked for ${candidates.join(', ')}): install it with \`apt-get install -y chromium\`, ` +
  'or set FLOORPASS_SKIP_BROWSER=1 to skip the browser tests.';

/** A describe block for browser tests: skipped, or one failing test, when Chromium is not there. */
export function describeInBrowser(name: string, body: () => void) {
  if (chromiumPath) return describe(name, body);
  if (process.env.FLOORPASS_SKIP_BROWSER === '1')
    return describe.skip(`${name} (skipped: ${missingChromium})`, body);
  return describe(name, () => {
    it('needs Chromium', () => {
      throw new Error(missingChromium);
    });
  });
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath as string,
    // Root in a container has no user namespace for Chromium's sandbox; the pages are our own.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** Waits up to 10 s for what a person would wait for (the page, the channel). */
export const eventually = <T>(read: () => Promise<T> | T) =>
  expect.poll(read, { timeout: 10_000, interval: 50 });

/**
 * A page at 1280×800 that waits up to 10 s, and the errors it logs (a Content-Security-Policy refusal
 * among them) and throws; `expected` leaves out the logged errors a test provokes on purpose.
 */
export async function openPage(
  browser: Browser,
  options: { expected?: RegExp } = {},
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (options.expected?.test(message.text())) return;
    errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

/** Signs in on the console's persona picker (local development only) and waits for the first page. */
export async function signInAs(page: Page, baseUrl: string, personaLabel: RegExp) {
  await page.goto(`${baseUrl}/console/`);
  const signOut = page.getByRole('button', { name: /Sign out|Se déconnecter/ });
  // The app renders after its configuration loads: wait for either the picker or a signed-in header.
  await page.locator('.personas, .who').first().waitFor();
  if (await signOut.isVisible()) await signOut.click();
  await page.getByRole('button', { name: personaLabel }).click();
  await signOut.waitFor();
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * An axe-core scan of the page as it is: the serious and critical violations. axe is evaluated through
 * the DevTools protocol, which the page's Content-Security-Policy does not govern (the console allows no
 * inline script, rightly).
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const { source } = (await import('axe-core')).default;
  await page.evaluate(source);
  const result = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(options: unknown): Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    // The whole document (axe's default context) against WCAG 2.0–2.2 A and AA, and best practice.
    return axe.run({
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
    });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
}
