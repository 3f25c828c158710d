import { own } from '../../../shared/dict.js';
import type { Profile } from '../profile/profile.js';
import {
  fold,
  hasLetterWord,
  ID,
  INSIDE,
  letterWords,
  type MatchQuality,
  oneTypoApart,
  parseQuery,
  placeAt,
  type QueryTerm,
  shownWord,
  TYPO_MIN_LENGTH,
} from './search-text.js';

/**
 * Search as you type over customers by id, name, email, phone, zip, address and city, forgiving
 * case, accents, word order, how a phone number is written and, when nothing matches exactly,
 * one typo per word (the rules are in search-text.ts). Each customer has one folded haystack:
 * its fields, each after a \u0001.
 *
 * A customer matches exactly when its haystack holds every query word. Ranking: the exact id,
 * then every word whole, then every word at least at a word's start, then anywhere; a word is
 * placed by its first occurrence in the haystack; within a rank, customers in the order they
 * first came. Only when nothing matches exactly, a customer matches with typos when each query
 * word is in its haystack or one typo away from one of its words (ranked by how many words needed
 * a typo), and "did you mean" gives the query as the best of them would match it exactly.
 *
 * Why an index of our own rather than a search library: MiniSearch (the well-kept one; fuse.js
 * scans every document) was measured on the same 100,000 demo customers and queries
 * (`node --expose-gc bench/search-scale-child.mjs 100000 minisearch`, prefix and fuzzy search,
 * words ANDed): p50 9 ms and p99 540 ms against 0.24 and 8 ms here, 2,760 bytes a customer
 * against 410, 17 s to build against 1.6 s. Its prefix search expands a one- or two-letter query
 * into thousands of terms and scores every customer they hold; a phone number with a country
 * code, or the middle of a word (the last digits of a phone number, part of an email), is not
 * found at all. This index keeps the cheap paths it had and adds the typo step beside them:
 *
 * - a query of three characters or more first asks which blocks of customers hold all its
 *   trigrams (TrigramBlocks) and reads only those customers: most queries (a name, a phone
 *   number, an email) leave a few hundred;
 * - a shorter or a common one (`a`, `gmail`) scans one string of all haystacks joined, with a
 *   native indexOf per matching customer; an offsets table maps a match back to its customer.
 *   Customers added or changed since it was built are scanned one by one, and the string is
 *   rebuilt once they are an eighth of all: updates stay cheap, queries never rebuild;
 * - typos: every distinct word of three letters or more is kept in a sorted dictionary
 *   (TermDictionary); the words one typo away from a query word are found from two ranges of
 *   it, and the blocks holding any of them are read as above.
 */

function haystack(p: Profile): string {
  const field = (name: string) => own(p.crm, name);
  const phone = String(field('phone') ?? '');
  const fields = [
    p.customerId,
    field('name'),
    field('email'),
    phone,
    phone.replace(/\D/g, ''),
    field('zip') ?? p.listenZip?.zip,
    field('address'),
    field('city'),
  ];
  let hay = '';
  for (const f of fields) if (f !== undefined && f !== null && f !== '') hay += `\u0001${fold(String(f))}`;
  return hay === '' ? '\u0001' : hay;
}

/** Matches in rank order, keeping at most `cap` per rank (the rest are only counted). */
class Ranked {
  readonly lists: number[][];
  total = 0;

  constructor(
    ranks: number,
    readonly cap: number,
  ) {
    this.lists = Array.from({ length: ranks }, () => []);
  }

  add(ordinal: number, rank: number): void {
    this.total += 1;
    const list = this.lists[rank] as number[];
    if (list.length < this.cap) list.push(ordinal);
  }

  /** Both scanned disjoint customers; each rank is kept in ordinal order. */
  static merge(a: Ranked, b: Ranked): Ranked {
    const merged = new Ranked(a.lists.length, a.cap);
    a.lists.forEach((list, rank) => {
      merged.lists[rank] = list.concat(b.lists[rank] as number[]).sort((i, j) => i - j);
    });
    merged.total = a.total + b.total;
    return merged;
  }

  /** The first `limit` (negative: all but the last -limit) as [ordinal, rank] pairs. */
  top(limit: number): Array<[number, number]> {
    return this.lists.flatMap((list, rank) => list.map((o): [number, number] => [o, rank])).slice(0, limit);
  }
}

const BLOCK_SHIFT = 3; // blocks of 8 customers
const BLOCK = 1 << BLOCK_SHIFT;
const BUCKET_SHIFT = 12; // trigrams hashed into 4096 buckets
const BUCKETS = 1 << BUCKET_SHIFT;

