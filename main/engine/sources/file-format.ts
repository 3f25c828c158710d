import { open } from 'node:fs/promises';
import { looksLikeCustomersHeader } from '../decode/customers-csv.js';
import { UserError } from '../user-error.js';

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
  if (head.includes(0))
    throw new UserError(`${path}: binary file; expected a tracks CSV, JSON lines or a customers CSV`);
  const firstLine =
    head
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .find((l) => l.trim() !== '') ?? '';
  if (firstLine === '') throw new UserError(`${path}: the file is empty; nothing to ingest`);
  if (firstLine.trimStart().startsWith('{')) return 'json-lines';
  if (looksLikeCustomersHeader(firstLine)) return 'customers-csv';
  if (firstLine.split(',').length === 6) return 'tracks-csv';
  throw new UserError(
    `${path}: unreadable format; expected a tracks CSV (eventId,customerId,trackId,datetime,mobile,zip), JSON lines, or a customers CSV with a CustID header`,
  );
}
