import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyProfile, type Profile } from '../../main/engine/profile/profile.js';
import { CustomerSearch, type SearchResult } from '../../main/engine/read/customer-search.js';
import {
  EXACT_QUALITIES,
  fold,
  type MatchQuality,
  parseQuery,
  type QueryTerm,
  shownWord,
} from '../../main/engine/read/search-text.js';
import type { CrmValue } from '../../shared/events.js';

/**
 * The search's meaning, written plainly with the same text rules (search-text.ts): one haystack
 * per customer, every query scans them all, and a typo is an edit distance of one worked out
 * with the textbook table.
 */
class ReferenceSearch {
  // Each customer's haystack, folded id, and distinct words of 3 letters or more, sorted.
  readonly #customers = new Map<string, { hay: string; id: string; words: string[] }>();

  update(p: Profile): void {
    const c = p.crm ?? {};
    const phone = String(c.phone ?? '');
    const fields = [
      p.customerId,
      c.name,
      c.email,
      phone,
      phone.replace(/\D/g, ''),
      c.zip ?? p.listenZip,
      c.address,
      c.city,
    ].filter((f) => f !== undefined && f !== null && f !== '');
    const hay = fields.map((f) => `\u0001${fold(String(f))}`).join('') || '\u0001';
    const words = [...new Set(codeUnitLetterRuns(hay).filter((w) => w.length >= 3))].sort();
    this.#customers.set(p.customerId, { hay, id: fold(p.customerId), words });
  }

  has(customerId: string): boolean {
    return this.#customers.has(customerId);
  }

  get size(): number {
    return this.#customers.size;
  }

  search(query: string, limit: number): SearchResult {
    const terms = parseQuery(query);
    if (terms.length === 0) return { ids: [], matches: [], total: 0, more: false, didYouMean: null };
    const exact: Array<{ id: string; rank: number }> = [];
    for (const [id, c] of this.#customers) {
      const rank = referenceRank(terms, c.hay, c.id);
      if (rank !== null) exact.push({ id, rank });
    }
    const byRank = <T extends { rank: number }>(list: T[]) => list.sort((a, b) => a.rank - b.rank); // stable
    if (exact.length > 0 || terms.every((t) => t.typo === null)) {
      const top = byRank(exact).slice(0, limit);
      return {
        ids: top.map((m) => m.id),
        matches: top.map((m) => EXACT_QUALITIES[m.rank] as MatchQuality),
        total: exact.length,
        more: false,
        didYouMean: null,
      };
    }
    const typos: Array<{ id: string; rank: number; spelled: string }> = [];
    for (const [id, c] of this.#customers) {
      let count = 0;
      const spelled: string[] = [];
      for (const t of terms) {
        if (t.alts.some((a) => c.hay.includes(a))) {
          spelled.push(t.typed);
          continue;
        }
        const typo = t.typo;
        const near =
          typo === null
            ? undefined
            : c.words.find((w) => Math.abs(w.length - typo.length) <= 1 && editDistance(w, typo) <= 1);
        if (near === undefined) {
          count = -1;
          break;
        }
        spelled.push(shownWord(near));
        count += 1;
      }
      if (count > 0) typos.push({ id, rank: count, spelled: spelled.join(' ') });
    }
    const top = byRank(typos).slice(0, limit);
    return {
      ids: top.map((m) => m.id),
      matches: top.map(() => 'typo'),
      total: typos.length,
      more: false,
      didYouMean: byRank(typos)[0]?.spelled ?? null,
    };
  }
}

/**
 * `got` (a search with `countUpTo`) answers as the reference's `expected` would: the same when
 * the reference found no more matches than are counted; else `countUpTo` (or `limit`) counted
 * and more said, the results ones the reference found too and ranked the same, best first, each
 * rank in the order customers came, and the exact id first.
 */