function bucket(text: string, i: number): number {
  const code = text.charCodeAt(i) * 961 + text.charCodeAt(i + 1) * 31 + text.charCodeAt(i + 2);
  return Math.imul(code, 0x9e3779b1) >>> (32 - BUCKET_SHIFT);
}

function bitCount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * Which blocks of customers have which trigrams: a block without all of a needle's trigrams cannot
 * hold it; one with all of them may (trigrams share buckets), so its customers are read.
 * Per group of 32 blocks, one 32-bit word per bucket, a bit per block; a group's words are
 * together, so one customer's trigrams land in 16 KB. 64 bytes per customer.
 */
class TrigramBlocks {
  #bits = new Int32Array(BUCKETS);

  add(ordinal: number, hay: string): void {
    const block = ordinal >> BLOCK_SHIFT;
    const group = (block >> 5) << BUCKET_SHIFT;
    if (group >= this.#bits.length) {
      const grown = new Int32Array(this.#bits.length * 2);
      grown.set(this.#bits);
      this.#bits = grown;
    }
    const bits = this.#bits;
    const bit = 1 << (block & 31);
    for (let i = 0; i + 2 < hay.length; i++) {
      const at = group + bucket(hay, i);
      bits[at] = (bits[at] as number) | bit;
    }
  }

  /** After a customer changed: its old trigrams may be gone, so the block is worked out again. */
  reset(block: number, hays: readonly string[]): void {
    const bits = this.#bits;
    const group = (block >> 5) << BUCKET_SHIFT;
    const keep = ~(1 << (block & 31));
    for (let at = group; at < group + BUCKETS; at++) bits[at] = (bits[at] as number) & keep;
    const from = block << BLOCK_SHIFT;
    for (let o = from; o < Math.min(from + BLOCK, hays.length); o++) this.add(o, hays[o] as string);
  }

  /**
   * Adds to `into` (a bit per block, a word per group) the blocks that may hold `needle` (3
   * characters or more). Up to 8 trigrams spread over the needle narrow it enough.
   */
  orInto(needle: string, into: Int32Array): void {
    const last = needle.length - 3;
    const taken = Math.min(last + 1, 8);
    const buckets = Array.from({ length: taken }, (_, j) =>
      bucket(needle, Math.round((j * last) / (taken - 1 || 1))),
    );
    for (let g = 0; g < into.length; g++) {
      let bits = -1;
      for (const b of buckets) bits &= this.#bits[(g << BUCKET_SHIFT) + b] as number;
      into[g] = (into[g] as number) | bits;
    }
  }
}

/**
 * Every distinct word (three letters or more) customers have had, sorted, and sorted again
 * spelled backwards: a word one typo away from a query word of n letters starts with the query's
 * first n/2 letters, or ends with its other letters, or is it with those two halves' neighbouring
 * letters swapped. New words wait in a short unsorted list, merged in once it is an eighth of
 * all; a word a customer no longer has stays (the haystack is checked anyway).
 */
class TermDictionary {
  readonly #all = new Set<string>();
  readonly #minPending: number;
  #sorted: string[] = [];
  #backwards: string[] = [];
  #pending: string[] = [];

  constructor(minPending: number) {
    this.#minPending = minPending;
  }

  get size(): number {
    return this.#all.size;
  }

  add(word: string): void {
    if (this.#all.has(word)) return;
    this.#all.add(word);
    this.#pending.push(word);
    if (this.#pending.length > Math.max(this.#minPending, this.#sorted.length >> 3)) this.#merge();
  }

  /** Known words at most one typo from `word` (TYPO_MIN_LENGTH letters or more), sorted. */
  near(word: string): string[] {
    const found = new Set<string>();
    const half = word.length >> 1;
    for (const w of startingWith(this.#sorted, word.slice(0, half))) if (oneTypoApart(word, w)) found.add(w);
    for (const b of startingWith(this.#backwards, backwards(word.slice(half)))) {
      const w = backwards(b);
      if (oneTypoApart(word, w)) found.add(w);
    }
    const swapped = word.slice(0, half - 1) + word[half] + word[half - 1] + word.slice(half + 1);
    if (this.#all.has(swapped)) found.add(swapped);
    for (const w of this.#pending) if (oneTypoApart(word, w)) found.add(w);
    return [...found].sort();
  }

  #merge(): void {
    this.#sorted = mergeSorted(this.#sorted, this.#pending.slice().sort());
    this.#backwards = mergeSorted(this.#backwards, this.#pending.map(backwards).sort());
    this.#pending = [];
  }
}

function backwards(text: string): string {
  let out = '';
  for (let i = text.length - 1; i >= 0; i--) out += text[i];
  return out;
}

function mergeSorted(a: string[], b: string[]): string[] {
  const out = new Array<string>(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++)
    out[k] =
      j >= b.length || (i < a.length && (a[i] as string) < (b[j] as string))
        ? (a[i++] as string)
        : (b[j++] as string);
  return out;
}

function* startingWith(sorted: readonly string[], prefix: string): Generator<string> {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as string) < prefix) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < sorted.length && (sorted[i] as string).startsWith(prefix); i++)
    yield sorted[i] as string;
}

export interface CustomerSearchOptions {
  /** Added or changed customers that may wait before the joined string is rebuilt. */
  minPending?: number;
  /** Read likely blocks one by one only while they hold less than this share of customers. */
  blockShare?: number;
  /** New words that may wait before they are sorted into the dictionary. */
  minPendingWords?: number;
}

export interface SearchResult {
  ids: string[];
  /** How each of `ids` matched. */
  matches: MatchQuality[];
  total: number;
  /** When nothing matched exactly and typos were forgiven: the query as the best match spells it. */
  didYouMean: string | null;
}

const EXACT_RANKS = 4;
function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

/** Haystacks joined: haystack k starts at starts[k] and is customer ordinals[k]'s (ascending). */
interface Segment {
  joined: string;
  starts: Int32Array;
  ordinals: Int32Array;
}
const NOTHING: SearchResult = { ids: [], matches: [], total: 0, didYouMean: null };

/** A typo term: its exact texts and the known words one typo away. */
interface TypoTerm {
  alts: string[];
  near: string[];
}

export class CustomerSearch {
  // Per customer, by ordinal: the order customers first came, which is the order within a rank.
  readonly #ordinals = new Map<string, number>();
  readonly #ids: string[] = [];
  readonly #foldedIds: string[] = [];
  readonly #hays: string[] = [];
  // The haystacks of ordinals below #built, joined: those of Latin-1 text only in one string,
  // the others (Greek, Cyrillic, Japanese…) in a second. V8 keeps a string of Latin-1 text a byte
  // a character and searches it about twice as fast; one Greek name would make all of it two.
  #segments: Segment[] = [];
  #built = 0;
  // Ordinals below #built whose haystack changed since: their part of #joined is skipped.
  #stale = new Uint8Array(0);
  #changed: number[] = [];
  #changedSorted = true;
  readonly #trigrams = new TrigramBlocks();
  readonly #words: TermDictionary;
  readonly #minPending: number;
  readonly #blockShare: number;

  /** The defaults suit 100k customers; tests choose other values to take every path. */
  constructor({ minPending = 1024, blockShare = 0.4, minPendingWords = 256 }: CustomerSearchOptions = {}) {
    this.#words = new TermDictionary(minPendingWords);
    this.#minPending = minPending;
    this.#blockShare = blockShare;
  }

  /** Refreshes one customer's entry (after new CRM fields or a first event). */
  update(p: Profile): void {
    const hay = haystack(p);
    const ordinal = this.#ordinals.get(p.customerId);
    if (ordinal === undefined) {
      this.#ordinals.set(p.customerId, this.#ids.length);
      this.#ids.push(p.customerId);
      this.#foldedIds.push(fold(p.customerId));
      this.#hays.push(hay);
      this.#trigrams.add(this.#ids.length - 1, hay);
    } else {
      if (this.#hays[ordinal] === hay) return;
      this.#hays[ordinal] = hay;
      this.#trigrams.reset(ordinal >> BLOCK_SHIFT, this.#hays);
      if (ordinal < this.#built && this.#stale[ordinal] === 0) {
        this.#stale[ordinal] = 1;
        this.#changed.push(ordinal);
        this.#changedSorted = false;
      }
    }
    for (const word of letterWords(hay, TYPO_MIN_LENGTH - 1)) this.#words.add(word);
    const unjoined = this.#changed.length + this.#ids.length - this.#built;
    if (unjoined > Math.max(this.#minPending, this.#ids.length >> 3)) this.#join();
  }

  has(customerId: string): boolean {
    return this.#ordinals.has(customerId);
  }

  get size(): number {
    return this.#ids.length;
  }

  /** Distinct words kept for typo matching. */
  get words(): number {
    return this.#words.size;
  }

  /** Matching customers, best first (at most `limit`), how many matched in all, and how. */
  search(query: string, limit: number): SearchResult {
    const terms = parseQuery(query);
    if (terms.length === 0) return NOTHING;
    // At least one per rank is kept, for "did you mean".
    const cap = limit < 0 ? Number.POSITIVE_INFINITY : Math.max(1, limit);
    const exact = this.#exact(terms, cap);
    if (exact.total > 0 || terms.every((t) => t.typo === null)) {
      const top = exact.top(limit);
      return {
        ids: top.map(([o]) => this.#ids[o] as string),
        matches: top.map(([, rank]) => (['id', 'word', 'prefix', 'inside'] as const)[rank] as MatchQuality),
        total: exact.total,
        didYouMean: null,
      };
    }
    const typoTerms = terms.map((t) => ({
      alts: t.alts,
      near: t.typo === null ? [] : this.#words.near(t.typo),
    }));
    const typos = this.#withTypos(typoTerms, cap);
    const top = typos.top(limit);
    const best = typos.top(1)[0];
    return {
      ids: top.map(([o]) => this.#ids[o] as string),
      matches: top.map(() => 'typo'),
      total: typos.total,
      didYouMean: best === undefined ? null : this.#spelled(terms, typoTerms, this.#hays[best[0]] as string),
    };
  }

  /** Exact matches: the likely blocks when few enough, or else the joined string. */
  #exact(terms: QueryTerm[], cap: number): Ranked {
    const likely = this.#likelyBlocks(terms.map((t) => t.alts));
    if (!likely) return this.#scanJoined(terms, cap);
    const ranked = new Ranked(EXACT_RANKS, cap);
    const only =
      terms.length === 1 && (terms[0] as QueryTerm).alts.length === 1
        ? (terms[0] as QueryTerm).alts[0]
        : null;
    if (only === undefined || only === null) this.#eachIn(likely, (o) => this.#rankExact(ranked, terms, o));
    else {
      // One text (most queries): its first place in each haystack, read directly.
      const hays = this.#hays;
      this.#eachIn(likely, (o) => {
        const hay = hays[o] as string;
        const at = hay.indexOf(only);
        if (at === -1) return;
        ranked.add(o, at === 1 && this.#foldedIds[o] === only ? ID : placeAt(hay, at, only.length));
      });
    }
    return ranked;
  }

  /** Matches with typos, each word exact or one typo from one of the customer's words. */
  #withTypos(terms: TypoTerm[], cap: number): Ranked {
    const ranked = new Ranked(terms.length, cap);
    const rank = (o: number) => {
      const typos = typoCount(terms, this.#hays[o] as string);
      if (typos > 0) ranked.add(o, typos - 1);
    };
    const likely = this.#likelyBlocks(terms.map((t) => [...t.alts, ...t.near]));
    if (likely) this.#eachIn(likely, rank);
    else for (let o = 0; o < this.#ids.length; o++) rank(o);
    return ranked;
  }

  /** The query as a customer would match it exactly: each typo replaced by that customer's word. */
  #spelled(terms: QueryTerm[], typoTerms: TypoTerm[], hay: string): string {
    return terms
      .map((t, i) => {
        if (t.alts.some((a) => hay.includes(a))) return t.typed;
        const word = (typoTerms[i] as TypoTerm).near.find((w) => hasLetterWord(hay, w));
        return word === undefined ? t.typed : shownWord(word);
      })
      .join(' ');
  }

  /**
   * Blocks that may hold a match: for every term, a block with all the trigrams of one of its
   * texts (a term with a text under 3 characters narrows nothing). Null when they are too many
   * to read one by one.
   */
  #likelyBlocks(terms: string[][]): Int32Array | null {
    const size = this.#ids.length;
    const groups = (((size + BLOCK - 1) >> BLOCK_SHIFT) + 31) >> 5;
    let likely: Int32Array | null = null;
    for (const texts of terms) {
      if (texts.some((t) => t.length < 3)) continue;
      const any = new Int32Array(groups);
      for (const t of texts) this.#trigrams.orInto(t, any);
      if (likely === null) likely = any;
      else for (let g = 0; g < groups; g++) likely[g] = (likely[g] as number) & (any[g] as number);
    }
    if (likely === null) return null;
    let count = 0;
    for (let g = 0; g < groups; g++) count += bitCount(likely[g] as number);
    return count * BLOCK >= size * this.#blockShare ? null : likely;
  }

  /** Calls `visit` for each customer of the blocks set in `blocks`, in order. */
  #eachIn(blocks: Int32Array, visit: (ordinal: number) => void): void {
    const size = this.#ids.length;
    for (let g = 0; g < blocks.length; g++) {
      for (let bits = blocks[g] as number; bits !== 0; bits &= bits - 1) {
        const block = (g << 5) + 31 - Math.clz32(bits & -bits); // the lowest bit set
        const end = Math.min((block + 1) << BLOCK_SHIFT, size);
        for (let o = block << BLOCK_SHIFT; o < end; o++) visit(o);
      }
    }
  }

  #rankExact(ranked: Ranked, terms: QueryTerm[], ordinal: number): void {
    const rank = exactRank(terms, this.#hays[ordinal] as string, this.#foldedIds[ordinal] as string);
    if (rank !== -1) ranked.add(ordinal, rank);
  }

  /** The joined strings, then the customers added or changed since they were built. */
  #scanJoined(terms: QueryTerm[], cap: number): Ranked {
    // The term with the longest shortest text finds the fewest customers to check.
    const lead = terms.reduce((a, b) =>
      Math.min(...b.alts.map((x) => x.length)) > Math.min(...a.alts.map((x) => x.length)) ? b : a,
    );
    const single = terms.length === 1 && lead.alts.length === 1;
    const seen = single ? null : new Uint8Array(this.#built);
    let ranked = new Ranked(EXACT_RANKS, cap);
    for (const { joined, starts, ordinals } of this.#segments) {
      const part = new Ranked(EXACT_RANKS, cap);
      for (const needle of lead.alts) {
        let k = 0; // the haystack's place in this string
        for (let at = joined.indexOf(needle); at !== -1; ) {
          while ((starts[k + 1] as number) <= at) k += 1;
          const ordinal = ordinals[k] as number;
          if (this.#stale[ordinal] === 0) {
            if (seen) seen[ordinal] = 1;
            else {
              // The id is the first field: an exact id is matched right after the leading \u0001.
              const exactId = at - (starts[k] as number) === 1 && this.#foldedIds[ordinal] === needle;
              part.add(ordinal, exactId ? ID : placeAt(joined, at, needle.length));
            }
          }
          // Only a customer's first match counts: go on from the next customer.
          at = joined.indexOf(needle, starts[k + 1]);
        }
      }
      ranked = Ranked.merge(ranked, part);
    }
    if (seen) for (let o = 0; o < seen.length; o++) if (seen[o] === 1) this.#rankExact(ranked, terms, o);
    if (this.#changed.length === 0 && this.#built === this.#ids.length) return ranked;
    if (!this.#changedSorted) {
      this.#changed.sort((a, b) => a - b);
      this.#changedSorted = true;
    }
    const fresh = new Ranked(EXACT_RANKS, cap);
    for (const ordinal of this.#changed) this.#rankExact(fresh, terms, ordinal);
    for (let o = this.#built; o < this.#ids.length; o++) this.#rankExact(fresh, terms, o);
    return Ranked.merge(ranked, fresh);
  }

  #join(): void {
    const count = this.#hays.length;
    const latin1: number[] = [];
    const wider: number[] = [];
    for (let o = 0; o < count; o++) (isLatin1(this.#hays[o] as string) ? latin1 : wider).push(o);
    this.#segments = [latin1, wider]
      .filter((ordinals) => ordinals.length > 0)
      .map((ordinals) => {
        const starts = new Int32Array(ordinals.length + 1);
        ordinals.forEach((o, k) => {
          starts[k + 1] = (starts[k] as number) + (this.#hays[o] as string).length;
        });
        return {
          joined: ordinals.map((o) => this.#hays[o] as string).join(''),
          starts,
          ordinals: Int32Array.from(ordinals),
        };
      });
    this.#built = count;
    this.#stale = new Uint8Array(count);
    this.#changed = [];
    this.#changedSorted = true;
  }
}

/** A customer's exact rank (ID … INSIDE) for all the terms, or -1 when one is missing. */
function exactRank(terms: QueryTerm[], hay: string, foldedId: string): number {
  if (terms.length === 1 && (terms[0] as QueryTerm).alts.includes(foldedId)) return ID;
  let worst = ID;
  for (const term of terms) {
    let best = INSIDE + 1;
    for (const alt of term.alts) {
      const at = hay.indexOf(alt);
      if (at !== -1) best = Math.min(best, placeAt(hay, at, alt.length));
    }
    if (best > INSIDE) return -1;
    worst = Math.max(worst, best);
  }
  return worst;
}

/** How many terms needed a typo to match this haystack; 0 when one matches neither way. */
function typoCount(terms: TypoTerm[], hay: string): number {
  let typos = 0;
  for (const term of terms) {
    if (term.alts.some((a) => hay.includes(a))) continue;
    if (!term.near.some((w) => hasLetterWord(hay, w))) return 0;
    typos += 1;
  }
  return typos;
}
