import { constants } from 'node:fs';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';

/**
 * Writing the files beside a store (the store, its changes, the quarantine): they hold the
 * customer base, so they are the owner's alone, are never written through a link or into
 * anything but a file of their own that someone planted in the folder, and a write is all of its
 * bytes or a failure.
 */

// Not on Windows, which has no O_NOFOLLOW (and where a link needs privileges to make).
const NO_LINK = constants.O_NOFOLLOW ?? 0;
// A FIFO planted in the folder would block the open forever.
const NO_WAIT = constants.O_NONBLOCK ?? 0;

/**
 * `fresh`: a new file in place of whatever is at `path` (a link goes, not what it points to);
 * `existing`: the file at `path`, created if missing, which must be a plain file no other name
 * leads to. Opened to write at given positions (not O_APPEND: Windows then refuses to truncate).
 */
export async function openForWriting(path: string, mode: 'fresh' | 'existing'): Promise<FileHandle> {
  if (mode === 'fresh') {
    await rm(path, { force: true });
    return open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_LINK, 0o600);
  }
  const file = await open(path, constants.O_WRONLY | constants.O_CREAT | NO_LINK | NO_WAIT, 0o600);
  const stats = await file.stat();
  if (!stats.isFile() || stats.nlink !== 1) {
    await file.close();
    throw new Error(`${path} is not a file of its own (a link or a device); move it away`);
  }
  return file;
}

/**
 * Writes all of `text` at `position` (or where the file is), or throws: one write may take only
 * part of it (a disk nearly full), and a checkpoint counted as saved with its end missing would be
 * trusted after a restart. Returns the bytes written.
 */
export async function writeAll(
  file: FileHandle,
  text: string,
  position: number | null = null,
): Promise<number> {
  return writeBytes(file, Buffer.from(text), position);
}

/** writeAll for bytes: all of `bytes` (or a failure). */
async function writeBytes(file: FileHandle, bytes: Uint8Array, position: number | null): Promise<number> {
  for (let at = 0; at < bytes.length; ) {
    const { bytesWritten } = await file.write(
      bytes,
      at,
      bytes.length - at,
      position === null ? null : position + at,
    );
    if (bytesWritten <= 0) throw new Error('the disk took none of a store write (is it full?)');
    at += bytesWritten;
  }
  return bytes.length;
}

/** Writes are gathered to about this size, so a million profiles are not a million writes. */
const WRITE_CHUNK = 1 << 20;

/**
 * Text gathered into writes of about a megabyte, from `position` on (or where the file is). Each
 * text is encoded straight into one buffer, reused from write to write: joining a checkpoint's
 * profiles into strings and making a buffer of each was two more copies of the whole store, a
 * gigabyte and more at a million customers for the collector to find.
 */
export class GatheredWriter {
  readonly #buffer = Buffer.allocUnsafe(WRITE_CHUNK);
  #used = 0;
  #written = 0;

  constructor(
    readonly file: FileHandle,
    readonly position: number | null = null,
  ) {}

  async add(text: string): Promise<void> {
    if (this.#put(text)) return;
    await this.#writeOut();
    if (this.#put(text)) return;
    // Larger than the buffer: written as it is.
    this.#written += await writeAll(this.file, text, this.#at());
  }

  /** Each of `lines`, `separator` between them; awaits only to write out a full buffer. */
  async addAll(lines: readonly string[], separator: string): Promise<void> {
    for (let i = 0; i < lines.length; i++) {
      if (i > 0 && !this.#put(separator)) await this.add(separator);
      const line = lines[i] as string;
      if (!this.#put(line)) await this.add(line);
    }
  }

  /** Writes what is gathered; returns the bytes written in all. */
  async flush(): Promise<number> {
    await this.#writeOut();
    return this.#written;
  }

  /** Encodes `text` into the buffer if it surely fits (UTF-8 takes at most 3 bytes a UTF-16 unit). */
  #put(text: string): boolean {
    if (text.length * 3 > this.#buffer.length - this.#used) return false;
    this.#used += this.#buffer.write(text, this.#used);
    return true;
  }

  async #writeOut(): Promise<void> {
    if (this.#used === 0) return;
    const bytes = this.#buffer.subarray(0, this.#used);
    this.#used = 0;
    this.#written += await writeBytes(this.file, bytes, this.#at());
  }

  #at(): number | null {
    return this.position === null ? null : this.position + this.#written;
  }
}

/** `text` as the whole of the file at `path`, by a fresh temporary file renamed over it. */
export async function replaceFile(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp`;
  const file = await openForWriting(temp, 'fresh');
  try {
    await writeAll(file, text);
  } finally {
    await file.close();
  }
  await rename(temp, path);
}