function expectAnswer(
  got: SearchResult,
  expected: SearchResult,
  all: SearchResult,
  limit: number,
  countUpTo: number,
) {
  const bound = limit < 0 ? Number.POSITIVE_INFINITY : Math.max(1, limit, countUpTo);
  if (expected.total <= bound) {
    expect(got).toEqual(expected);
    return;
  }
  expect(got.more).toBe(true);
  expect(got.total).toBe(bound);
  expect(got.ids.length).toBe(Math.min(limit, bound));
  const place = new Map(all.ids.map((id, i) => [id, i]));
  const qualities = [...EXACT_QUALITIES, 'typo'];
  got.ids.forEach((id, i) => {
    expect(place.has(id), id).toBe(true);
    expect(got.matches[i]).toBe(all.matches[place.get(id) as number]);
    if (i === 0) return;
    const [before, now] = [got.matches[i - 1] as MatchQuality, got.matches[i] as MatchQuality];
    expect(qualities.indexOf(before)).toBeLessThanOrEqual(qualities.indexOf(now));
    if (before === now) expect(place.get(got.ids[i - 1] as string)).toBeLessThan(place.get(id) as number);
  });
  const byId = all.ids.filter((_, i) => all.matches[i] === 'id');
  expect(got.ids.slice(0, byId.length)).toEqual(byId.slice(0, got.ids.length));
  if (got.matches[0] === 'typo') expect(got.didYouMean).not.toBe(null);
}

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

/** 0 the exact id, 1 every word whole, 2 at a word start, 3 anywhere; null if a word is missing. */
function referenceRank(terms: QueryTerm[], hay: string, id: string): number | null {
  if (terms.length === 1 && terms[0]?.alts.includes(id)) return 0;
  let worst = 0;
  for (const t of terms) {
    const places = t.alts.flatMap((a) => {
      const at = hay.indexOf(a);
      if (at === -1) return [];
      if (isWordChar(hay[at - 1])) return [3];
      return [isWordChar(hay[at + a.length]) ? 2 : 1];
    });
    if (places.length === 0) return null;
    worst = Math.max(worst, Math.min(...places));
  }
  return worst;
}

/** Runs of letters, a UTF-16 code unit at a time (as the index reads them). */
function codeUnitLetterRuns(text: string): string[] {
  return text.split('').reduce<string[]>(
    (runs, ch, i) => {
      if (/\p{L}/u.test(ch)) runs[runs.length - 1] += ch;
      else if (i > 0 && runs.at(-1) !== '') runs.push('');
      return runs;
    },
    [''],
  );
}

