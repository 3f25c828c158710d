#!/usr/bin/env node
// Builds the Kafka Streams app (streams/) with its tests: `mvn -B -q -f streams/pom.xml package`.
// Skipped when the jar is newer than the pom and every file under streams/src (--force builds anyway).
// Prints one line, the jar's path; on failure prints Maven's output and exits non-zero.
//
//   node scripts/streams/build.mjs [--force]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const project = join(root, 'streams');
const pom = join(project, 'pom.xml');
export const JAR = join(project, 'target', 'customer360-streams.jar');

/** The newest modification time among the pom and the sources (tests and their resources included). */
function newestSource() {
  let newest = statSync(pom).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(project, 'src'));
  return newest;
}

export function buildStreams({ force = false } = {}) {
  if (!force && existsSync(JAR) && statSync(JAR).mtimeMs > newestSource()) return { jar: JAR, built: false };
  const mvn = spawnSync('mvn', ['-B', '-q', '-f', pom, 'package'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (mvn.error)
    throw new Error(`cannot run Maven (mvn): ${mvn.error.message}; install Maven 3 and a JDK 17`);
  if (mvn.status !== 0) {
    const output = `${mvn.stdout ?? ''}${mvn.stderr ?? ''}`.trimEnd();
    const error = new Error(`the Streams build failed (mvn exit ${mvn.status ?? mvn.signal})`);
    error.output = output;
    throw error;
  }
  if (!existsSync(JAR)) throw new Error(`Maven succeeded but ${JAR} is missing`);
  return { jar: JAR, built: true };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { jar } = buildStreams({ force: process.argv.includes('--force') });
    process.stdout.write(`${jar}\n`);
  } catch (error) {
    if (error.output) process.stderr.write(`${error.output}\n`);
    process.stderr.write(`streams build: ${error.message}\n`);
    process.exit(1);
  }
}
