import type { ListenEvent } from '../../../../shared/events.js';
import { decodeTracksCsvLine } from '../../decode/tracks-csv.js';
import { type ListenFields, listenFields, scanListenLine } from '../../decode/tracks-csv-bytes.js';
import { emptyProfile, type Profile, type SeenAt } from '../../profile/profile.js';
import { noteListenTime } from '../../profile/profile-aggregator.js';
import { TrackIds } from '../../profile/track-ids.js';
import { decodeProfile, encodeProfile, type StoredProfile } from '../../store/store-codec.js';
import type { LentLines } from '../../store/store-snapshot.js';
import { ByteTable, hashBytes } from './byte-table.js';
import { EVERY_PARTITION, type LineIndex } from './line-index.js';
import { ListenRows } from './listen-rows.js';
import { partitionOfId } from './partition-of.js';
import { TimelineChunks } from './timeline-chunks.js';
import { TrackSets } from './track-set.js';

/**
 * One partition of the customers (those whose id hashes to it) during a partitioned batch ingest
 * of tracks CSV files: its profiles, and the work of a batch for them. Each worker thread holds
 * one; every partition is handed every line of a batch, with an index that says which partition
 * reads each (line-index.ts), and reads only its own customers' lines (and those every partition
 * reads), so no profile is ever split across threads and nothing is merged. Plain code, no thread: the tests run several in one thread to check that any split
 * gives what one thread gives.
 */

/**
 * A line of a batch that is not a listen, reported by the one partition that read it (partition 0
 * for a line every partition reads), so it is quarantined once.
 */
export interface RejectedLine {
  line: number;
  reason: string;
  raw: string;
}

/** What a partition made of one batch, besides its profiles. */
export interface PartitionDigest {
  /** Listens counted (this partition's customers only). */
  listens: number;
  rejected: RejectedLine[];
  /** The batch's timeline for this partition's customers: id, items, the chunk as LMDB stores it. */
  timeline: Array<[customerId: string, items: number, chunk: Uint8Array]>;
}

/**
 * Per listen, by the line's place in the batch, for the windows (which count events in file order,
 * so the main thread reads them back in order): the instant, and 1 + day×hour cell × 2 + mobile
 * (0: not a listen). The engine clears them before each batch; each partition writes only its own
 * lines' cells, so the partitions never write the same cell.
 */
export interface WindowLanes {
  times: Float64Array;
  codes: Uint16Array;
}

/** First and last seen (and latest zip) of one customer within a batch, settled at its end. */
interface SeenInBatch {
  /** The batch these are of (a customer's entry is reset at its first listen of a batch). */
  batch: number;
  firstMs: number;
  /** The instant's text, or null: it is at byte `firstAt` of the batch. */
  firstText: string | null;
  firstAt: number;
  lastMs: number;
  lastText: string | null;
  lastAt: number;
  zipMs: number;
  zipText: string | null;
  zipAt: number;
  zip: string | null;
}

const TS_LENGTH_MAX = 20;

export class TracksPartition {
  /** Customers by number (the ByteTable's); their profiles' `tracks` stay empty, see #trackSets. */
  readonly #customers = new ByteTable();
  readonly #profiles: Profile[] = [];
  readonly #trackSets = new TrackSets();
  readonly #tracks = new ByteTable();
  readonly #zips = new ByteTable();
  /** Each customer's store line as last encoded; customers changed since are in #dirty. */
  readonly #lines: string[] = [];
  readonly #dirty = new Set<number>();
  /** Per customer: the JSON of its first #tracksDone[n] tracks (without brackets). */
  readonly #tracksJson: string[] = [];
  readonly #tracksDone: number[] = [];
  /** Per track number: its id as JSON, once asked for (see #trackJson). */
  readonly #trackJsons: string[] = [];
  /** This batch: customers touched (in order), their listens' instants and timeline items. */
  readonly #touched: number[] = [];
  readonly #seen: Array<SeenInBatch | undefined> = [];
  readonly #rows = new ListenRows();
  readonly #timeline = new TimelineChunks();
  #batch = 0;
  readonly #fields: ListenFields = listenFields();

  constructor(
    readonly index: number,
    readonly count: number,
  ) {}

