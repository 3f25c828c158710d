import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyProfile, type Profile } from '../../main/engine/profile/profile.js';
import { CustomerSearch } from '../../main/engine/read/customer-search.js';
import type { CrmValue } from '../../shared/events.js';

/** The search's meaning, written plainly: one haystack per customer, every query scans them all. */
class ReferenceSearch {
  readonly #haystacks = new Map<string, string>();

  update(p: Profile): void {
    const c = p.crm ?? {};
    const phone = String(c.phone ?? '');
    const fields = [
      p.customerId,
      c.name,
      c.email,
      phone,
      phone.replace(/\D/g, ''),
      c.zip ?? p.listenZip?.zip,
    ];
    this.#haystacks.set(
      p.customerId,
      `\u0001${fields
        .filter((f) => f !== undefined && f !== null && f !== '')
        .join('\u0001')
        .toLowerCase()}`,
    );
  }

  has(customerId: string): boolean {
    return this.#haystacks.has(customerId);
  }

  get size(): number {
    return this.#haystacks.size;
  }

  search(query: string, limit: number): { ids: string[]; total: number } {
    const q = query.trim().toLowerCase();
    if (q === '') return { ids: [], total: 0 };
    const digits = q.replace(/[\s()+-]/g, '');
    const needle = /^\d+$/.test(digits) && digits !== q ? digits : q;
    const exact: string[] = [];
    const prefix: string[] = [];
    const anywhere: string[] = [];
    for (const [id, hay] of this.#haystacks) {
      const at = hay.indexOf(needle);
      if (at === -1) continue;
      if (id.toLowerCase() === needle) exact.push(id);
      else if (hay[at - 1] === '\u0001' || hay[at - 1] === ' ') prefix.push(id);
      else anywhere.push(id);
    }
    const total = exact.length + prefix.length + anywhere.length;
    return { ids: [...exact, ...prefix, ...anywhere].slice(0, limit), total };
  }
}

interface Customer {
  id: string;
  crm: Record<string, CrmValue> | null;
  listenZip: string | null;
}

function profile(c: Customer): Profile {
  const p = emptyProfile(c.id);
  p.crm = c.crm;
  if (c.listenZip !== null) p.listenZip = { zip: c.listenZip, text: '2026-03-02 10:00:00', epochMs: 0 };
  return p;
}

// A small alphabet, so that queries often match, at field starts or not, several times in one
// customer; with the separator, spaces, phone punctuation and letters whose lower case is special.
const CHARS = [
  'a',
  'b',
  'A',
  'B',
  ' ',
  '1',
  '2',
  '3',
  '-',
  '(',
  ')',
  '+',
  '@',
  '.',
  '\u0001',
  'Σ',
  'σ',
  'ς',
  'İ',
  'i',
];
const text = (maxLength: number) =>
  fc.array(fc.constantFrom(...CHARS), { maxLength }).map((chars) => chars.join(''));
const crmValue: fc.Arbitrary<CrmValue> = fc.oneof(
  { weight: 6, arbitrary: text(8) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 300 }) },
  { weight: 1, arbitrary: fc.boolean() },
);
const ids = fc.oneof(
  fc.constantFrom(
    '1',
    '2',
    '12',
    '21',
    '123',
    '3',
    'a',
    'A',
    'ab',
    'AB',
    'aΣ',
    'AΣ',
    'İ',
    'b 1',
    '\u0001',
    'a\u0001',
  ),
  text(4),
);
const customer: fc.Arbitrary<Customer> = fc.record({
  id: ids,
  crm: fc.option(
    fc.record(
      { name: crmValue, email: crmValue, phone: crmValue, zip: crmValue, city: crmValue },
      { requiredKeys: [] },
    ),
    { nil: null },
  ),
  listenZip: fc.option(text(5), { nil: null }),
});
const query = fc.oneof(
  text(4),
  fc.tuple(text(2), text(3), text(2)).map(([a, b, c]) => `${a}${b}${c}`),
  // Across the separator: one field's end and the next field's (or customer's) start.
  fc.tuple(text(2), text(2)).map(([a, b]) => `${a}\u0001${b}`),
);
const limit = fc.oneof(
  fc.integer({ min: 0, max: 6 }),
  fc.constant(Number.MAX_SAFE_INTEGER), // a search-scoped export
  fc.integer({ min: -3, max: -1 }),
);
// Rebuild the joined string after a few changes or many; read likely blocks never, or always.
const options = fc.record({
  minPending: fc.integer({ min: 0, max: 6 }),
  blockShare: fc.constantFrom(0, 0.4, 2),
});
type Step = { update: Customer } | { query: string; limit: number };
const step: fc.Arbitrary<Step> = fc.oneof(fc.record({ update: customer }), fc.record({ query, limit }));

