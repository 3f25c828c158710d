import type { Randomizer } from '@faker-js/faker';

/**
 * Random numbers for drawing one demo customer without drawing those before it. Faker's own
 * Mersenne Twister takes ~26 µs to seed here, longer than drawing a whole CRM record; these cost
 * a few integer multiplications, so a million customers' traits take tens of milliseconds and an
 * identity drawn on demand costs what its fields do.
 */

/** An integer hash of three 32-bit values (two multiply–xorshift rounds per input). */
function mix(a: number, b: number, c: number): number {
  let x = Math.imul(a ^ 0x5bd1e995, 0x9e3779b1) ^ b;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) ^ Math.imul(c + 1, 0x9e3779b9);
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Draw `k` of customer `index` in a world seeded `seed`: uniform in [0, 1). */
export function traitDraw(seed: number, index: number, k: number): number {
  return mix(seed, index, k) / 2 ** 32;
}

/**
 * A faker randomizer (small fast counter generator, 128 bits of state) whose seed is any short
 * list of integers and costs nothing to set: faker re-seeded per customer gives each customer the
 * same identity whenever, and in whatever order, it is drawn.
 */
export function counterRandomizer(): Randomizer {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 2 ** 32;
  };
  return {
    next,
    seed(seed: number | number[]): void {
      const parts = Array.isArray(seed) ? seed : [seed];
      const [s0 = 0, s1 = 0, s2 = 0] = parts;
      a = mix(s0, s1, s2);
      b = mix(s1, s2, s0 ^ 0x632be5ab);
      c = mix(s2, s0, s1 ^ 0x2545f491);
      d = 1;
      for (let i = 0; i < 12; i++) next(); // mix the seed through the state before the first draw
    },
  };
}
