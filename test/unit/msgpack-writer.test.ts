import fc from 'fast-check';
// The decoder lmdb-js reads the timeline's chunks with.
import { unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { MessagePackWriter } from '../../main/engine/timeline/msgpack-writer.js';
import { chunkItems, type TimelineItem, writeChunk } from '../../main/engine/timeline/timeline-codec.js';
import { chunkLength, chunkLengthOfBytes } from '../../main/engine/timeline/timeline-keys.js';

// Chunks are packed by hand; they must read back as the items they were made from, whatever the
// items hold: every kind, non-ASCII and long text, instants before the base, large and odd numbers.

/** One chunk on its own, as the writer thread stores each of a batch's. */
function packChunk(writer: MessagePackWriter, items: readonly TimelineItem[]): Uint8Array {
  writeChunk(writer, items);
  return writer.take();
}

const text = fc.oneof(
  fc.constantFrom(
    't1',
    '',
    'caf\u00e9',
    '\u5965\u5c71',
    '\u{1f3b5}',
    'x'.repeat(31),
    'y'.repeat(32),
    'z'.repeat(300),
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const instant = fc.oneof(
  fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }),
  fc.constantFrom(0, 1, 2 ** 32, 2 ** 53 - 1),
);
const crmValue = fc.oneof(
  text,
  fc.boolean(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const item: fc.Arbitrary<TimelineItem> = fc.oneof(
  fc.tuple(
    fc.constant(0 as const),
    instant,
    text,
    fc.constantFrom(0 as const, 1 as const),
    fc.option(text, { nil: null }),
  ),
  fc.tuple(
    fc.constant(1 as const),
    instant,
    fc.option(text, { nil: null }),
    fc.option(text, { nil: null }),
    fc.option(text, { nil: null }),
    fc.option(text, { nil: null }),
    fc.option(fc.integer({ min: 0, max: 3_600_000 }), { nil: null }),
  ),
  fc.tuple(
    fc.constant(2 as const),
    instant,
    fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
    fc.constantFrom(0 as const, 1 as const, null),
    fc.option(text, { nil: null }),
  ),
  fc.tuple(
    fc.constant(3 as const),
    instant,
    fc.array(fc.oneof(text, crmValue, fc.constant(null)), { maxLength: 9 }),
  ),
);

describe('timeline chunks packed by hand', () => {
  it('read back, through the decoder the store uses, as the chunk of the items they were made from', () => {
    const writer = new MessagePackWriter();
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 40 }), (items) => {
        const base = Math.min(...items.map((i) => i[1]));
        // -0 is written as 0, as msgpackr itself writes it.
        const plain = (v: unknown): unknown => (Object.is(v, -0) ? 0 : Array.isArray(v) ? v.map(plain) : v);
        expect(unpack(packChunk(writer, items))).toEqual([
          base,
          ...items.map(([kind, at, ...rest]) => [kind, at - base, ...rest.map(plain)]),
        ]);
      }),
      { numRuns: 500 },
    );
  });

  it('grows past its first buffer and keeps each chunk whole', () => {
    const writer = new MessagePackWriter();
    const long: TimelineItem[] = Array.from({ length: 1000 }, (_, i) => [
      0,
      1_750_000_000_000 + i,
      'é'.repeat(100),
      1,
      null,
    ]);
    const first = packChunk(writer, long);
    const second = packChunk(writer, [[0, 5, 't', 0, '10115']]);
    expect(first.length).toBeGreaterThan(1 << 16);
    expect(chunkItems(unpack(first))).toEqual(long);
    expect(chunkItems(unpack(second))).toEqual([[0, 5, 't', 0, '10115']]);
  });

  it('counts a stored chunk from its header as decoding it does, at every size of header', () => {
    const writer = new MessagePackWriter();
    const listen = (i: number): TimelineItem => [
      0,
      1_750_000_000_000 + i,
      `t${i}`,
      i % 2 === 0 ? 0 : 1,
      null,
    ];
    // 15/16 and 65,535/65,536 values: where the header grows from one byte to three, then five.
    for (const items of [1, 2, 14, 15, 16, 100, 65_534, 65_535, 65_536, 70_000]) {
      const chunk = packChunk(
        writer,
        Array.from({ length: items }, (_, i) => listen(i)),
      );
      expect(chunkLengthOfBytes(chunk)).toBe(items);
      expect(chunkLengthOfBytes(chunk)).toBe(chunkLength(unpack(chunk)));
    }
    // Anything else a damaged table might hold counts as nothing, as it does decoded.
    for (const value of [[], 'text', 42, null]) {
      writer.write(value);
      const bytes = writer.take();
      expect(chunkLengthOfBytes(bytes)).toBe(chunkLength(unpack(bytes)));
    }
    const map = Uint8Array.of(0x81, 0xa1, 0x61, 0x01); // {a: 1}
    expect(chunkLengthOfBytes(map)).toBe(chunkLength(unpack(map)));
    expect(chunkLengthOfBytes(new Uint8Array(0))).toBe(0);
    expect(chunkLengthOfBytes(Uint8Array.of(0xdc, 1))).toBe(0);
  });
});
