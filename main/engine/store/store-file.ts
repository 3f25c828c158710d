import { createReadStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { GatheredWriter, openForWriting } from './safe-files.js';
import { StoreDamage } from './store-damage.js';

/**
 * The store file as a lowdb adapter. It is one JSON document, as before, laid out so it can be
 * written and read a profile at a time:
 *
 *   {"format":…,"sources":…,"quarantine":…,"profiles":[
 *   {profile},
 *   {profile}
 *   ]}
 *
 * lowdb's own file adapters write the document as one string, and V8 cannot make a string over
 * 512 MiB: a million-customer store is larger than that. Writing goes to a temporary file that
 * replaces the store by rename, so a crash leaves the previous checkpoint whole.
 */

export interface StoreImage {
  /** Every top-level field except `profiles`, as the text of one JSON object. */
  header: string;
  /** JSON-encoded profiles, one a string, a batch at a time (one await per profile cost seconds at 1M). */
  profiles: AsyncIterable<string[]>;
}

const PROFILES_OPEN = '"profiles":[';

/**
 * The header of a store's first line, `{…,"profiles":[` → `{…}` (the writer puts profiles last,
 * so the rest is the header); null for a line that does not open the profiles.
 */
export function headerOfFirstLine(line: string): string | null {
  if (!line.endsWith(PROFILES_OPEN)) return null;
  const rest = line.slice(0, -PROFILES_OPEN.length);
  return rest.endsWith(',') ? `${rest.slice(0, -1)}}` : `${rest}}`;
}
/**
 * Reads take this much of the file at a time, and its profiles are decoded before the next:
 * ~250 profiles, a few milliseconds, so a window loading while a large store is read gets its
 * files and messages between chunks (a megabyte held the event loop ~25 ms a time).
 */
const READ_CHUNK = 256 << 10;

/** `null` is "no store yet", as lowdb models an absent file. */
export class StoreFileAdapter implements Adapter<StoreImage | null> {
  constructor(readonly path: string) {}

  async read(): Promise<StoreImage | null> {
    const lines = readLines(this.path);
    const first = await lines.next();
    if (first.done) return null; // no file yet
    const [line, ...more] = first.value as [string, ...string[]];
    const header = headerOfFirstLine(line);
    if (header === null) return wholeDocument([line, ...more], lines);
    return { header, profiles: profileLines(more, lines) };
  }

  async write(image: StoreImage | null): Promise<void> {
    if (image === null) return;
    const head = image.header;
    if (!head.startsWith('{') || !head.endsWith('}'))
      throw new Error('the store header must be a JSON object');
    const temp = join(dirname(this.path), `.${basename(this.path)}.tmp`);
    const file = await openForWriting(temp, 'fresh');
    try {
      const out = new GatheredWriter(file);
      await out.add(`${head.slice(0, -1)}${head === '{}' ? '' : ','}${PROFILES_OPEN}\n`);
      let first = true;
      for await (const batch of image.profiles) {
        if (batch.length === 0) continue;
        if (!first) await out.add(',\n');
        await out.addAll(batch, ',\n');
        first = false;
      }
      await out.add('\n]}\n');
      await out.flush();
    } catch (error) {
      await file.close();
      await rm(temp, { force: true });
      throw error;
    }
    await file.close();
    await rename(temp, this.path);
  }
}

/** A store written as one line (before this layout, or by hand): read whole, as it always was. */
async function wholeDocument(first: string[], rest: AsyncGenerator<string[]>): Promise<StoreImage> {
  let text = first.join('\n');
  for await (const lines of rest) text += `\n${lines.join('\n')}`;
  const doc = JSON.parse(text) as Record<string, unknown>;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new StoreDamage('not a JSON object');
  const profiles = Array.isArray(doc.profiles) ? (doc.profiles as unknown[]) : [];
  delete doc.profiles;
  return {
    header: JSON.stringify(doc),
    profiles: (async function* () {
      yield profiles.map((p) => JSON.stringify(p));
    })(),
  };
}

async function* profileLines(first: string[], rest: AsyncGenerator<string[]>): AsyncGenerator<string[]> {
  let ended = false;
  const take = (lines: string[]): string[] => {
    const profiles: string[] = [];
    for (const line of lines) {
      if (ended) throw new StoreDamage('text after the end of the store');
      if (line === ']}') ended = true;
      else profiles.push(line.endsWith(',') ? line.slice(0, -1) : line);
    }
    return profiles;
  };
  yield take(first);
  for await (const lines of rest) yield take(lines);
  if (!ended) throw new StoreDamage('the store file ends before its last profile (truncated)');
}

/**
 * Lines of a file, a chunk's worth at a time, without their line breaks, each with the file offset
 * just past its line break (`-1` for a last line the file ends without one: a write cut short
 * leaves that). Nothing for a missing file.
 */
export interface LineChunk {
  lines: string[];
  ends: number[];
}

export async function* readLineChunks(path: string): AsyncGenerator<LineChunk> {
  let carry: Buffer | null = null;
  let offset = 0; // of the chunk's first byte, carry included
  try {
    for await (const read of createReadStream(path, { highWaterMark: READ_CHUNK })) {
      const chunk: Buffer = carry ? Buffer.concat([carry, read as Buffer]) : (read as Buffer);
      const lines: string[] = [];
      const ends: number[] = [];
      let start = 0;
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
        // Fresh strings: a slice of the chunk would pin a megabyte behind each profile's ids.
        if (nl > start) {
          lines.push(chunk.toString('utf8', start, nl));
          ends.push(offset + nl + 1);
        }
        start = nl + 1;
      }
      carry = start < chunk.length ? chunk.subarray(start) : null;
      offset += start;
      if (lines.length > 0) yield { lines, ends };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (carry && carry.length > 0) yield { lines: [carry.toString('utf8')], ends: [-1] };
}

/** Non-empty lines of a file, without their line breaks, a chunk's worth at a time; none for a missing file. */
async function* readLines(path: string): AsyncGenerator<string[]> {
  for await (const { lines } of readLineChunks(path)) yield lines;
}
