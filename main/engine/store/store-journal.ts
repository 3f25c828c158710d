import { open } from 'node:fs/promises';
import { z } from 'zod';
import { isCleanId } from '../decode/record-ids.js';
import { GatheredWriter, openForWriting } from './safe-files.js';
import { StoreDamage } from './store-damage.js';
import { readLineChunks } from './store-file.js';

/**
 * The changes since the store's last whole write: `store.changes`, beside `store.json`. Rewriting a
 * million profiles took 12 s a checkpoint even when a few thousand had changed; a checkpoint that
 * changed few appends only those here. Each checkpoint is one entry: the lines of the profiles it
 * changed, as `store.json` holds them, then one line that closes it:
 *
 *   {"id":"c1",…}
 *   {"id":"c7",…}
 *   {"base":"9f…","profiles":2,"removed":["c3"],"checkpoint":{…the header, as store.json's first line…}}
 *
 * The header in a closing line holds of the quarantine's recent records only those quarantined
 * since the entry before (store-codec.ts, QuarantineSince); the reader puts the list back.
 *
 * An entry counts once its closing line is whole on disk, so a crash while appending leaves the
 * previous checkpoint as it was: the lines after the last closing line are ignored, and cut off
 * before the next append. `base` names the whole write the entries build on: a crash between
 * writing a new `store.json` and deleting this file leaves entries for the old one, which no
 * longer match and are ignored.
 */

export const JOURNAL_FILE = 'store.changes';

/** Every closing line starts so; a profile line starts `{"id":`. */
const CLOSE_START = '{"base":';

/** A new whole write's name, for the entries that build on it. */
export function newGeneration(): string {
  return crypto.getRandomValues(new Uint32Array(2)).reduce((s, n) => s + n.toString(16).padStart(8, '0'), '');
}

export const generationShape = z.string().regex(/^[0-9a-f]{16}$/);

const closeShape = z
  .object({
    base: generationShape,
    profiles: z.number().int().nonnegative(),
    removed: z.array(z.string().refine(isCleanId, 'not a customer id')),
    checkpoint: z.record(z.string(), z.unknown()),
  })
  .strict();

export type JournalClose = z.infer<typeof closeShape>;

function parseClose(line: string): JournalClose {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new StoreDamage('a checkpoint in store.changes is not JSON');
  }
  const close = closeShape.safeParse(value);
  if (!close.success) {
    const issue = close.error.issues[0];
    throw new StoreDamage(
      `a checkpoint in store.changes is unreadable (${issue?.path.join('.') || 'root'}: ${issue?.message})`,
    );
  }
  return close.data;
}

/** What reading the file meets: profile lines of an entry, or the line that closes it. */
export type JournalPart =
  | { lines: string[]; close?: undefined }
  | { lines?: undefined; close: JournalClose; end: number };

/**
 * The file's entries in order, as parts. The reader applies an entry's profiles only at its close:
 * lines after the last close are a write cut short, and end without one. Every line is written
 * whole with its line break, so only a last line without one can be cut short; it is left out.
 */
export async function* readJournal(path: string): AsyncGenerator<JournalPart> {
  let lines: string[] = [];
  for await (const chunk of readLineChunks(path)) {
    for (let i = 0; i < chunk.lines.length; i++) {
      const line = chunk.lines[i] as string;
      const end = chunk.ends[i] as number;
      if (end === -1) break; // the file's last line, its write cut short
      if (!line.startsWith(CLOSE_START)) {
        lines.push(line);
        continue;
      }
      const close = parseClose(line);
      if (lines.length > 0) yield { lines };
      lines = [];
      yield { close, end };
    }
    if (lines.length >= 256) {
      yield { lines };
      lines = [];
    }
  }
  if (lines.length > 0) yield { lines };
}

/**
 * Appends one entry at `at` (the end of the last whole entry: anything after it is a write cut
 * short and is cut off first). Returns the bytes the entry took. Throws if the file is shorter
 * than `at` (something else cut it: the entries it held are gone, and the caller must write the
 * store whole).
 */
export async function appendEntry(
  path: string,
  at: number,
  entry: { base: string; header: string; profiles: AsyncIterable<string[]>; removed: readonly string[] },
): Promise<number> {
  const file = await openForWriting(path, 'existing');
  try {
    const { size } = await file.stat();
    if (size < at) throw new Error(`store.changes holds ${size} bytes, its checkpoints ${at}`);
    if (size > at) await file.truncate(at);
    const out = new GatheredWriter(file, at);
    let count = 0;
    for await (const lines of entry.profiles) {
      if (lines.length === 0) continue;
      count += lines.length;
      await out.addAll(lines, '\n');
      await out.add('\n');
    }
    await out.add(
      `${CLOSE_START}${JSON.stringify(entry.base)},"profiles":${count},"removed":${JSON.stringify(entry.removed)},"checkpoint":${entry.header}}\n`,
    );
    return await out.flush();
  } finally {
    await file.close();
  }
}

/**
 * The last entry's close, read from the end of the file without reading the rest: what a window
 * shows first. Null when there is none, or the file does not end with a whole close line (a write
 * cut short: the full read sorts it out).
 */
export async function lastClose(path: string, limit: number): Promise<JournalClose | null> {
  let file: Awaited<ReturnType<typeof open>> | null = null;
  try {
    file = await open(path, 'r');
    const { size } = await file.stat();
    if (size === 0) return null;
    let tail = Buffer.alloc(0);
    for (let from = size; from > 0 && tail.length <= limit; ) {
      const length = Math.min(1 << 20, from);
      from -= length;
      const { buffer } = await file.read({ buffer: Buffer.alloc(length), position: from });
      tail = Buffer.concat([buffer, tail]);
      if (tail[tail.length - 1] !== 10) return null;
      const nl = tail.lastIndexOf(10, tail.length - 2);
      if (nl !== -1 || from === 0) {
        const line = tail.toString('utf8', nl + 1, tail.length - 1);
        return line.startsWith(CLOSE_START) ? parseClose(line) : null;
      }
    }
    return null;
  } catch {
    return null;
  } finally {
    await file?.close();
  }
}
