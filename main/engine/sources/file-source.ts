import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { decodeCustomersCsvRow } from '../decode/customers-csv.js';
import { decodeJsonRecord } from '../decode/record-decoder.js';
import { decodeTracksCsvLine } from '../decode/tracks-csv.js';
import type { DecodedRecord } from '../ingest-session.js';
import type { FileFormat } from './file-format.js';

/** Reads a batch file as decoded records, in batches, from a given position (for resuming). */

export interface FileBatch {
  records: DecodedRecord[];
  /** Lines (rows for customers CSV) consumed up to the end of this batch. */
  position: number;
  bytesRead: number;
}

export const FILE_BATCH_SIZE = 8192;

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function readFileBatches(path: string, format: FileFormat, skip: number): AsyncGenerator<FileBatch> {
  return format === 'customers-csv' ? readCustomersCsv(path, skip) : readLines(path, format, skip);
}

/** Splits the stream into lines itself: readline costs more per line than the decoding does. */
async function* readLines(path: string, format: FileFormat, skip: number): AsyncGenerator<FileBatch> {
  const decode = format === 'tracks-csv' ? decodeTracksCsvLine : decodeJsonRecord;
  let line = 0;
  let bytesRead = 0;
  let carry = '';
  let records: DecodedRecord[] = [];
  const take = (text: string) => {
    line += 1;
    if (line <= skip) return;
    const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (raw.trim() === '') return;
    records.push({ origin: { file: path, line }, raw, result: decode(line === 1 ? raw.replace(/^\uFEFF/, '') : raw) });
  };
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = carry + (chunk as string);
    bytesRead += Buffer.byteLength(chunk as string);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      take(text.slice(start, nl));
      start = nl + 1;
      if (records.length >= FILE_BATCH_SIZE) {
        yield { records, position: line, bytesRead };
        records = [];
      }
    }
    carry = text.slice(start);
  }
  if (carry !== '') take(carry);
  yield { records, position: line, bytesRead };
}

async function* readCustomersCsv(path: string, skip: number): AsyncGenerator<FileBatch> {
  const stream = createReadStream(path);
  let bytesRead = 0;
  stream.on('data', (chunk) => {
    bytesRead += chunk.length;
  });
  let row = 0;
  let records: DecodedRecord[] = [];
  // csv-parse miscounts lines when a quoted field holds CRLF, so lines are counted from each
  // record's raw text (which excludes its final \n) plus the empty lines the parser skipped.
  let nextLine = 2;
  let emptyLinesSeen = 0;
  const lineOf = (raw: string, emptyLines: number): number => {
    const line = nextLine + (emptyLines - emptyLinesSeen);
    emptyLinesSeen = emptyLines;
    nextLine = line + (raw.match(/\n/g)?.length ?? 0) + 1;
    return line;
  };
  const parser = stream.pipe(
    parse({ columns: true, bom: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true, info: true, raw: true }),
  );
  // Rows csv-parse cannot read (e.g. an unclosed quote) are reported through 'skip' and quarantined.
  parser.on('skip', (error: Error & { raw?: string }) => {
    row += 1;
    const raw = error.raw ?? '';
    const line = lineOf(raw, emptyLinesSeen);
    if (row <= skip) return;
    records.push({ origin: { file: path, line }, raw: raw.trimEnd(), result: { ok: false, reason: `bad CSV: ${error.message}` } });
  });
  type Item = { record: Record<string, string>; info: { empty_lines: number }; raw: string };
  for await (const item of parser as AsyncIterable<Item>) {
    row += 1;
    const line = lineOf(item.raw, item.info.empty_lines);
    if (row <= skip) continue;
    records.push({ origin: { file: path, line }, raw: item.raw.replace(/\r$/, ''), result: decodeCustomersCsvRow(item.record) });
    if (records.length >= FILE_BATCH_SIZE) {
      yield { records, position: row, bytesRead };
      records = [];
    }
  }
  yield { records, position: row, bytesRead };
}
