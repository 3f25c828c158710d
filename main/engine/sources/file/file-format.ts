import { open } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { collidingFieldNames } from '../../decode/crm-fields.js';
import { looksLikeCustomersHeader } from '../../decode/customers-csv.js';
import { hasControlCharacter } from '../../decode/record-ids.js';
import { UserError } from '../../user-error.js';

/** The batch file formats DESIGN §3 accepts, told apart by their first line. */
export type FileFormat = 'json-lines' | 'tracks-csv' | 'customers-csv';

export async function sniffFileFormat(path: string): Promise<FileFormat> {
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: no such file; check the path and try again`);
    if (code === 'EISDIR') throw new UserError(`${path} is a folder; name the files inside it`);
    throw new UserError(`${path}: cannot read (${code ?? (error as Error).message})`);
  }
  const binary = notTextReason(head);
  if (binary) throw new UserError(`${path}: ${binary}; expected a tracks CSV, JSON lines or a customers CSV`);
  // The format is told from the first line that reads as text: a few damaged lines (a NUL, a
  // stray control byte) are quarantined one by one when the file is read, like any bad record.
  const firstLine =
    head
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .find((l) => l.trim() !== '' && !hasControlCharacter(l.replace(/[\t\r]/g, ''))) ?? '';
  if (firstLine === '')
    throw new UserError(
      head.toString('utf8').trim() === ''
        ? `${path}: the file is empty; nothing to ingest`
        : `${path}: no line in its first ${Math.ceil(head.length / 1024)} KB reads as text; expected a tracks CSV, JSON lines or a customers CSV`,
    );
  if (firstLine.trimStart().startsWith('{')) return 'json-lines';
  if (looksLikeCustomersHeader(firstLine)) {
    const collision = collidingFieldNames(csvFields(firstLine.replace(/^\uFEFF/, '')) ?? []);
    if (collision) throw new UserError(`${path}: in the header, ${collision}; rename one column`);
    return 'customers-csv';
  }
  if (csvFields(firstLine)?.length === 6) return 'tracks-csv';
  throw new UserError(
    `${path}: unreadable format; expected a tracks CSV (eventId,customerId,trackId,datetime,mobile,zip), JSON lines, or a customers CSV with a CustID header`,
  );
}

/** Share of control bytes (other than tab, line breaks and form feed) past which a file is not text. */
const CONTROL_SHARE = 0.1;

/** Why the start of a file says it is not text at all, or null when it may be text. */
export function notTextReason(head: Buffer): string | null {
  if (head.length === 0) return null;
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip-compressed; decompress it first (gunzip)';
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)
    return 'a zip archive; unpack it first';
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
    return 'UTF-16 text; save it as UTF-8';
  let controls = 0;
  for (const byte of head) {
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) || byte === 0x7f)
      controls += 1;
  }
  if (controls / head.length <= CONTROL_SHARE) return null;
  const share = Math.round((controls * 100) / head.length);
  return `not text (${share}% of its first ${Math.ceil(head.length / 1024)} KB are control bytes such as NUL)`;
}

/** The fields of one CSV line, quotes read as RFC 4180 has them (`"a,b"` is one field); null if unreadable. */
function csvFields(line: string): string[] | null {
  if (!line.includes('"')) return line.split(',');
  try {
    return (parse(line, { relax_column_count: true }) as string[][])[0] ?? [];
  } catch {
    return null;
  }
}
