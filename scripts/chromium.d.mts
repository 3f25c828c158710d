// Types for chromium.mjs, so TypeScript tests can launch the browser the benches use.
import type { Browser } from 'playwright-core';
export const CHROMIUM: string;
export const CHROMIUM_ARGS: string[];
export function chromiumAvailable(): boolean;
export function launchChromium(): Promise<Browser>;
