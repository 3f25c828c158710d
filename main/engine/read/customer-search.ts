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
 * A search counts at most `countUpTo` matches (1,000; or its limit, if more) and then stops,
 * saying there are more: the results are the best of those it counted, with the customers whose
 * id is the query always first. Ranking and counting every match of a short or common query
 * (`ma`: 726,169 of a million customers) took 50-70 ms; a thousand is all an agent can use.
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
 * - a query of two characters or more first asks which customers' signatures hold all its
 *   rarer trigrams and runs of one character, or its pair (GramSignatures), and of those,
 *   which have held its common trigrams (a bitmap each), and reads only those customers: most
 *   queries (a name, a phone number, an email) leave a few hundred;
 * - a shorter or a common one (`a`, `ma`, `gmail`) scans one string of all haystacks joined, with a
 *   native indexOf per matching customer, until it has counted enough; an offsets table maps a
 *   match back to its customer.
 *   Customers added or changed since it was built are scanned one by one, and the string is
 *   rebuilt once they are an eighth of all: updates stay cheap, queries never rebuild;
 * - typos: every distinct word of three letters or more is kept in a sorted dictionary
 *   (TermDictionary); the words one typo away from a query word are found from two ranges of
 *   it, and the customers whose signatures may hold any of them are read as above.
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
    field('zip') ?? p.listenZip,
    field('address'),
    field('city'),
  ];
  let hay = '';
  for (const f of fields) if (f !== undefined && f !== null && f !== '') hay += `\u0001${fold(String(f))}`;
  return hay === '' ? '\u0001' : hay;
}

/**
 * Matches by rank, keeping at most `cap` per rank (the rest are only counted) and counting at most
 * `bound`: a match after those sets `more`, and the scan stops. Customers whose folded id is the
 * query are added first (`pinned`), so the exact id leads even when the scan stops before it.
 */
class Ranked {
  readonly lists: number[][];
  total = 0;
  more = false;

  constructor(
    ranks: number,
    readonly cap: number,
    readonly bound: number,
    readonly pinned: ReadonlySet<number> = new Set(),
  ) {
    this.lists = Array.from({ length: ranks }, () => []);
  }

  /** Counts the customers whose folded id is the query first (ascending), as exact-id matches. */
  pin(): void {
    for (const o of [...this.pinned].sort((a, b) => a - b)) this.#count(o, ID);
  }

  /** A Ranked for another part of the customers, counting what this one has room left for. */
  part(): Ranked {
    return new Ranked(this.lists.length, this.cap, this.bound - this.total, this.pinned);
  }

  add(ordinal: number, rank: number): void {
    if (rank === ID && this.pinned.has(ordinal)) return; // counted once, when pinned
    this.#count(ordinal, rank);
  }

  #count(ordinal: number, rank: number): void {
    if (this.total >= this.bound) {
      this.more = true;
      return;
    }
    this.total += 1;
    const list = this.lists[rank] as number[];
    if (list.length < this.cap) list.push(ordinal);
  }

  /** Adds what `part` counted: both scanned disjoint customers. Each rank is kept in ordinal order. */
  absorb(part: Ranked): void {
    this.lists.forEach((list, rank) => {
      this.lists[rank] = list.concat(part.lists[rank] as number[]).sort((i, j) => i - j);
    });
    this.total += part.total;
    this.more ||= part.more;
  }

  /** The first `limit` (negative: all but the last -limit) as [ordinal, rank] pairs. */
  top(limit: number): Array<[number, number]> {
    return this.lists.flatMap((list, rank) => list.map((o): [number, number] => [o, rank])).slice(0, limit);
  }
}

const BUCKET_SHIFT = 11; // a customer's grams set bits of a 2048-bit signature
const BUCKETS = 1 << BUCKET_SHIFT;
const CHUNK_SHIFT = 15; // signatures kept per chunk of 32,768 customers
const CHUNK_GROUPS = 1 << (CHUNK_SHIFT - 5); // 1,024 groups of 32 customers a chunk
const CHUNK_WORDS = BUCKETS * CHUNK_GROUPS; // 8 MB a chunk, a row of 4 KB per bit
const COUNT_SHIFT = 20; // trigrams counted in a table of 2^20 (collisions only count more)
const PAIR_COUNT_SHIFT = 18; // pairs in one of their own, so a common pair makes no trigram common

