import { own } from '../../../shared/dict.js';
import type { Profile } from '../profile/profile.js';

/**
 * Search as you type over customers by id, name, email, phone or zip. Each customer has one
 * lower-case haystack: its fields, each after a \u0001. Ranking: exact id, then id or a field
 * starting with the query, then anywhere; within each, customers in the order they first came.
 * A customer is ranked by the first place the query occurs in its haystack.
 *
 * Scanning 100k small strings costs an indexOf call per customer, about 10 ms a query. Two
 * structures avoid that:
 * - a query of three characters or more first asks which blocks of customers hold all its
 *   trigrams (TrigramBlocks) and reads only those customers: most queries (a name, a phone
 *   number, an email) leave a few hundred;
 * - a shorter or a common one (`a`, `gmail`) scans one string of all haystacks joined, with a
 *   native indexOf per matching customer; an offsets table maps a match back to its customer.
 *   Customers added or changed since it was built are scanned one by one, and the string is
 *   rebuilt once they are an eighth of all: updates stay cheap, queries never rebuild.
 */

const FIELD = 1; // \u0001, before every field: a match right after it starts a field
const SPACE = 32;

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
  ];
  return `\u0001${fields
    .filter((f) => f !== undefined && f !== null && f !== '')
    .join('\u0001')
    .toLowerCase()}`;
}

/** Matches in rank order, keeping at most `cap` per rank (the rest are only counted). */
class Hits {
  exact: number[] = [];
  prefix: number[] = [];
  anywhere: number[] = [];
  total = 0;
  readonly #separated: boolean;

  constructor(
    readonly needle: string,
    readonly cap: number,
  ) {
    this.#separated = needle.includes('\u0001');
  }

