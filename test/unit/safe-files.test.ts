import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatheredWriter, openForWriting } from '../../main/engine/store/safe-files.js';

/** Texts as a store write gives them: short lines, and now and then one near or past the writer's megabyte. */
const text = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.nat({ max: 500_000 }).map((n) => 'é'.repeat(n)) },
  { weight: 1, arbitrary: fc.nat({ max: 1_200_000 }).map((n) => `${'x'.repeat(n)}😀`) },
);

describe('a gathered writer', () => {
  it('puts exactly the texts given on disk, in order, whatever their sizes, also when the disk takes a write in parts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'c360-gathered-'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(text, fc.array(text, { maxLength: 6 })), { maxLength: 12 }),
        fc.boolean(),
        fc.nat({ max: 100 }),
        async (adds, inParts, position) => {
          const path = join(dir, `f${n++}`);
          const file = await openForWriting(path, 'fresh');
          await file.write(Buffer.alloc(position, '-'), 0, position, 0);
          if (inParts) {
            // A disk nearly full: each write takes a third of what it is given, and says so.
            const write = file.write.bind(file) as (...args: unknown[]) => Promise<{ bytesWritten: number }>;
            Object.assign(file, {
              write: (data: Uint8Array, offset: number, length: number, at: number | null) =>
                write(data, offset, Math.ceil(length / 3), at),
            });
          }
          const out = new GatheredWriter(file, position);
          let expected = '';
          for (const add of adds) {
            if (typeof add === 'string') {
              await out.add(add);
              expected += add;
            } else {
              await out.addAll(add, ',\n');
              expected += add.join(',\n');
            }
          }
          const bytes = await out.flush();
          await file.close();
          const want = Buffer.from(expected);
          expect(bytes).toBe(want.length);
          expect((await readFile(path)).equals(Buffer.concat([Buffer.alloc(position, '-'), want]))).toBe(
            true,
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