/** A trigram's code, or a pair's: a pair's is apart from every trigram's (a char code is below 2^16). */
function gramCode(text: string, i: number, pair: boolean): number {
  return pair
    ? text.charCodeAt(i) * 65599 + text.charCodeAt(i + 1) + 0x7fffffff
    : text.charCodeAt(i) * 961 + text.charCodeAt(i + 1) * 31 + text.charCodeAt(i + 2);
}

/**
 * The code of a run of four of one character at `i`, or null: a text of one repeated character
 * (`000-000-0000`, `999999999`) has one trigram, and its one trigram is in 1.3-1.7% of a
 * million customers. A run is counted and set as a trigram is; its code is apart from every
 * trigram's (negative).
 */
function runCode(text: string, i: number): number | null {
  const c = text.charCodeAt(i);
  return i + 3 < text.length &&
    c !== 1 &&
    text.charCodeAt(i + 1) === c &&
    text.charCodeAt(i + 2) === c &&
    text.charCodeAt(i + 3) === c
    ? -1 - c
    : null;
}

/** The three bits a gram sets, and its slot in the table of counts. */
function firstBit(code: number): number {
  return Math.imul(code | 0, 0x9e3779b1) >>> (32 - BUCKET_SHIFT);
}
function secondBit(code: number): number {
  return Math.imul((code | 0) ^ 0x5bd1e995, 0x85ebca6b) >>> (32 - BUCKET_SHIFT);
}
function thirdBit(code: number): number {
  return Math.imul((code | 0) ^ 0x27d4eb2f, 0xc2b2ae35) >>> (32 - BUCKET_SHIFT);
}
function countSlot(code: number, shift: number): number {
  return Math.imul((code | 0) ^ 0x165667b1, 0x9e3779b1) >>> (32 - shift);
}

const RARE = 0;
const NO_BITMAP = 0xffff;
const MAX_COMMON_BITMAPS = 1024; // at a million customers, 125 KB each

/**
 * How often grams of one kind (trigrams, or pairs) were seen, and which are common. A common
 * gram's slot holds its number, from 1 in the order they became common (NO_BITMAP past
 * MAX_COMMON_BITMAPS): the trigrams' numbers name their bitmaps in GramSignatures.
 */
class GramCounts {
  readonly #counts: Uint32Array;
  readonly #common: Uint16Array;
  #commons = 0;

  constructor(readonly shift: number) {
    this.#counts = new Uint32Array(1 << shift);
    this.#common = new Uint16Array(1 << shift);
  }

