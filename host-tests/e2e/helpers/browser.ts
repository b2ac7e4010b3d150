/**
 * Headless Chromium from Debian (/usr/bin/chromium) driven by playwright-core: no browser download.
 * A fresh profile directory per launch, removed on close. Missing Chromium fails with how to install it.
 */
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.VITRINE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../artifacts/screenshots/', import.meta.url));

/** Flags for a quiet, offline, sandbox-less headless Chromium in a container (--headless is added by playwright). */
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Page errors and console errors seen so far (a test asserts there are none). */
  errors: string[];
  close(): Promise<void>;
}

export function assertChromiumInstalled(): void {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(`Chromium is not installed (${CHROMIUM_PATH} is missing or not executable). ` +
      'Install it with `bash .ci/system-deps.sh` or `sudo apt-get install chromium` (or set VITRINE_CHROMIUM to its path).');
  }
}

export async function launchBrowser(): Promise<Browser> {
  assertChromiumInstalled();
  const profile = mkdtempSync(path.join(tmpdir(), 'vitrine-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH, headless: true, args: FLAGS, viewport: { width: 1500, height: 1000 },
  });
  const page = context.pages()[0] ?? await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  return {
    context, page, errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
