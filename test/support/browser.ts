/** Debian's Chromium driven by Playwright, launched as the benches launch it. */
export { chromiumAvailable, launchChromium } from '../../scripts/chromium.mjs';