  /** Counts `code` once more; RARE (its bits are to be set), or its number once it is common. */
  count(code: number, limit: number): number {
    const slot = countSlot(code, this.shift);
    const common = this.#common[slot] as number;
    if (common !== RARE) return common;
    const count = (this.#counts[slot] as number) + 1;
    this.#counts[slot] = count;
    if (count > limit) {
      this.#commons += 1;
      this.#common[slot] = this.#commons < MAX_COMMON_BITMAPS ? this.#commons : NO_BITMAP;
    }
    return RARE;
  }

  /** RARE, or the number `code` has had since it became common. */
  common(code: number): number {
    return this.#common[countSlot(code, this.shift)] as number;
  }
}

function bitCount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** A text's rare grams' codes, and its common trigrams' (those with a bitmap). */
interface TextGrams {
  codes: number[];
  common: number[];
}
/** The customers that may hold a match, a bit each (a word per group of 32), and how many. */
interface Likely {
  likely: Int32Array;
  count: number;
}

/**
 * Each customer's trigrams and pairs of characters as a signature of 2048 bits, three set per
 * gram: a customer without all of a needle's bits cannot hold it; one with all of them may (grams
 * share bits), so its haystack is read. 256 bytes a customer. A query of three characters or
 * more asks for its trigrams, one of two for its pair: a rare pair (`xq`, `@@`) no longer reads
 * all of a million customers' text (26-45 ms), and Japanese and Chinese names, words of two
 * characters, are found the same way. A tenth of a signature's bits are set (with 1,024 bits and
 * no Latin pairs, as this was, a sixth), so a customer has a needle's three bits by chance once
 * in 800, not 190: a query of one rare trigram reads about a fifth of the customers it did.
 *
 * Common grams are left out: once a gram has been counted in more than a sixteenth of the
 * customers (and `commonAfter`), later signatures do not set its bits and queries do not ask for
 * them (a gram never stops being common, so every gram a query asks for is in every signature).
 * In the demo's customers, 40 trigrams (".co", "gma", "str") are each in more than a tenth of
 * them; their bits, set in nearly every signature, had let a needle of one rare trigram read 5%
 * of a million customers. Of the pairs, about 350 are common ("ma", "38"), and a customer has 14
 * rare ones. Pairs are counted apart from trigrams: in one table, the common pair "38" shared a
 * slot with "ant", whose bits then went unset, and "grant" read five times the customers.
 * (Signatures per block of 8 customers, as this was first, let one customer's trigrams stand in
 * for another's: "santo" read 5% of a million customers to find 589.)
 *
 * A common trigram gets a bitmap instead, a bit per customer that has held it since it became
 * common: a customer may hold it when that bit or its three signature bits are set. A text with
 * a rare trigram is also checked against the bitmaps of its common ones. `Marth`, whose only
 * rare trigram is "rth" (North, Worth, Garth), read 39,136 of a million customers to find 477.
 *
 * Stored sliced, a bit per customer: per chunk of 32,768 customers, each signature bit is a row
 * of 1,024 words, one per group of 32. A query reads a few rows of each chunk from end to end; a
 * customer's bits are all in its chunk's 8 MB. Chunks were of 8,192 customers (rows of 1 KB): a
 * typo query, whose 10 to 15 texts read 40 to 80 rows at once, spent its time waiting on memory,
 * and with rows four times as long its pass over a million customers' signatures took about half
 * as long (5-10 ms before).
 */
class GramSignatures {
  #bits = new Int32Array(0);
  readonly #trigrams = new GramCounts(COUNT_SHIFT);
  readonly #pairs = new GramCounts(PAIR_COUNT_SHIFT);
  #customers = 0;
  // Per common trigram (by its number, from 1), once a customer holds it: a word per group of 32
  // customers, as many groups as the signatures have room for.
  readonly #commonBits: Int32Array[] = [];
  #groups = 0;

  constructor(readonly commonAfter: number) {}

  /** The word of signature bit `bucket` for the group of 32 customers holding `ordinal`. */
  static #word(ordinal: number, bucket: number): number {
    return (
      ((ordinal >> CHUNK_SHIFT) * CHUNK_WORDS) |
      (bucket << (CHUNK_SHIFT - 5)) |
      ((ordinal >> 5) & (CHUNK_GROUPS - 1))
    );
  }