describe('customer search', () => {
  it('answers as the plain full scan does, through any updates and new customers', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), options, (steps, chosen) => {
        const search = new CustomerSearch(chosen);
        const reference = new ReferenceSearch();
        for (const s of steps) {
          if ('update' in s) {
            search.update(profile(s.update));
            reference.update(profile(s.update));
            expect(search.size).toBe(reference.size);
            expect(search.has(s.update.id)).toBe(true);
          } else {
            expect(search.search(s.query, s.limit)).toEqual(reference.search(s.query, s.limit));
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('answers as the plain full scan does over thousands of customers and a stream of changes', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const first = ['Ann', 'Bob', 'Cara', 'Dan', 'Eve', 'Hiram', 'Jack', 'Lena', 'Zoë', 'Σofia'];
    const last = ['Smith', 'Hill', 'Carter', 'Walsh', 'Ngo', 'Leone', 'Ortiz'];
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
    const make = (id: number): Customer => {
      const name = `${pick(first)} ${pick(last)}`;
      return {
        id: String(id),
        crm:
          random() < 0.05
            ? null
            : {
                name,
                email: `${name.replace(' ', '.').toLowerCase()}@${pick(['gmail.com', 'hotmail.com', 'example.org'])}`,
                ...(random() < 0.9 ? { phone: `(${digits(3)}) ${digits(3)}-${digits(4)}` } : {}),
                ...(random() < 0.8 ? { zip: digits(5) } : {}),
              },
        listenZip: random() < 0.3 ? digits(5) : null,
      };
    };
    const search = new CustomerSearch();
    const reference = new ReferenceSearch();
    const customers: Customer[] = [];
    const queries = [
      'h',
      'hi',
      'Hiram',
      'ann s',
      'a',
      'smith',
      '@gmail',
      'gmail.com',
      '5',
      '55',
      '(555)',
      '1-2',
    ];
    let next = 1;
    for (let round = 0; round < 30; round++) {
      // A batch: mostly new customers at first, then changes to ones already there.
      for (let i = 0; i < 400; i++) {
        const c = round < 10 || random() < 0.2 ? make(next++) : { ...make(0), id: pick(customers).id };
        customers.push(c);
        search.update(profile(c));
        reference.update(profile(c));
      }
      const c = pick(customers);
      const typed = [String(c.crm?.name ?? ''), String(c.crm?.phone ?? ''), c.id].flatMap((word) =>
        Array.from({ length: word.length }, (_, n) => word.slice(0, n + 1)),
      );
      for (const q of [...queries, ...typed, digits(3), String(next - 1), 'zzz'])
        for (const n of [25, Number.MAX_SAFE_INTEGER])
          expect(search.search(q, n)).toEqual(reference.search(q, n));
    }
    expect(search.size).toBe(next - 1);
  });

  it('ranks the exact id first, then field or word starts, then anywhere, by first occurrence', () => {
    const search = new CustomerSearch({ minPending: 0 });
    const add = (id: string, name: string, phone?: string) =>
      search.update(profile({ id, crm: { name, ...(phone ? { phone } : {}) }, listenZip: null }));
    add('7', 'Barb Annis');
    add('17', 'Anna Bell');
    add('70', 'Hannah Annis');
    add('ann', 'Nobody', '(555) 017-0000');
    // 'ann' is an exact id; Anna's name starts with it; Barb's first 'ann' is at a word start;
    // Hannah's first is inside a word (that her last name starts with it does not count).
    expect(search.search('Ann', 10)).toEqual({ ids: ['ann', '7', '17', '70'], total: 4 });
    expect(search.search('7', 2)).toEqual({ ids: ['7', '70'], total: 4 });
    // Phone digits with punctuation search the digits-only form.
    expect(search.search(' 017-0000 ', 10)).toEqual({ ids: ['ann'], total: 1 });
    expect(search.search('   ', 10)).toEqual({ ids: [], total: 0 });
  });

  it('never matches across two customers, and takes the separator in a query literally', () => {
    const search = new CustomerSearch({ minPending: 0 });
    search.update(profile({ id: 'x', crm: { name: 'ab' }, listenZip: null }));
    search.update(profile({ id: 'y', crm: { name: 'cd' }, listenZip: null }));
    expect(search.search('b\u0001y', 10)).toEqual({ ids: [], total: 0 });
    expect(search.search('\u0001y', 10)).toEqual({ ids: ['y'], total: 1 });
    expect(search.search('x\u0001ab', 10)).toEqual({ ids: ['x'], total: 1 });
    search.update(profile({ id: '\u0001', crm: null, listenZip: null }));
    expect(search.search('\u0001', 10)).toEqual({ ids: ['\u0001', 'x', 'y'], total: 3 });
  });
});