  /** `at`: where the customer's first match starts in its haystack; `before`: the character before. */
  add(ordinal: number, lowerId: string, at: number, before: number): void {
    this.total += 1;
    // The id is the first field, so an exact id's first match is right after the leading \u0001
    // (unless the needle holds a \u0001): checking that first spares a string comparison per match.
    const exact = (at === 1 || this.#separated) && lowerId === this.needle;
    const list = exact ? this.exact : before === FIELD || before === SPACE ? this.prefix : this.anywhere;
    if (list.length < this.cap) list.push(ordinal);
  }

  /** Both scanned disjoint customers; each rank is kept in ordinal order. */
  static merge(a: Hits, b: Hits): Hits {
    const inOrder = (x: number[], y: number[]) => x.concat(y).sort((i, j) => i - j);
    const merged = new Hits(a.needle, a.cap);
    merged.exact = inOrder(a.exact, b.exact);
    merged.prefix = inOrder(a.prefix, b.prefix);
    merged.anywhere = inOrder(a.anywhere, b.anywhere);
    merged.total = a.total + b.total;
    return merged;
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
 * Which blocks of customers have which trigrams: a block without all of a query's trigrams cannot
 * hold a match; one with all of them may (trigrams share buckets), so its customers are read.
 * Per group of 32 blocks, one 32-bit word per bucket, a bit per block; a group's words are
 * together, so one customer's trigrams land in 16 KB. About 6 MB for 100k customers.
 */
class TrigramBlocks {
  #bits = new Int32Array(BUCKETS);
  #found = new Int32Array(1);

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
   * Blocks that may hold `needle` (3 characters or more): a bit per block in `found`, a word per
   * group, and how many. Up to 8 trigrams spread over the needle narrow it enough. The bits
   * are written into one array kept for every query.
   */
  find(needle: string, blocks: number): { found: Int32Array; groups: number; count: number } {
    const last = needle.length - 3;
    const taken = Math.min(last + 1, 8);
    const buckets = Array.from({ length: taken }, (_, j) =>
      bucket(needle, Math.round((j * last) / (taken - 1 || 1))),
    );
    const groups = (blocks + 31) >> 5;
    if (this.#found.length < groups) this.#found = new Int32Array(this.#bits.length >> BUCKET_SHIFT);
    const found = this.#found;
    let count = 0;
    for (let g = 0; g < groups; g++) {
      let bits = -1;
      for (const b of buckets) bits &= this.#bits[(g << BUCKET_SHIFT) + b] as number;
      found[g] = bits;
      count += bitCount(bits);
    }
    return { found, groups, count };
  }
}

export interface CustomerSearchOptions {
  /** Added or changed customers that may wait before the joined string is rebuilt. */
  minPending?: number;
  /** Read likely blocks one by one only while they hold less than this share of customers. */
  blockShare?: number;
}

export class CustomerSearch {
  // Per customer, by ordinal: the order customers first came, which is the order within a rank.
  readonly #ordinals = new Map<string, number>();
  readonly #ids: string[] = [];
  readonly #lowerIds: string[] = [];
  readonly #hays: string[] = [];
  // The haystacks of ordinals below #built, joined; haystack i starts at #starts[i].
  #joined = '';
  #starts = new Int32Array(1);
  #built = 0;
  // Ordinals below #built whose haystack changed since: their part of #joined is skipped.
  #stale = new Uint8Array(0);
  #changed: number[] = [];
  #changedSorted = true;
  readonly #trigrams = new TrigramBlocks();
  readonly #minPending: number;
  readonly #blockShare: number;

  /** The defaults suit 100k customers; tests choose other values to take every path. */
  constructor({ minPending = 1024, blockShare = 0.4 }: CustomerSearchOptions = {}) {
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
      this.#lowerIds.push(p.customerId.toLowerCase());
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
    const unjoined = this.#changed.length + this.#ids.length - this.#built;
    if (unjoined > Math.max(this.#minPending, this.#ids.length >> 3)) this.#join();
  }

  has(customerId: string): boolean {
    return this.#ordinals.has(customerId);
  }

  get size(): number {
    return this.#ids.length;
  }

  /** Ids of matching customers, best first, and how many matched in all. */
  search(query: string, limit: number): { ids: string[]; total: number } {
    const q = query.trim().toLowerCase();
    if (q === '') return { ids: [], total: 0 };
    const digits = q.replace(/[\s()+-]/g, '');
    const needle = /^\d+$/.test(digits) && digits !== q ? digits : q;
    const cap = limit < 0 ? Number.POSITIVE_INFINITY : limit;
    const hits =
      (needle.length >= 3 && this.#scanLikelyBlocks(needle, cap)) ||
      // A needle with a \u0001 could match from one customer into the next in the joined string.
      (needle.includes('\u0001') ? this.#scanOneByOne(needle, cap) : this.#scanJoined(needle, cap));
    const ordinals = [...hits.exact, ...hits.prefix, ...hits.anywhere].slice(0, limit);
    return { ids: ordinals.map((o) => this.#ids[o] as string), total: hits.total };
  }

  /** Reads the customers of the blocks that have all the needle's trigrams, unless too many do. */
  #scanLikelyBlocks(needle: string, cap: number): Hits | null {
    const size = this.#ids.length;
    const { found, groups, count } = this.#trigrams.find(needle, (size + BLOCK - 1) >> BLOCK_SHIFT);
    if (count * BLOCK >= size * this.#blockShare) return null;
    const hits = new Hits(needle, cap);
    for (let g = 0; g < groups; g++) {
      for (let bits = found[g] as number; bits !== 0; bits &= bits - 1) {
        const block = (g << 5) + 31 - Math.clz32(bits & -bits); // the lowest bit set
        this.#scanRange(hits, block << BLOCK_SHIFT, Math.min((block + 1) << BLOCK_SHIFT, size));
      }
    }
    return hits;
  }

  #scanOneByOne(needle: string, cap: number): Hits {
    const hits = new Hits(needle, cap);
    this.#scanRange(hits, 0, this.#ids.length);
    return hits;
  }

  /** The joined string, then the customers added or changed since it was built. */
  #scanJoined(needle: string, cap: number): Hits {
    const hits = new Hits(needle, cap);
    const joined = this.#joined;
    const starts = this.#starts;
    let ordinal = 0;
    for (let at = joined.indexOf(needle); at !== -1; ) {
      while ((starts[ordinal + 1] as number) <= at) ordinal += 1;
      const start = starts[ordinal] as number;
      if (this.#stale[ordinal] === 0)
        hits.add(ordinal, this.#lowerIds[ordinal] as string, at - start, joined.charCodeAt(at - 1));
      // Only a customer's first match counts: go on from the next customer.
      at = joined.indexOf(needle, starts[ordinal + 1]);
    }
    if (this.#changed.length === 0 && this.#built === this.#ids.length) return hits;
    if (!this.#changedSorted) {
      this.#changed.sort((a, b) => a - b);
      this.#changedSorted = true;
    }
    const fresh = new Hits(needle, cap);
    for (const ordinal of this.#changed) this.#scanRange(fresh, ordinal, ordinal + 1);
    this.#scanRange(fresh, this.#built, this.#ids.length);
    return Hits.merge(hits, fresh);
  }

  #scanRange(hits: Hits, from: number, to: number): void {
    for (let ordinal = from; ordinal < to; ordinal++) {
      const hay = this.#hays[ordinal] as string;
      const at = hay.indexOf(hits.needle);
      if (at !== -1) hits.add(ordinal, this.#lowerIds[ordinal] as string, at, hay.charCodeAt(at - 1));
    }
  }

  #join(): void {
    const count = this.#hays.length;
    const starts = new Int32Array(count + 1);
    for (let i = 0; i < count; i++) starts[i + 1] = (starts[i] as number) + (this.#hays[i] as string).length;
    this.#joined = this.#hays.join('');
    this.#starts = starts;
    this.#built = count;
    this.#stale = new Uint8Array(count);
    this.#changed = [];
    this.#changedSorted = true;
  }
}
