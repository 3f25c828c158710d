import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../main/engine/engine.js';
import { FileSource } from '../../main/engine/sources/file/file-source.js';
import { ProfileStore } from '../../main/engine/store/profile-store.js';
import { expectExactOutcome } from '../support/fuzz-outcome.js';
import { firstLines, fuzzRecords } from '../support/hostile-records.js';

/**
 * Hostile input in files: random bytes, truncated JSON, records over 64 KB, NaN and Infinity,
 * impossible dates, bad ids, prototype tricks, mixed with good records whose effect is counted
 * independently. Nothing crashes, every good record counts exactly once, every bad one is
 * quarantined with its file and line, the store reopens, and the export reads back.
 */

describe('hostile files', () => {
  it('count every good record exactly and quarantine every bad one with its file and line', async () => {
    const work = await mkdtemp(join(tmpdir(), 'c360-fuzz-'));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(firstLines, fuzzRecords, async ([firstJson, firstCsv], mixed) => {
        run += 1;
        const json = [firstJson, ...mixed.filter((r) => r.format === 'json')];
        const csv = [firstCsv, ...mixed.filter((r) => r.format === 'tracks-csv')];
        const jsonPath = join(work, `${run}.jsonl`);
        const csvPath = join(work, `${run}-tracks.csv`);
        await writeFile(jsonPath, `${json.map((r) => r.text).join('\n')}\n`);
        await writeFile(csvPath, `${csv.map((r) => r.text).join('\r\n')}\r\n`);
        const badOrigins = [
          ...json.flatMap((r, i) => (r.good ? [] : [`${jsonPath}:${i + 1}`])),
          ...csv.flatMap((r, i) => (r.good ? [] : [`${csvPath}:${i + 1}`])),
        ];

        const dataDir = join(work, `store-${run}`);
        const engine = await Engine.open({ storeDir: dataDir });
        await engine.run(new FileSource([jsonPath, csvPath]));
        const session = engine.session;
        await expectExactOutcome(session, [...json, ...csv], badOrigins, (o) => {
          const { file, line } = o as { file: string; line: number };
          return `${file}:${line}`;
        });
        // What was checkpointed reopens whole.
        const reopened = await ProfileStore.open(dataDir);
        expect(reopened.notice).toBeNull();
        expect(reopened.state.profiles.size).toBe(session.state.profiles.size);
      }),
      { numRuns: 60, seed: 1122 },
    );
  });
});
