import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyProfile, NO_PRODUCTS, type Profile } from '../../main/engine/profile/profile.js';
import { applyEvent } from '../../main/engine/profile/profile-aggregator.js';
import { TrackIds } from '../../main/engine/profile/track-ids.js';
import { decodeProfile, encodeProfile } from '../../main/engine/store/store-codec.js';
import { event } from '../support/events.js';

// Profiles keep their distinct tracks as numbers and share one empty product dictionary, to take
// less memory; neither may ever answer differently from the Set and the dictionary they replace.

describe("a profile's distinct tracks", () => {
  it('behave as a Set of ids kept in the order first heard, past the index threshold too', () => {
    fc.assert(
      fc.property(
        fc.array(
          // Up to 400 distinct: past the index threshold, and past its first size.
          fc.integer({ min: 0, max: 399 }).map((n) => `t${n}`),
          { maxLength: 1200, size: 'max' },
        ),
        (adds) => {
          const tracks = new TrackIds();
          const model = new Set<string>();
          for (const id of adds) {
            expect(tracks.add(id)).toBe(!model.has(id));
            model.add(id);
          }
          expect(tracks.size).toBe(model.size);
          expect([...tracks]).toEqual([...model]);
          const copy = tracks.copy();
          copy.add('only-in-the-copy');
          expect([...tracks]).toEqual([...model]);
          expect([...copy].slice(0, model.size)).toEqual([...model]);
          // What the copy heard, the original has not.
          expect(tracks.add('only-in-the-copy')).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('are read back from the store as written, and a track twice is damage', () => {
    const p = emptyProfile('c1');
    for (const trackId of ['b', 'a', 'b', 'c'])
      applyEvent(
        new Map([['c1', p]]),
        event({ type: 'listen', customerId: 'c1', trackId, ts: '2026-03-04 10:00:00' }),
      );
    const stored = encodeProfile(p);
    expect(stored.tracks).toEqual(['b', 'a', 'c']);
    expect([...decodeProfile(JSON.parse(JSON.stringify(stored))).tracks]).toEqual(['b', 'a', 'c']);
    expect(() => decodeProfile({ ...stored, tracks: ['b', 'a', 'b'] })).toThrow(/holds a track twice/);
  });
});

describe("a profile's products", () => {
  it('are its own from its first click: another profile never sees them', () => {
    const map = new Map<string, Profile>([
      ['a', emptyProfile('a')],
      ['b', emptyProfile('b')],
    ]);
    applyEvent(map, event({ type: 'click', customerId: 'a', ts: '2026-03-04 10:00:00', product: 'premium' }));
    applyEvent(map, event({ type: 'click', customerId: 'a', ts: '2026-03-04 10:01:00', product: 'premium' }));
    expect({ ...map.get('a')?.products }).toEqual({ premium: 2 });
    expect({ ...map.get('b')?.products }).toEqual({});
    expect(Object.keys(NO_PRODUCTS)).toEqual([]);
    // Read back from the store: none is the shared empty one again; some are the profile's own.
    const none = decodeProfile(JSON.parse(JSON.stringify(encodeProfile(map.get('b') as Profile))));
    expect(none.products).toBe(NO_PRODUCTS);
    const some = decodeProfile(JSON.parse(JSON.stringify(encodeProfile(map.get('a') as Profile))));
    some.products.premium = 3;
    expect(NO_PRODUCTS.premium).toBeUndefined();
  });
});