  /** Takes over profiles (from the store) as the store holds them; checked as on reading the store. */
  load(stored: readonly StoredProfile[]): void {
    for (const s of stored) {
      const p = decodeProfile(s);
      const before = this.#customers.size;
      const n = this.#customers.numberOf(p.customerId);
      if (n !== before) throw new Error(`customer ${p.customerId} handed over twice`);
      this.#added(n);
      this.#profiles[n] = p;
      this.#rows.from(n, p);
      for (const t of p.tracks) this.#trackSets.add(n, this.#tracks.numberOf(t));
      p.tracks = new TrackIds();
      this.#dirty.add(n);
    }
  }

  /** A customer's number, the profile made (empty) when new. */
  #customerNumber(customerId: string): number {
    const before = this.#customers.size;
    const n = this.#customers.numberOf(customerId);
    if (n === before) this.#added(n);
    return n;
  }

  #added(n: number): void {
    this.#profiles.push(emptyProfile(this.#customers.strings[n] as string));
    this.#lines.push('');
    this.#seen.push(undefined);
    this.#rows.ensure(n);
  }

  /**
   * Counts this partition's listens among the `lines` lines of `buf` that `index` finds (see
   * line-index.ts), the first of them line `firstLine` of its file: those it owns, and those every
   * partition reads.
   */
  ingest(
    buf: Uint8Array,
    index: LineIndex,
    lines: number,
    firstLine: number,
    lanes: WindowLanes,
  ): PartitionDigest {
    const digest: PartitionDigest = { listens: 0, rejected: [], timeline: [] };
    const f = this.#fields;
    const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    const customers = this.#customers;
    const { starts, owners, hashes } = index;
    const me = this.index;
    for (let slot = 0; slot < lines; slot++) {
      const owner = owners[slot] as number;
      if (owner !== me && owner !== EVERY_PARTITION) continue;
      const line = firstLine + slot;
      const lineStart = starts[slot] as number;
      let lineEnd = starts[slot + 1] as number;
      if (lineEnd > lineStart && buf[lineEnd - 1] === 10) lineEnd -= 1;
      if (lineEnd > lineStart && buf[lineEnd - 1] === 13) lineEnd -= 1;
      if (owner === me && scanListenLine(buf, lineStart, lineEnd, f)) {
        const before = customers.size;
        // The customer field is the one the reading thread hashed (the same first two commas).
        const n = customers.intern(buf, f.customerStart, f.customerEnd, hashes[slot] as number);
        if (n === before) this.#added(n);
        const track = this.#tracks.intern(
          buf,
          f.trackStart,
          f.trackEnd,
          hashBytes(buf, f.trackStart, f.trackEnd),
        );
        const zip =
          f.zipEnd > f.zipStart
            ? this.#zips.intern(buf, f.zipStart, f.zipEnd, hashBytes(buf, f.zipStart, f.zipEnd))
            : -1;
        this.#listen(n, track, f.epochMs, f.hour, f.dayOfWeek, f.mobile, zip, null, f.tsStart);
        this.#lane(lanes, slot, f.epochMs, f.hour, f.dayOfWeek, f.mobile);
        digest.listens += 1;
      } else {
        const reports = owner === me || this.index === 0;
        const event = this.#slowLine(text, lineStart, lineEnd, line, reports, digest);
        if (event) {
          const at = event.at;
          this.#listen(
            this.#customerNumber(event.customerId),
            this.#tracks.numberOf(event.trackId),
            at.epochMs,
            at.hour,
            at.dayOfWeek,
            event.mobile,
            event.zip === null ? -1 : this.#zips.numberOf(event.zip),
            at.text,
            -1,
          );
          this.#lane(lanes, slot, at.epochMs, at.hour, at.dayOfWeek, event.mobile);
          digest.listens += 1;
        }
      }
    }
    for (const n of this.#touched) {
      this.#settle(n, text);
      this.#dirty.add(n);
    }
    // Packed here, off the main thread, in the form lmdb-js stores.
    digest.timeline = this.#timeline.finish(this.#touched, customers, this.#tracks, this.#zips);
    this.#touched.length = 0;
    this.#batch += 1;
    return digest;
  }

  /**
   * A line the byte reader was not sure of, decoded as text exactly as the one-thread reader does.
   * The listen, when it is one of this partition's; else null. `reports`: this partition
   * quarantines the line if it is not a listen (its reader, or partition 0 for a line all read).
   */
  #slowLine(
    text: Buffer,
    start: number,
    end: number,
    line: number,
    reports: boolean,
    digest: PartitionDigest,
  ): ListenEvent | null {
    const raw = text.toString('utf8', start, end);
    if (raw.trim() === '') return null;
    const result = decodeTracksCsvLine(line === 1 ? raw.replace(/^\uFEFF/, '') : raw);
    if (!result.ok) {
      if (reports) digest.rejected.push({ line, reason: result.reason, raw });
      return null;
    }
    const event = result.event as ListenEvent;
    return partitionOfId(event.customerId, this.count) === this.index ? event : null;
  }

  #lane(
    lanes: WindowLanes,
    slot: number,
    epochMs: number,
    hour: number,
    dayOfWeek: number,
    mobile: boolean,
  ): void {
    lanes.times[slot] = epochMs;
    lanes.codes[slot] = 1 + (dayOfWeek * 24 + hour) * 2 + (mobile ? 1 : 0);
  }

  /**
   * One listen of customer `n`. Its instant is noted for the batch's end, by the same rules as
   * noteListenTime (earliest, first of equals; latest, last of equals; latest with a zip), so the
   * text of an instant is made once per customer and batch rather than once per line. `text`
   * null: it is at byte `at` of the batch.
   */
  #listen(
    n: number,
    track: number,
    ms: number,
    hour: number,
    dayOfWeek: number,
    mobile: boolean,
    zip: number,
    text: string | null,
    at: number,
  ): void {
    this.#rows.add(n, ms, hour, dayOfWeek, mobile);
    this.#trackSets.add(n, track);
    this.#timeline.add(n, ms, track, mobile, zip);
    let seen = this.#seen[n];
    if (!seen) seen = this.#seen[n] = emptySeen();
    if (seen.batch !== this.#batch) {
      resetSeen(seen, this.#batch);
      this.#touched.push(n);
    }
    if (!(ms >= seen.firstMs)) {
      seen.firstMs = ms;
      seen.firstText = text;
      seen.firstAt = at;
    }
    if (!(ms < seen.lastMs)) {
      seen.lastMs = ms;
      seen.lastText = text;
      seen.lastAt = at;
    }
    if (zip !== -1 && !(ms < seen.zipMs)) {
      seen.zipMs = ms;
      seen.zipText = text;
      seen.zipAt = at;
      seen.zip = this.#zips.strings[zip] as string;
    }
  }

  /**
   * The batch's earliest and latest listens meet the profile's, through noteListenTime's own rules,
   * as if the batch had been applied one by one: its first listen (the earliest, first of equals),
   * then its latest with a zip, then its latest (the last of equals), so each one that came later
   * wins a tie and none moves a time it did not reach.
   */
  #settle(n: number, text: Buffer): void {
    const p = this.#profiles[n] as Profile;
    const s = this.#seen[n] as SeenInBatch;
    const seenAt = (ms: number, t: string | null, at: number): SeenAt => ({
      text: t ?? text.toString('latin1', at, timeEnd(text, at)),
      epochMs: ms,
    });
    noteListenTime(p, seenAt(s.firstMs, s.firstText, s.firstAt), null);
    if (s.zip !== null) noteListenTime(p, seenAt(s.zipMs, s.zipText, s.zipAt), s.zip);
    noteListenTime(p, seenAt(s.lastMs, s.lastText, s.lastAt), null);
  }

  /**
   * Customer `n`'s store line. Its distinct tracks are most of it and only ever grow (in the order
   * first heard), so their JSON is kept and extended: a checkpoint encodes the tracks new since the
   * last one, not a profile's whole history again.
   */
  #line(n: number): string {
    const p = this.#profiles[n] as Profile;
    // A profile from the Streams app holds only its count of distinct tracks (see addListen).
    const numbers = p.uniqueTracks === null ? this.#trackSets.numbers(n) : [];
    let tracks = this.#tracksJson[n] ?? '';
    const done = this.#tracksDone[n] ?? 0;
    if (done < numbers.length) {
      const fresh: string[] = [];
      for (let i = done; i < numbers.length; i++) fresh.push(this.#trackJson(numbers[i] as number));
      tracks = done === 0 ? fresh.join(',') : `${tracks},${fresh.join(',')}`;
      this.#tracksJson[n] = tracks;
      this.#tracksDone[n] = numbers.length;
    }
    // The profile's own `tracks` is empty here, so the line has `"tracks":[]` once, right after the
    // id and listens (an id's JSON cannot hold an unescaped quote, so nothing before it matches).
    const line = JSON.stringify(encodeProfile(p, this.#rows.stored(n)));
    const at = line.indexOf(EMPTY_TRACKS) + EMPTY_TRACKS.length - 1;
    return `${line.slice(0, at)}${tracks}${line.slice(at)}`;
  }

  /** Track number `t`'s id as JSON, made once: a track is in the lines of many customers. */
  #trackJson(t: number): string {
    let json = this.#trackJsons[t];
    if (json === undefined) json = this.#trackJsons[t] = JSON.stringify(this.#tracks.strings[t]);
    return json;
  }

  /** Every profile's store line; only those changed since the last call are encoded again. */
  encodedLines(): LentLines {
    for (const n of this.#dirty) this.#lines[n] = this.#line(n);
    this.#dirty.clear();
    const blocks: string[] = [];
    for (let from = 0; from < this.#lines.length; ) {
      let to = from;
      let size = 0;
      while (to < this.#lines.length && size < BLOCK_CHARS) size += (this.#lines[to++] as string).length + 2;
      blocks.push(this.#lines.slice(from, to).join(',\n'));
      from = to;
    }
    return { blocks, profiles: this.#lines.length };
  }

  /**
   * Every profile, to hand back to the engine at the end of a run (structured-cloned), with their
   * distinct tracks apart: this thread's track numbers, every profile's one after another, and the
   * id of each number once. Lists of ids took the engine a map lookup per customer and track to
   * number them again (2 of the 5 s a 100,000-customer file's end took); now it numbers each
   * distinct track once.
   */
  profiles(): PartitionProfiles {
    let total = 0;
    for (let n = 0; n < this.#profiles.length; n++) total += this.#trackSets.size(n);
    const tracks = new Int32Array(total);
    const ends = new Uint32Array(this.#profiles.length);
    let at = 0;
    const profiles = this.#profiles.map((p, n) => {
      this.#rows.into(n, p);
      // A profile from the Streams app holds only its count of distinct tracks (see addListen).
      if (p.uniqueTracks === null) {
        const numbers = this.#trackSets.numbers(n);
        tracks.set(numbers, at);
        at += numbers.length;
      }
      ends[n] = at;
      const { tracks: _own, ...rest } = p;
      return rest;
    });
    return { profiles, trackIds: this.#tracks.strings, tracks: tracks.subarray(0, at), ends };
  }
}

/**
 * Profiles as a partition hands them back: profile `n`'s distinct tracks are
 * `trackIds[tracks[i]]` for i in [ends[n - 1] ?? 0, ends[n]), in the order first heard.
 */
export interface PartitionProfiles {
  profiles: Array<Omit<Profile, 'tracks'>>;
  trackIds: readonly string[];
  tracks: Int32Array;
  ends: Uint32Array;
}

const EMPTY_TRACKS = '"tracks":[]';
/** Store lines are handed over joined in blocks of about this many characters (a string has a limit). */
const BLOCK_CHARS = 32 << 20;

function emptySeen(): SeenInBatch {
  return {
    batch: -1,
    firstMs: Number.NaN,
    firstText: null,
    firstAt: -1,
    lastMs: Number.NaN,
    lastText: null,
    lastAt: -1,
    zipMs: Number.NaN,
    zipText: null,
    zipAt: -1,
    zip: null,
  };
}

function resetSeen(s: SeenInBatch, batch: number): void {
  s.batch = batch;
  s.firstMs = s.lastMs = s.zipMs = Number.NaN;
  s.firstText = s.lastText = s.zipText = s.zip = null;
}

/** Where a plain timestamp that starts at `at` ends (19 characters, or 20 with a `Z`). */
function timeEnd(text: Buffer, at: number): number {
  return text[at + TS_LENGTH_MAX - 1] === 90 ? at + TS_LENGTH_MAX : at + TS_LENGTH_MAX - 1;
}