  add(ordinal: number, hay: string): void {
    const end = ((ordinal >> CHUNK_SHIFT) + 1) * CHUNK_WORDS;
    if (end > this.#bits.length) {
      const grown = new Int32Array(Math.max(end, this.#bits.length * 2));
      grown.set(this.#bits);
      this.#bits = grown;
      this.#groups = (grown.length / CHUNK_WORDS) * CHUNK_GROUPS;
      // (forEach passes over the numbers that have no bitmap yet.)
      this.#commonBits.forEach((old, i) => {
        this.#commonBits[i] = new Int32Array(this.#groups);
        (this.#commonBits[i] as Int32Array).set(old);
      });
    }
    this.#customers = Math.max(this.#customers, ordinal + 1);
    const limit = Math.max(this.commonAfter, this.#customers >> 4);
    const bit = 1 << (ordinal & 31);
    for (let i = 0; i + 1 < hay.length; i++) {
      // No query holds the field separator, so no gram across one is ever asked for.
      if (hay.charCodeAt(i) === 1 || hay.charCodeAt(i + 1) === 1) continue;
      const pair = gramCode(hay, i, true);
      if (this.#pairs.count(pair, limit) === RARE) this.#set(ordinal, pair, bit);
      if (i + 2 < hay.length && hay.charCodeAt(i + 2) !== 1)
        this.#addTrigram(ordinal, gramCode(hay, i, false), limit);
      const run = runCode(hay, i);
      if (run !== null) this.#addTrigram(ordinal, run, limit);
    }
  }

  /** Sets a trigram's (or a run's) bits, or its bitmap's bit once it is common. */
  #addTrigram(ordinal: number, code: number, limit: number): void {
    const common = this.#trigrams.count(code, limit);
    if (common === RARE) this.#set(ordinal, code, 1 << (ordinal & 31));
    else if (common !== NO_BITMAP) {
      const words = this.#commonBits[common] ?? this.#newBitmap(common);
      words[ordinal >> 5] = (words[ordinal >> 5] as number) | (1 << (ordinal & 31));
    }
  }

  #newBitmap(common: number): Int32Array {
    const words = new Int32Array(this.#groups);
    this.#commonBits[common] = words;
    return words;
  }

  #set(ordinal: number, code: number, bit: number): void {
    const bits = this.#bits;
    const a = GramSignatures.#word(ordinal, firstBit(code));
    const b = GramSignatures.#word(ordinal, secondBit(code));
    const c = GramSignatures.#word(ordinal, thirdBit(code));
    bits[a] = (bits[a] as number) | bit;
    bits[b] = (bits[b] as number) | bit;
    bits[c] = (bits[c] as number) | bit;
  }

  /**
   * After a customer changed: its old grams may be gone, so the bits every gram of its old
   * haystack set (common or not now: it may not have been then) are cleared and its new haystack
   * added. Clearing all 2,048 rows instead was a read and a write 4 KB apart per row, 0.1 ms an
   * update at a million customers.
   */
  reset(ordinal: number, before: string, hay: string): void {
    const keep = ~(1 << (ordinal & 31));
    for (let i = 0; i + 1 < before.length; i++) {
      if (before.charCodeAt(i) === 1 || before.charCodeAt(i + 1) === 1) continue;
      this.#clear(ordinal, gramCode(before, i, true), keep);
      if (i + 2 < before.length && before.charCodeAt(i + 2) !== 1)
        this.#clearTrigram(ordinal, gramCode(before, i, false), keep);
      const run = runCode(before, i);
      if (run !== null) this.#clearTrigram(ordinal, run, keep);
    }
    this.add(ordinal, hay);
  }

  #clearTrigram(ordinal: number, code: number, keep: number): void {
    this.#clear(ordinal, code, keep);
    const words = this.#commonBits[this.#trigrams.common(code)];
    if (words) words[ordinal >> 5] = (words[ordinal >> 5] as number) & keep;
  }

  #clear(ordinal: number, code: number, keep: number): void {
    const bits = this.#bits;
    const a = GramSignatures.#word(ordinal, firstBit(code));
    const b = GramSignatures.#word(ordinal, secondBit(code));
    const c = GramSignatures.#word(ordinal, thirdBit(code));
    bits[a] = (bits[a] as number) & keep;
    bits[b] = (bits[b] as number) & keep;
    bits[c] = (bits[c] as number) & keep;
  }

