import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteTable } from '../../main/engine/ingest/partitions/byte-table.js';
import { TrackSets } from '../../main/engine/ingest/partitions/track-set.js';

// The partitions' own tables (ingest/partitions): numbers for ids read in place, and every
// customer's distinct tracks in one arena. The partitioned-ingest property test holds only a few
// ids and tracks per customer, so it never makes these tables grow; here they grow many times.

/** Keys alike in their first eight bytes, of every length around the eight a slot holds. */
const key = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: 0, max: 40 }).map((n) => `customer-${n}`),
  fc.integer({ min: 0, max: 20 }).map((n) => `12345678${'9'.repeat(n % 4)}${n}`),
  fc.integer({ min: 0, max: 9 }).map((n) => 'abcdefgh'.slice(0, n)),
);

describe('ByteTable', () => {
  it('gives each distinct key one number, in the order first met, through many doublings', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 400 }), fc.integer({ min: 0, max: 5000 }), (keys, extra) => {
        const table = new ByteTable();
        const expected = new Map<string, number>();
        // Enough distinct keys to grow the slots past their first 2,048 a few times.
        const all = [...keys, ...Array.from({ length: extra }, (_, i) => `k${i}`), ...keys];
        for (const k of all) {
          if (!expected.has(k)) expected.set(k, expected.size);
          expect(table.numberOf(k)).toBe(expected.get(k));
        }
        expect(table.size).toBe(expected.size);
        for (const [k, n] of expected) {
          expect(table.strings[n]).toBe(k);
          expect(table.lengthOf(n)).toBe(Buffer.byteLength(k));
          const out = new Uint8Array(table.lengthOf(n));
          table.copyTo(n, out, 0);
          expect(Buffer.from(out).toString('utf8')).toBe(k);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('tells apart keys that share their first eight bytes and hash', () => {
    const table = new ByteTable();
    const buf = Buffer.from('123456789|123456780|12345678');
    // The same hash for all three: only their bytes (or length) differ.
    const a = table.intern(buf, 0, 9, 7);
    const b = table.intern(buf, 10, 19, 7);
    const c = table.intern(buf, 20, 28, 7);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(table.intern(buf, 0, 9, 7)).toBe(a);
    expect(table.intern(buf, 10, 19, 7)).toBe(b);
    expect(table.intern(buf, 20, 28, 7)).toBe(c);
    expect(table.strings).toEqual(['123456789', '123456780', '12345678']);
  });
});

describe('TrackSets', () => {
  it('keeps each customer’s distinct tracks in the order first heard, through growth and compaction', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2000 })), {
          maxLength: 3000,
        }),
        fc.integer({ min: 0, max: 3 }),
        (adds, spread) => {
          const sets = new TrackSets();
          const expected = new Map<number, number[]>();
          for (const [c, track] of adds) {
            // Customers far apart (the heads grow), and some with hundreds of tracks (regions grow,
            // and the arena is remade without the regions they left).
            const n = c * (1 + spread * 700);
            sets.add(n, track);
            const list = expected.get(n) ?? [];
            if (!list.includes(track)) list.push(track);
            expected.set(n, list);
          }
          for (const [n, list] of expected) {
            expect(sets.size(n)).toBe(list.length);
            expect(Array.from(sets.numbers(n))).toEqual(list);
          }
          expect(sets.size(5_000_000)).toBe(0);
          expect(Array.from(sets.numbers(1))).toEqual(expected.get(1) ?? []);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps thousands of tracks of one customer beside many small ones', () => {
    const sets = new TrackSets();
    for (let t = 0; t < 20_000; t++) {
      sets.add(0, t * 7);
      sets.add(1 + (t % 500), t % 13);
    }
    expect(sets.size(0)).toBe(20_000);
    expect(sets.numbers(0)[19_999]).toBe(19_999 * 7);
    for (let n = 1; n <= 500; n++) expect(Array.from(sets.numbers(n))).toHaveLength(13);
  });
});