/** Optimal string alignment distance: substitutions, insertions, deletions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((d[i - 1]?.[j] ?? 0) + 1, (d[i]?.[j - 1] ?? 0) + 1, (d[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, (d[i - 2]?.[j - 2] ?? 0) + 1);
      (d[i] as number[])[j] = v;
    }
  return d[a.length]?.[b.length] ?? 0;
}

interface Customer {
  id: string;
  crm: Record<string, CrmValue> | null;
  listenZip: string | null;
}

function profile(c: Customer): Profile {
  const p = emptyProfile(c.id);
  p.crm = c.crm;
  if (c.listenZip !== null) {
    p.listenZip = c.listenZip;
    p.listenZipMs = 0;
  }
  return p;
}

// A small alphabet, so that queries often match, at field starts or not, several times in one
// customer; with the separator, spaces, phone punctuation and letters whose lower case is special.
// A small alphabet, so that queries often match, at word starts or not, several times in one
// customer, and are often one typo from a customer's word; with spaces, phone punctuation, the
// field separator, accents, apostrophes, and Greek, Cyrillic and Japanese letters, some whose
// lower case or folding is special (final sigma, dotted I, ß, kana with a voicing mark).
const CHARS = [
  'a',
  'a',
  'b',
  'b',
  'A',
  'é',
  'É',
  'e',
  ' ',
  '1',
  '2',
  '-',
  '(',
  '+',
  '.',
  "'",
  '’',
  '\u0001',
  'Σ',
  'σ',
  'ς',
  'İ',
  'ß',
  'ж',
  'Ж',
  'か',
  'が',
];
const text = (maxLength: number) =>
  fc.array(fc.constantFrom(...CHARS), { maxLength }).map((chars) => chars.join(''));
const crmValue: fc.Arbitrary<CrmValue> = fc.oneof(
  { weight: 6, arbitrary: text(8) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 300 }) },
  { weight: 1, arbitrary: fc.boolean() },
);
const ids = fc.oneof(
  fc.constantFrom('1', '2', '12', '21', '123', 'a', 'A', 'ab', 'AB', 'aΣ', 'AΣ', 'İ', 'b 1', '\u0001', 'é'),
  text(4),
);
const customer: fc.Arbitrary<Customer> = fc.record({
  id: ids,
  crm: fc.option(
    fc.record(
      { name: crmValue, email: crmValue, phone: crmValue, zip: crmValue, address: crmValue, city: crmValue },
      { requiredKeys: [] },
    ),
    { nil: null },
  ),
  listenZip: fc.option(text(5), { nil: null }),
});
const word = fc.array(fc.constantFrom('a', 'b', 'e', 'é', 'σ', 'ж', 'か'), { minLength: 3, maxLength: 6 });
const query = fc.oneof(
  text(4),
  fc.tuple(text(2), text(3), text(2)).map(([a, b, c]) => `${a}${b}${c}`),
  // Words of letters, long enough to be matched with a typo, in any order.
  fc.array(word, { minLength: 1, maxLength: 3 }).map((words) => words.map((w) => w.join('')).join(' ')),
  // Phone numbers, written any way.
  fc
    .tuple(
      fc.constantFrom('', '+', '00', '+1 '),
      fc.array(fc.constantFrom('1', '2', ' ', '.', '-'), { maxLength: 9 }),
    )
    .map(([prefix, chars]) => prefix + chars.join('')),
);
const limit = fc.oneof(
  fc.integer({ min: 0, max: 6 }),
  fc.constant(Number.MAX_SAFE_INTEGER), // a search-scoped export
  fc.integer({ min: -3, max: -1 }),
);
// Rebuild the joined string after a few changes or many; read likely customers never, or always.
// Sort new words into the dictionary at once, or after a few. Count every match, or a few.
// Leave grams out of the signatures as common at once, or after a few customers.
const options = fc.record({
  minPending: fc.integer({ min: 0, max: 6 }),
  likelyShare: fc.constantFrom(0, 0.4, 2),
  minPendingWords: fc.integer({ min: 0, max: 4 }),
  countUpTo: fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 1, max: 8 })),
  commonAfter: fc.integer({ min: 0, max: 10 }),
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
            expectAnswer(
              search.search(s.query, s.limit),
              reference.search(s.query, s.limit),
              reference.search(s.query, Number.MAX_SAFE_INTEGER),
              s.limit,
              chosen.countUpTo,
            );
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
    const last = [
      'Smith',
      'Hill',
      'Carter',
      'Walsh',
      'Ngo',
      'Leone',
      'Ortiz',
      "O'Hara",
      'Müller-Lüdenscheidt',
    ];
    const streets = ['Main Street', 'Rue de l’Église', 'Åsgatan', 'Οδός Ερμού'];
    const cities = ['Springfield', 'Besançon', 'Москва', '札幌市'];
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
                ...(random() < 0.7 ? { address: `${digits(3)} ${pick(streets)}` } : {}),
                ...(random() < 0.5 ? { city: pick(cities) } : {}),
              },
        listenZip: random() < 0.3 ? digits(5) : null,
      };
    };
    const search = new CustomerSearch({ minPendingWords: 8, countUpTo: 300 });
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
      'zoe',
      'smith zoe',
      'Smiht',
      'Crater Hil',
      'ΣΟΦΙΑ',
      'ohara',
      'muller',
      'mueller',
      'besancon',
      'main sreet',
      'москва',
      '札幌',
      'eglise',
    ];
    let next = 1;
    for (let round = 0; round < 14; round++) {
      // A batch: mostly new customers at first, then changes to ones already there.
      for (let i = 0; i < 400; i++) {
        const c = round < 7 || random() < 0.2 ? make(next++) : { ...make(0), id: pick(customers).id };
        customers.push(c);
        search.update(profile(c));
        reference.update(profile(c));
      }
      const c = pick(customers);
      const typed = [String(c.crm?.name ?? ''), String(c.crm?.phone ?? ''), c.id].flatMap((word) =>
        Array.from({ length: word.length }, (_, n) => word.slice(0, n + 1)),
      );
      const name = String(c.crm?.name ?? 'nobody');
      const at = Math.floor(random() * name.length);
      // A letter missing, one too many, and the two letters at the middle of the first name swapped.
      const [firstName = '', ...rest] = name.split(' ');
      const h = firstName.length >> 1;
      const swapped =
        firstName.slice(0, h - 1) +
        firstName.slice(h, h + 1) +
        firstName.slice(h - 1, h) +
        firstName.slice(h + 1);
      const typos = [
        name.slice(0, at) + name.slice(at + 1),
        name.slice(0, at) + pick(['a', 'e', 'x']) + name.slice(at),
        [swapped, ...rest].join(' '),
      ];
      const phone = String(c.crm?.phone ?? '').replace(/\D/g, '');
      const phones = [phone.replace(/(\d{3})(\d{3})/, '$1.$2.'), `+1 ${phone}`, `00 1 ${phone}`];
      for (const q of [...queries, ...typed, ...typos, ...phones, digits(3), String(next - 1), 'zzz']) {
        const all = reference.search(q, Number.MAX_SAFE_INTEGER);
        expect(search.search(q, Number.MAX_SAFE_INTEGER)).toEqual(all);
        expectAnswer(search.search(q, 25), reference.search(q, 25), all, 25, 300);
      }
    }
    expect(search.size).toBe(next - 1);
  });

  it('searches with what a didYouMean suggests and finds that best match exactly', () => {
    // Long enough that the typo'd word is still long enough to be forgiven one.
    const long = fc.array(fc.constantFrom('a', 'b', 'e', 'é', 'σ', 'ж', 'か'), {
      minLength: 5,
      maxLength: 7,
    });
    const named = fc.array(fc.tuple(long, word), { minLength: 1, maxLength: 30 });
    const typo = fc.record({
      who: fc.nat(),
      at: fc.nat(),
      kind: fc.constantFrom('insert', 'delete', 'replace', 'swap'),
      letter: fc.constantFrom('a', 'b', 'é', 'ж'),
    });
    fc.assert(
      fc.property(named, typo, (list, { who, at, kind, letter }) => {
        const search = new CustomerSearch({ minPending: 2 });
        for (const [i, [first, last]] of list.entries())
          search.update(
            profile({ id: String(i), crm: { name: `${first.join('')} ${last.join('')}` }, listenZip: null }),
          );
        // One customer's first name with one typo, then their last name.
        const [first, last] = list[who % list.length] as [string[], string[]];
        const w = [...first];
        const i = at % w.length;
        if (kind === 'insert') w.splice(i, 0, letter);
        else if (kind === 'delete') w.splice(i, 1);
        else if (kind === 'replace') w.splice(i, 1, letter);
        else w.splice(i, 2, ...w.slice(i, i + 2).reverse());
        const found = search.search(`${w.join('')} ${last.join('')}`, 5);
        expect(found.total).toBeGreaterThan(0);
        fc.pre(found.didYouMean !== null);
        expect(found.matches.every((m) => m === 'typo')).toBe(true);
        const again = search.search(found.didYouMean as string, Number.MAX_SAFE_INTEGER);
        expect(again.didYouMean).toBe(null);
        expect(again.ids).toContain(found.ids[0]);
      }),
      { numRuns: 400 },
    );
  });
});

describe('what the search forgives', () => {
  const people: Array<[string, Record<string, CrmValue>]> = [
    ['1', { name: 'Éldred Dibbert', phone: '(807) 972-7149', address: '12 Rue de l’Église, Besançon' }],
    ['2', { name: 'Karolann Murray', email: 'karolann.murray42@gmail.com', city: 'Springfield' }],
    ['3', { name: "Tadhg O'Hara", phone: '+353 21 555 0199', address: '4 Main Street, Cork' }],
    ['4', { name: 'Ann-Marie Schmidt-Lüdke', zip: '80331', address: 'Straße des 17. Juni 4, München' }],
    ['5', { name: 'Αλέξανδρος Παπαδόπουλος', phone: '231 007 4182', address: 'Ερμού 12, Αθήνα' }],
    [
      '6',
      { name: 'Лариса Владимирова', phone: '8 (951) 981-36-68', address: 'аллея Литейная, 472, Сарапул' },
    ],
    ['7', { name: '小笠原 恵美子', address: '7丁目1番3号, 札幌市' }],
    ['8', { name: 'Karolina Murphy', city: 'Springfield' }],
    ['9', { name: 'Eldon Murray', address: '9 Eldred Road, Springfield' }],
  ];
  const search = new CustomerSearch({ minPending: 0, minPendingWords: 0 });
  for (const [id, crm] of people) search.update(profile({ id, crm, listenZip: null }));
  const ids = (q: string) => search.search(q, 10).ids;

  it('ignores case and accents, both ways', () => {
    expect(ids('Eldred')).toEqual(['1', '9']);
    expect(ids('ELDRED DIBBERT')).toEqual(['1']);
    expect(ids('éldred')).toEqual(['1', '9']);
    expect(ids('besancon')).toEqual(['1']);
    expect(ids('Lüdke')).toEqual(['4']);
    expect(ids('ludke')).toEqual(['4']);
    expect(ids('strasse')).toEqual(['4']);
    expect(ids('ALEXANDROS')).toEqual([]); // no transliteration between scripts
  });

  it('matches words in any order', () => {
    expect(ids('dibbert eldred')).toEqual(['1']);
    expect(ids('murray karolann')).toEqual(['2']);
    expect(ids('springfield murray')).toEqual(['2', '9']);
  });

  it('matches a phone number by its digits, however it is written', () => {
    for (const q of [
      '807.972.7149',
      '(807) 972-7149',
      '807 972 7149',
      '8079727149',
      '+1 807 972 7149',
      '972-7149',
    ])
      expect(ids(q), q).toEqual(['1']);
    expect(ids('+353 21 555 0199')).toEqual(['3']);
    expect(ids('00353215550199')).toEqual(['3']);
    expect(ids('+7 951 981 36 68')).toEqual(['6']);
    expect(ids('807.972.7148')).toEqual([]); // digits are never guessed
  });

  it('searches address and city', () => {
    expect(ids('main street')).toEqual(['3']);
    expect(ids('cork')).toEqual(['3']);
    expect(ids('springfield')).toEqual(['2', '8', '9']);
    expect(ids('eglise')).toEqual(['1']);
  });

  it('handles apostrophes, hyphens and other scripts', () => {
    for (const q of ["o'hara", 'O’Hara', 'OHARA']) expect(ids(q), q).toEqual(['3']);
    expect(ids('ann marie')).toEqual(['4']);
    expect(ids('ann-marie')).toEqual(['4']);
    expect(ids('αλεξανδρος')).toEqual(['5']);
    expect(ids('ΠΑΠΑΔΟΠΟΥΛΟΣ')).toEqual(['5']); // with a final sigma
    expect(ids('лариса')).toEqual(['6']);
    expect(ids('小笠原')).toEqual(['7']);
    expect(ids('札幌')).toEqual(['7']);
  });

  it('forgives a typo per word when nothing matches exactly, and says what it meant', () => {
    const found = search.search('Karolan Muray', 10);
    expect(found).toEqual({
      ids: ['2'],
      matches: ['typo'],
      total: 1,
      more: false,
      didYouMean: 'Karolan murray',
    });
    expect(search.search('Karolann Murrya', 10).ids).toEqual(['2']); // two letters swapped
    expect(search.search('Karloann', 10).ids).toEqual(['2']); // …at the middle of the word
    expect(search.search('Ann-Marie Shmidt-Lüdke', 10)).toMatchObject({
      ids: ['4'],
      didYouMean: 'Ann Marie schmidt Lüdke',
    });
    expect(search.search('Karolina Murpy', 10).ids).toEqual(['8']);
    expect(search.search('Pαpαdopoulos', 10).ids).toEqual([]); // mixed scripts are not a typo
    expect(search.search('Παπαδοπουλο', 10)).toMatchObject({ ids: ['5'], didYouMean: null }); // a prefix, exact
    expect(search.search('Παπαδπουλος', 10)).toMatchObject({ ids: ['5'], didYouMean: 'παπαδοπουλος' });
    // One typo a word: two in one word find nothing.
    expect(search.search('Krolan', 10).ids).toEqual([]);
    // Typos only when nothing matches exactly: "Murray" finds the Murrays, not Murphy.
    expect(search.search('Murray', 10)).toMatchObject({ ids: ['2', '9'], didYouMean: null });
  });

  it('ranks the exact id, whole words, word starts, then anywhere, and says which', () => {
    const s = new CustomerSearch({ minPending: 0 });
    const add = (id: string, name: string) => s.update(profile({ id, crm: { name }, listenZip: null }));
    add('7', 'Joanna Annis');
    add('17', 'Anna Bell');
    add('70', 'Ann Hill');
    add('ann', 'Nobody');
    add('5', 'Hannah Annis');
    // 'ann' is the exact id; Ann is a whole word; Anna's name starts with it; Joanna's first is
    // inside a word (a customer is placed by the first occurrence), as is Hannah's.
    expect(s.search('Ann', 10)).toMatchObject({
      ids: ['ann', '70', '17', '7', '5'],
      matches: ['id', 'word', 'prefix', 'inside', 'inside'],
      total: 5,
    });
    expect(s.search('7', 2).ids).toEqual(['7', '70']);
  });

  it('stops counting a common query at a thousand, still with the exact id first', () => {
    const s = new CustomerSearch();
    for (let i = 0; i < 2500; i++)
      s.update(
        profile({
          id: String(i),
          crm: { name: i % 500 === 7 ? 'Ann Hill' : `Joanna ${i}` },
          listenZip: null,
        }),
      );
    s.update(profile({ id: 'ann', crm: { name: 'Nobody' }, listenZip: null }));
    const found = s.search('ann', 5);
    // Counted: the exact id, then the first 999 others; whole words rank above the rest of them.
    expect(found).toMatchObject({ total: 1000, more: true });
    expect(found.ids).toEqual(['ann', '7', '507', '0', '1']);
    expect(found.matches).toEqual(['id', 'word', 'word', 'inside', 'inside']);
    // An export of the search counts and writes every match.
    expect(s.search('ann', Number.MAX_SAFE_INTEGER)).toMatchObject({ total: 2501, more: false });
    // Few enough matches are all counted and ranked.
    expect(s.search('ann hill', 10)).toMatchObject({
      ids: ['7', '507', '1007', '1507', '2007'],
      more: false,
    });
  });

  it('finds a customer by a new name as soon as it changes, and no longer by the old one', () => {
    const s = new CustomerSearch();
    for (let i = 0; i < 2000; i++)
      s.update(profile({ id: String(i), crm: { name: `Person ${i}` }, listenZip: null }));
    s.update(profile({ id: '42', crm: { name: 'Zébulon Quaresma' }, listenZip: null }));
    expect(s.search('zebulon', 5).ids).toEqual(['42']);
    expect(s.search('Quarezma', 5)).toMatchObject({ ids: ['42'], didYouMean: 'quaresma' });
    s.update(profile({ id: '42', crm: { name: 'Person 42' }, listenZip: null }));
    expect(s.search('zebulon', 5).ids).toEqual([]);
    expect(s.search('Quarezma', 5).ids).toEqual([]);
  });

  it('finds a number of one repeated digit among thousands whose numbers hold that digit three times', () => {
    const s = new CustomerSearch();
    const reference = new ReferenceSearch();
    const add = (c: Customer) => {
      s.update(profile(c));
      reference.update(profile(c));
    };
    for (let i = 0; i < 3000; i++)
      add({ id: String(i), crm: { phone: `(${311 + (i % 77)}) 000-${4000 + i}` }, listenZip: null });
    add({ id: '7', crm: { phone: '(212) 000-0000' }, listenZip: null });
    add({ id: '1507', crm: { phone: '+1 212 000 0000' }, listenZip: null });
    add({ id: '30', crm: { name: 'Zip Only', zip: '10000' }, listenZip: null });
    add({ id: '2100', crm: { phone: '(999) 999-9999' }, listenZip: null });
    expect(s.search('000-0000', 10).ids).toEqual(['7', '1507']);
    expect(s.search('999999999', 10).ids).toEqual(['2100']);
    for (const q of ['0000', '000-0000', '000-000-0000', '999999999', '+1 212 000 0000', '10000', '000'])
      expect(s.search(q, Number.MAX_SAFE_INTEGER), q).toEqual(reference.search(q, Number.MAX_SAFE_INTEGER));
    // A number changed to one without the run is no longer found by it.
    add({ id: '2100', crm: { phone: '(999) 123-4567' }, listenZip: null });
    expect(s.search('999999999', 10).ids).toEqual([]);
  });

  it('ignores an empty query and never matches across two customers', () => {
    const s = new CustomerSearch({ minPending: 0 });
    s.update(profile({ id: 'x', crm: { name: 'ab' }, listenZip: null }));
    s.update(profile({ id: 'y', crm: { name: 'cd' }, listenZip: null }));
    expect(s.search('   ', 10).total).toBe(0);
    expect(s.search('b\u0001y', 10).total).toBe(0);
    expect(s.search('bc', 10).total).toBe(0);
  });
});
