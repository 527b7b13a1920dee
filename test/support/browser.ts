// Debian's Chromium driven by playwright-core (never a downloaded browser). Playwright gives each
// launch a fresh, empty profile directory of its own.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches headless Chromium; fails with a clear message when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Where tests save screenshots: `SCREENSHOTS_DIR` when set (e.g. `docs/screenshots` to refresh
 * the README's images), else a temporary directory, so a test run never rewrites tracked files.
 */
export const SCREENSHOTS_DIR =
  process.env.SCREENSHOTS_DIR ?? mkdtempSync(path.join(tmpdir(), 'kindling-screenshots-'));
