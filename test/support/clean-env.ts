import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The environment a spawned `c360` gets in tests: the test process's own, minus every variable the
 * product reads as a setting (C360_*, KAFKA_*, XDG_CONFIG_HOME), and with HOME in a fresh folder.
 * So a developer's KAFKA_BROKERS (which the README uses to point the tests at an outside broker)
 * or C360_DATA_DIR never becomes the product's setting by accident, and no test writes to the
 * real ~/.config/customer360. A test that wants a setting passes it explicitly.
 */
const home = mkdtempSync(join(tmpdir(), 'c360-home-'));

export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(C360_|KAFKA_)/.test(k) || k === 'XDG_CONFIG_HOME') continue;
    env[k] = v;
  }
  return { ...env, HOME: home, ...extra };
}
