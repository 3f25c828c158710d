import { describe, expect, it } from 'vitest';
import { dict, own } from '../../shared/dict.js';

describe('dict, for keys that come from data', () => {
  it('keeps __proto__, constructor and toString as ordinary keys, read back and copied in order', () => {
    const d = dict<number>([
      ['__proto__', 1],
      ['constructor', 2],
      ['name', 3],
    ]);
    // Written as data writes it: a key held in a variable.
    const key: string = 'toString';
    d[key] = 4;
    expect(Object.getPrototypeOf(d)).toBeNull();
    expect(Object.keys(d)).toEqual(['__proto__', 'constructor', 'name', 'toString']);
    expect(own(d, '__proto__')).toBe(1);
    expect(d.constructor).toBe(2);
    expect(d.hasOwnProperty).toBeUndefined();
    expect(own(d, 'valueOf')).toBeUndefined();
    const copy = dict(d);
    expect(copy).not.toBe(d);
    expect(Object.getPrototypeOf(copy)).toBeNull();
    expect(Object.entries(copy)).toEqual(Object.entries(d));
    expect(JSON.stringify(copy)).toBe('{"__proto__":1,"constructor":2,"name":3,"toString":4}');
  });

  it('holds thousands of keys, and keys removed, as a map would', () => {
    const d = dict<number>();
    for (let i = 0; i < 5000; i++) d[`k${i}`] = i;
    for (let i = 0; i < 5000; i += 2) delete d[`k${i}`];
    expect(Object.keys(d)).toHaveLength(2500);
    expect(own(d, 'k4999')).toBe(4999);
    expect(own(d, 'k0')).toBeUndefined();
    expect(Object.getPrototypeOf(d)).toBeNull();
  });
});
