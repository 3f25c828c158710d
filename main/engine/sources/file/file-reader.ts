import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { decodeCustomersCsvRow } from '../../decode/customers-csv.js';
import { decodeJsonRecord } from '../../decode/record-decoder.js';
import { decodeTracksCsvLine } from '../../decode/tracks-csv.js';
import type { DecodedRecord } from '../../ingest/ingest-session.js';
import type { FileFormat } from './file-format.js';

/** Reads a batch file as decoded records, in batches, from a given position (for resuming). */

export interface FileBatch {
  records: DecodedRecord[];
  /** Lines (rows for customers CSV) consumed up to the end of this batch. */
  position: number;
  bytesRead: number;
  /** Time spent splitting and decoding this batch's lines, not waiting for the disk (0 for customers CSV: csv-parse reads and parses as one). */
  decodeMs: number;
}

/** Larger batches mean fewer partial profiles to merge; 64k records hold a few MB. */
export const FILE_BATCH_SIZE = 65_536;

/**
 * Read a megabyte at a time: the stream's default 64 KB took 250–300 ms for the 39 MB Spark anchor
 * file against 160–170 ms (a file is hashed before any of it is counted, so this is all waited for).
 */
const HASH_READ_BYTES = 1 << 20;

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: HASH_READ_BYTES }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `batchSize`: at most this many records a batch (a checkpoint can only fall between batches). */
export function readFileBatches(
  path: string,
  format: FileFormat,
  skip: number,
  batchSize = FILE_BATCH_SIZE,
): AsyncGenerator<FileBatch> {
  return format === 'customers-csv'
    ? readCustomersCsv(path, skip, batchSize)
    : readLines(path, format, skip, batchSize);
}

/** Splits the stream into lines itself: readline costs more per line than the decoding does. */
async function* readLines(
  path: string,
  format: FileFormat,
  skip: number,
  batchSize: number,
): AsyncGenerator<FileBatch> {
  const decode = format === 'tracks-csv' ? decodeTracksCsvLine : decodeJsonRecord;
  let line = 0;
  let bytesRead = 0;
  let records: DecodedRecord[] = [];
  const take = (text: string) => {
    line += 1;
    if (line <= skip) return;
    const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (raw.trim() === '') return;
    const result = decode(line === 1 ? raw.replace(/^\uFEFF/, '') : raw);
    // The raw text is kept only where the quarantine needs it.
    records.push({ origin: { file: path, line }, raw: result.ok ? '' : raw, result });
  };
  let carry: Buffer | null = null;
  let decodeMs = 0;
  for await (const read of createReadStream(path, { highWaterMark: 1 << 20 })) {
    let since = performance.now();
    const chunk: Buffer = carry ? Buffer.concat([carry, read as Buffer]) : (read as Buffer);
    bytesRead += (read as Buffer).length;
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      // A fresh string per line: a slice of one big chunk string would keep the whole megabyte
      // alive for as long as any profile holds a piece of it (a last-seen time, a track id).
      take(chunk.toString('utf8', start, nl));
      start = nl + 1;
      if (records.length >= batchSize) {
        decodeMs += performance.now() - since;
        yield { records, position: line, bytesRead, decodeMs };
        records = [];
        decodeMs = 0;
        since = performance.now();
      }
    }
    carry = start < chunk.length ? chunk.subarray(start) : null;
    decodeMs += performance.now() - since;
  }
  if (carry) take(carry.toString('utf8'));
  yield { records, position: line, bytesRead, decodeMs };
}

async function* readCustomersCsv(path: string, skip: number, batchSize: number): AsyncGenerator<FileBatch> {
  const stream = createReadStream(path);
  // csv-parse's own line counter drifts after a CRLF inside quotes; its byte offsets do not. So the
  // newline offsets are noted as bytes stream past, and a record's line is found from where it starts.
  const newlines: number[] = [];
  let bytesRead = 0;
  stream.on('data', (chunk) => {
    const buffer = chunk as Buffer;
    for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) newlines.push(bytesRead + i);
    bytesRead += buffer.length;
  });
  let passed = 0; // newlines before the current record's start, already dropped from `newlines`
  let recordStart: number | null = null; // byte after the previous record; null until the header ends
  let emptyLinesSeen = 0;
  const lineOfNextRecord = (emptyLines: number): number => {
    const start = recordStart ?? (newlines[0] ?? 0) + 1;
    let n = 0;
    while (n < newlines.length && (newlines[n] as number) < start) n += 1;
    passed += n;
    newlines.splice(0, n);
    const line = passed + 1 + (emptyLines - emptyLinesSeen);
    emptyLinesSeen = emptyLines;
    return line;
  };

  let row = 0;
  let records: DecodedRecord[] = [];
  const parser = stream.pipe(
    parse({
      columns: true,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
      raw: true,
    }),
  );
  // Rows csv-parse cannot read (e.g. an unclosed quote) are reported through 'skip' and quarantined.
  parser.on('skip', (error: Error & { raw?: string }) => {
    row += 1;
    const line = lineOfNextRecord(emptyLinesSeen);
    if (row <= skip) return;
    records.push({
      origin: { file: path, line },
      raw: (error.raw ?? '').trim(),
      result: { ok: false, reason: `bad CSV: ${error.message}` },
    });
  });
  type Item = { record: Record<string, string>; info: { empty_lines: number; bytes: number }; raw: string };
  for await (const item of parser as AsyncIterable<Item>) {
    row += 1;
    const line = lineOfNextRecord(item.info.empty_lines);
    recordStart = item.info.bytes;
    if (row <= skip) continue;
    records.push({
      origin: { file: path, line },
      raw: item.raw.trim(),
      result: decodeCustomersCsvRow(item.record),
    });
    if (records.length >= batchSize) {
      yield { records, position: row, bytesRead, decodeMs: 0 };
      records = [];
    }
  }
  yield { records, position: row, bytesRead, decodeMs: 0 };
}
