import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'csv-stringify';
import { DEFAULT_CHURN_THRESHOLD } from '../../shared/profile-columns.js';
import { baseStatistics } from './base-statistics.js';
import type { Profile } from './profile.js';
import {
  aggTableHeader,
  aggTableRows,
  type Cell,
  compareCustomerIds,
  liveTableHeader,
  liveTableRow,
  spreadsheetSafe,
} from './profile-table.js';

/** Writes rows to `path` through a temp file and a rename, so a reader never sees half a file. */
export async function writeCsvAtomically(
  path: string,
  header: string[],
  rows: Iterable<Cell[]>,
  onRow?: (written: number) => void,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const out = createWriteStream(temp);
  const csv = stringify({ record_delimiter: '\r\n', quoted_match: /^\s|\s$/ });
  csv.pipe(out);
  try {
    csv.write(header);
    let written = 0;
    for (const row of rows) {
      if (!csv.write(row.map(spreadsheetSafe))) await once(csv, 'drain');
      written += 1;
      if (onRow && written % 1000 === 0) onRow(written);
    }
    csv.end();
    await once(out, 'close');
    await rename(temp, path);
  } catch (error) {
    out.destroy();
    await rm(temp, { force: true });
    throw error;
  }
}

export interface ExportOptions {
  threshold?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function exportLiveTable(
  profiles: Profile[],
  path: string,
  options: ExportOptions = {},
): Promise<number> {
  const threshold = options.threshold ?? DEFAULT_CHURN_THRESHOLD;
  const sorted = [...profiles].sort((a, b) => compareCustomerIds(a.customerId, b.customerId));
  const header = liveTableHeader(sorted);
  const rows = sorted.map((p) => liveTableRow(p, header, threshold));
  await writeCsvAtomically(path, header, rows, (n) => options.onProgress?.(n, rows.length));
  options.onProgress?.(rows.length, rows.length);
  return rows.length;
}

export async function exportAggTable(profiles: Iterable<Profile>, path: string): Promise<void> {
  await writeCsvAtomically(path, aggTableHeader(), aggTableRows(baseStatistics(profiles)));
}