  /**
   * What to ask of the signatures for `text`: the codes of up to `grams` of its trigrams that are
   * not common, spread over it, and of each of its runs of one character that is not, or of its
   * pair if it has two characters; and its common trigrams and runs that have a bitmap. No codes
   * when the signatures cannot narrow a search for it (one character, or every gram common).
   */
  codes(text: string, grams: number): TextGrams {
    if (text.length < 3) {
      const pair = text.length === 2 ? gramCode(text, 0, true) : null;
      return { codes: pair !== null && this.#pairs.common(pair) === RARE ? [pair] : [], common: [] };
    }
    const rare: number[] = [];
    const runs: number[] = [];
    const common: number[] = [];
    const ask = (code: number, to: number[]) => {
      const number = this.#trigrams.common(code);
      if (number === RARE) to.push(code);
      else if (this.#commonBits[number] && !common.some((c) => this.#trigrams.common(c) === number))
        common.push(code);
    };
    for (let i = 0; i + 2 < text.length; i++) {
      ask(gramCode(text, i, false), rare);
      const run = runCode(text, i);
      if (run !== null && !runs.includes(run)) ask(run, runs);
    }
    if (rare.length <= grams) return { codes: [...rare, ...runs], common };
    const last = rare.length - 1;
    const spread = Array.from(
      { length: grams },
      (_, j) => rare[Math.round((j * last) / (grams - 1 || 1))] as number,
    );
    return { codes: [...spread, ...runs], common };
  }

  /**
   * The customers (a bit each, a word per group of 32 of `groups`) that may hold, for every term,
   * one of its texts, given by their `codes`: each gram is 3 rows to read, and each after the
   * first leaves about 1 in 800 of the customers that passed. One pass over the groups: a group
   * no text of a term can be in is not read further.
   */
  likely(terms: readonly (readonly TextGrams[])[], groups: number): Likely {
    // The plan as one array of numbers: per term, where it ends; per text, where it ends and
    // where its rows end, its rows' offsets in a chunk, then per common trigram its bitmap (in
    // `bitmaps`) and its three rows, for the customers that came before it was common. Read as
    // objects, the plan cost 94 ns a group of the typo searches at 200,000 customers; as numbers, 61.
    const row = (bit: number) => bit << (CHUNK_SHIFT - 5);
    const rowsOf = (c: number) => [row(firstBit(c)), row(secondBit(c)), row(thirdBit(c))];
    const bitmaps: Int32Array[] = [];
    const plan: number[] = [];
    for (const texts of terms) {
      const term = plan.push(0) - 1;
      for (const { codes, common } of texts) {
        const text = plan.push(0, 0) - 2;
        plan.push(...new Set(codes.flatMap(rowsOf)));
        plan[text + 1] = plan.length;
        for (const c of common) {
          plan.push(bitmaps.length, ...rowsOf(c));
          bitmaps.push(this.#commonBits[this.#trigrams.common(c)] as Int32Array);
        }
        plan[text] = plan.length;
      }
      plan[term] = plan.length;
    }
    const steps = Int32Array.from(plan);
    const likely = new Int32Array(groups);
    const words = this.#bits;
    let count = 0;
    for (let from = 0; from < groups; from += CHUNK_GROUPS) {
      const chunk = (from >> (CHUNK_SHIFT - 5)) * CHUNK_WORDS;
      const to = Math.min(from + CHUNK_GROUPS, groups);
      for (let g = from; g < to; g++) {
        const at = chunk + (g - from);
        let alive = -1;
        for (let p = 0; p < steps.length && alive !== 0; ) {
          const termEnd = steps[p] as number;
          let any = 0;
          for (p += 1; p < termEnd; ) {
            const textEnd = steps[p] as number;
            const rowsEnd = steps[p + 1] as number;
            let bits = alive;
            for (p += 2; p < rowsEnd && bits !== 0; p++) bits &= words[at + (steps[p] as number)] as number;
            for (p = rowsEnd; p < textEnd && bits !== 0; p += 4) {
              const held = (bitmaps[steps[p] as number] as Int32Array)[g] as number;
              // Only the customers the bitmap leaves out read the gram's signature bits.
              if ((bits & ~held) !== 0)
                bits &=
                  held |
                  ((words[at + (steps[p + 1] as number)] as number) &
                    (words[at + (steps[p + 2] as number)] as number) &
                    (words[at + (steps[p + 3] as number)] as number));
            }
            p = textEnd;
            any |= bits;
            if (any === alive) break;
          }
          alive = any;
          p = termEnd;
        }
        likely[g] = alive;
        if (alive !== 0) count += bitCount(alive);
      }
    }
    return { likely, count };
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
    const sorted = this.#sorted;
    for (let [i, end] = startingWith(sorted, word.slice(0, half)); i < end; i++)
      if (oneTypoApart(word, sorted[i] as string)) found.add(sorted[i] as string);
    const back = backwards(word);
    const reversed = this.#backwards;
    for (let [i, end] = startingWith(reversed, back.slice(0, word.length - half)); i < end; i++)
      if (oneTypoApart(back, reversed[i] as string)) found.add(backwards(reversed[i] as string));
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

/** The range [from, to) of `sorted` that starts with `prefix`. */
function startingWith(sorted: readonly string[], prefix: string): [number, number] {
  const firstAtOrAfter = (text: string) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as string) < text) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Every string that starts with the prefix sorts before the prefix followed by U+FFFF.
  return [firstAtOrAfter(prefix), firstAtOrAfter(`${prefix}\uffff`)];
}

export interface CustomerSearchOptions {
  /** Added or changed customers that may wait before the joined string is rebuilt. */
  minPending?: number;
  /** Read likely customers one by one only while they are less than this share of all. */
  likelyShare?: number;
  /** New words that may wait before they are sorted into the dictionary. */
  minPendingWords?: number;
  /**
   * Matches counted at most (or `limit`, if more): past them a search stops and says there are
   * more. A short or common query would otherwise read every customer to rank and count them.
   */
  countUpTo?: number;
  /** A gram is common, and left out of the signatures, past this many customers (and 1 in 16). */
  commonAfter?: number;
}

export interface SearchResult {
  ids: string[];
  /** How each of `ids` matched. */
  matches: MatchQuality[];
  /** Matches counted: all of them, unless `more`. */
  total: number;
  /** More customers match than were counted; `ids` are the best of those counted. */
  more: boolean;
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
  latin1: boolean;
  joined: string;
  starts: Int32Array;
  ordinals: Int32Array;
}
const NOTHING: SearchResult = { ids: [], matches: [], total: 0, more: false, didYouMean: null };

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
  // Customers by folded id, for the few ids that folding changes (others are found by #ordinals).
  readonly #byFoldedId = new Map<string, number[]>();
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
  readonly #signatures: GramSignatures;
  readonly #words: TermDictionary;
  readonly #minPending: number;
  readonly #likelyShare: number;
  readonly #countUpTo: number;

  /** The defaults suit 100k to 1M customers; tests choose other values to take every path. */
  constructor({
    minPending = 1024,
    likelyShare = 0.4,
    minPendingWords = 256,
    countUpTo = 1000,
    commonAfter = 512,
  }: CustomerSearchOptions = {}) {
    this.#signatures = new GramSignatures(commonAfter);
    this.#words = new TermDictionary(minPendingWords);
    this.#minPending = minPending;
    this.#likelyShare = likelyShare;
    this.#countUpTo = countUpTo;
  }

  /** Refreshes one customer's entry (after new CRM fields or a first event). */
  update(p: Profile): void {
    const hay = haystack(p);
    const ordinal = this.#ordinals.get(p.customerId);
    if (ordinal === undefined) {
      const ordinal = this.#ids.length;
      const foldedId = fold(p.customerId);
      this.#ordinals.set(p.customerId, ordinal);
      this.#ids.push(p.customerId);
      this.#foldedIds.push(foldedId);
      if (foldedId !== p.customerId) {
        const same = this.#byFoldedId.get(foldedId);
        if (same) same.push(ordinal);
        else this.#byFoldedId.set(foldedId, [ordinal]);
      }
      this.#hays.push(hay);
      this.#signatures.add(this.#ids.length - 1, hay);
    } else {
      const before = this.#hays[ordinal] as string;
      if (before === hay) return;
      this.#hays[ordinal] = hay;
      this.#signatures.reset(ordinal, before, hay);
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
    // At least one per rank is kept, for "did you mean". A negative limit counts everything.
    const cap = limit < 0 ? Number.POSITIVE_INFINITY : Math.max(1, limit);
    const bound = limit < 0 ? Number.POSITIVE_INFINITY : Math.max(cap, this.#countUpTo);
    const exact = new Ranked(EXACT_RANKS, cap, bound, this.#withFoldedId(terms));
    exact.pin();
    this.#exact(terms, exact);
    if (exact.total > 0 || terms.every((t) => t.typo === null)) {
      const top = exact.top(limit);
      return {
        ids: top.map(([o]) => this.#ids[o] as string),
        matches: top.map(([, rank]) => (['id', 'word', 'prefix', 'inside'] as const)[rank] as MatchQuality),
        total: exact.total,
        more: exact.more,
        didYouMean: null,
      };
    }
    const typoTerms = terms.map((t) => ({
      alts: t.alts,
      near: t.typo === null ? [] : this.#words.near(t.typo),
    }));
    // Without a known word one typo from a query word, only exact matches could be found: none.
    if (typoTerms.every((t) => t.near.length === 0)) return NOTHING;
    const typos = this.#withTypos(typoTerms, cap, bound);
    const top = typos.top(limit);
    const best = typos.top(1)[0];
    return {
      ids: top.map(([o]) => this.#ids[o] as string),
      matches: top.map(() => 'typo'),
      total: typos.total,
      more: typos.more,
      didYouMean: best === undefined ? null : this.#spelled(terms, typoTerms, this.#hays[best[0]] as string),
    };
  }

  /** The customers whose folded id is one of a one-word query's texts: exact-id matches. */
  #withFoldedId(terms: QueryTerm[]): Set<number> {
    const found = new Set<number>();
    if (terms.length !== 1) return found;
    for (const alt of (terms[0] as QueryTerm).alts) {
      const o = this.#ordinals.get(alt);
      if (o !== undefined && this.#foldedIds[o] === alt) found.add(o);
      for (const same of this.#byFoldedId.get(alt) ?? []) found.add(same);
    }
    return found;
  }

  /** Exact matches: the likely customers when few enough, or else the joined string. */
  #exact(terms: QueryTerm[], ranked: Ranked): void {
    const likely = this.#likely(
      terms.map((t) => t.alts),
      4,
    );
    if (!likely) {
      this.#scanJoined(terms, ranked);
      return;
    }
    const only =
      terms.length === 1 && (terms[0] as QueryTerm).alts.length === 1
        ? (terms[0] as QueryTerm).alts[0]
        : null;
    if (only === undefined || only === null)
      this.#eachIn(likely, (o) => this.#rankExact(ranked, terms, o), ranked);
    else {
      // One text (most queries): its first place in each haystack, read directly.
      const hays = this.#hays;
      this.#eachIn(
        likely,
        (o) => {
          const hay = hays[o] as string;
          const at = hay.indexOf(only);
          if (at === -1) return;
          ranked.add(o, at === 1 && this.#foldedIds[o] === only ? ID : placeAt(hay, at, only.length));
        },
        ranked,
      );
    }
  }

  /** Matches with typos, each word exact or one typo from one of the customer's words. */
  #withTypos(terms: TypoTerm[], cap: number, bound: number): Ranked {
    const ranked = new Ranked(terms.length, cap, bound);
    const rank = (o: number) => {
      const typos = typoCount(terms, this.#hays[o] as string);
      if (typos > 0) ranked.add(o, typos - 1);
    };
    // Many texts a term: three trigrams each (its start, middle and end) narrow enough.
    const likely = this.#likely(
      terms.map((t) => [...t.alts, ...t.near]),
      3,
    );
    if (likely) this.#eachIn(likely, rank, ranked);
    else for (let o = 0; o < this.#ids.length && !ranked.more; o++) rank(o);
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
   * Customers that may hold a match: for every term, those with the signature of one of its
   * texts (a term with a text the signatures cannot narrow narrows nothing), a bit each. Null when
   * they are too many to read one by one.
   */
  #likely(terms: string[][], grams: number): Int32Array | null {
    const size = this.#ids.length;
    const groups = (size + 31) >> 5;
    const narrowing = terms
      .map((texts) => fewestTexts(texts).map((t) => this.#signatures.codes(t, grams)))
      .filter((texts) => texts.every(({ codes }) => codes.length > 0));
    if (narrowing.length === 0) return null;
    // The term with the fewest texts first: most groups are ruled out before the others are read.
    narrowing.sort((a, b) => a.length - b.length);
    const { likely, count } = this.#signatures.likely(narrowing, groups);
    return count >= size * this.#likelyShare ? null : likely;
  }

  /** Calls `visit` for each customer set in `likely`, in order, until `into` has more. */
  #eachIn(likely: Int32Array, visit: (ordinal: number) => void, into: Ranked): void {
    const size = this.#ids.length;
    for (let g = 0; g < likely.length; g++) {
      for (let bits = likely[g] as number; bits !== 0; bits &= bits - 1) {
        const o = (g << 5) + 31 - Math.clz32(bits & -bits); // the lowest bit set
        if (o >= size || into.more) return;
        visit(o);
      }
    }
  }

  #rankExact(ranked: Ranked, terms: QueryTerm[], ordinal: number): void {
    const rank = exactRank(terms, this.#hays[ordinal] as string, this.#foldedIds[ordinal] as string);
    if (rank !== -1) ranked.add(ordinal, rank);
  }

  /**
   * The joined strings, then the customers added or changed since they were built. Every match
   * of the lead term is a customer to rank by all terms, until `ranked` has more than it counts.
   */
  #scanJoined(terms: QueryTerm[], ranked: Ranked): void {
    // The term with the longest shortest text finds the fewest customers to check.
    const lead = terms.reduce((a, b) =>
      Math.min(...b.alts.map((x) => x.length)) > Math.min(...a.alts.map((x) => x.length)) ? b : a,
    );
    const single = terms.length === 1 && lead.alts.length === 1;
    // With several texts for the lead term, a customer may be found by more than one of them.
    const seen = lead.alts.length > 1 ? new Uint8Array(this.#built) : null;
    for (const { latin1, joined, starts, ordinals } of this.#segments) {
      const part = ranked.part();
      for (const needle of lead.alts) {
        // V8 would look for it in every character of a one-byte string that cannot hold it.
        if (latin1 && !isLatin1(needle)) continue;
        let k = 0; // the haystack's place in this string
        for (let at = joined.indexOf(needle); at !== -1 && !part.more; ) {
          while ((starts[k + 1] as number) <= at) k += 1;
          const ordinal = ordinals[k] as number;
          if (this.#stale[ordinal] === 0) {
            if (single) {
              // The id is the first field: an exact id is matched right after the leading \u0001.
              const exactId = at - (starts[k] as number) === 1 && this.#foldedIds[ordinal] === needle;
              part.add(ordinal, exactId ? ID : placeAt(joined, at, needle.length));
            } else if (seen === null || seen[ordinal] === 0) {
              if (seen) seen[ordinal] = 1;
              this.#rankExact(part, terms, ordinal);
            }
          }
          // Only a customer's first match counts: go on from the next customer.
          at = joined.indexOf(needle, starts[k + 1]);
        }
      }
      ranked.absorb(part);
      if (ranked.more) return;
    }
    if (this.#changed.length === 0 && this.#built === this.#ids.length) return;
    if (!this.#changedSorted) {
      this.#changed.sort((a, b) => a - b);
      this.#changedSorted = true;
    }
    const fresh = ranked.part();
    for (const ordinal of this.#changed) if (!fresh.more) this.#rankExact(fresh, terms, ordinal);
    for (let o = this.#built; o < this.#ids.length && !fresh.more; o++) this.#rankExact(fresh, terms, o);
    ranked.absorb(fresh);
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
          latin1: ordinals === latin1,
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

/**
 * A term's texts without repeats, and without those that hold another of its texts: a customer
 * with the longer one has the shorter too. A typo term's words one typo away hold one another
 * ("bor", "bore", "borer"), as a phone number's texts without a country code do: each text left
 * out is rows of signatures a search does not read.
 */
function fewestTexts(texts: readonly string[]): string[] {
  const unique = [...new Set(texts)];
  return unique.filter((t) => !unique.some((u) => u !== t && t.includes(u)));
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
