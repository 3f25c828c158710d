// Debian's Chromium driven by Playwright, never a downloaded browser: one launch for the e2e tests
// (test/support/browser.ts) and the benches (bench/browser-support.mjs).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// --disable-gpu: canvas and compositing are done in software, so frame rates are CPU-bound.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumAvailable() {
  return existsSync(CHROMIUM);
}

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
