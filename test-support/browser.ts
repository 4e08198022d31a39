// One way for every page test to get a real browser: Debian's chromium driven by playwright-core.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll as afterAllHook, beforeAll as beforeAllHook, describe, it } from 'vitest';

/** Where the chromium binary is looked for: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Screenshots of page tests land here (not committed): `ODY_ARTIFACTS_DIR`, else `<tmp>/ody-artifacts`. */
export const artifactsDir = process.env.ODY_ARTIFACTS_DIR ?? join(tmpdir(), 'ody-artifacts');

/**
 * Flags for a headless chromium in a container or CI: no sandbox as root (chromium refuses to start
 * otherwise), and nothing that reaches the network or does work the tests do not ask for.
 */
export const chromiumArgs = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-sync',
  '--disable-extensions',
  '--no-first-run',
  '--no-default-browser-check',
  '--metrics-recording-only',
  '--mute-audio',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];

/**
 * `describe` when chromium is installed; otherwise a skipped suite with a visible line — except under
 * `CI=true`, where a missing chromium fails the run (`.ci/run` installs it through apt-get).
 * @example
 * describeWithBrowser('the live page', (browser) => { it('…', async () => { const page = await browser().newPage(); … }); });
 */
export function describeWithBrowser(name: string, body: (browser: () => Browser) => void): void {
  if (!existsSync(chromiumPath)) {
    if (process.env.CI === 'true') {
      describe(name, () => {
        it('has a browser', () => {
          throw new Error(`chromium is missing at ${chromiumPath}: CI=true needs it (apt-get install -y chromium, or set CHROMIUM_PATH)`);
        });
      });
      return;
    }
    console.warn(`[browser] skipping "${name}": no chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
    describe.skip(name, () => body(() => undefined as never));
    return;
  }
  describe(name, () => {
    let browser: Browser | undefined;
    beforeAllHook(async () => {
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
    }, 60_000);
    afterAllHook(async () => {
      await browser?.close();
    }, 60_000);
    body(() => {
      if (browser === undefined) throw new Error('the browser is not launched yet (use it inside a test)');
      return browser;
    });
  });
}

/** Save a full-page screenshot as `<artifactsDir>/<name>.png`; returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
