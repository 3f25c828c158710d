import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'csv-stringify';
import { DEFAULT_CHURN_THRESHOLD } from '../../../shared/profile-columns.js';
import type { Profile } from '../profile/profile.js';
import { baseStatistics } from '../read/base-statistics.js';
import {
  aggTableHeader,
  aggTableRows,
  type Cell,
  compareCustomerIds,
  formatNumber,
  liveTableHeader,
  liveTableRow,
} from './profile-table.js';

/**
 * RFC 4180 with CRLF record ends, by csv-stringify:
 * - any CR or LF inside a cell is quoted (csv-stringify stops doing that by itself once the
 *   record delimiter is set, hence quote_record_delimiter);
 * - a cell with leading or trailing whitespace is quoted, so no reader trims it;
 * - DESIGN §5: a text cell starting with `=`, `+`, `-`, `@`, tab or CR (or their full-width forms)
 *   gets a leading `'`, so a spreadsheet shows it instead of running it; numbers are left alone,
 *   as `-3` is a number, not a formula. Nothing else about a value is changed.
 */
const CSV_OPTIONS = {
  record_delimiter: '\r\n',
  quote_record_delimiter: true,
  quoted_match: /^\s|\s$/,
  escape_formulas: true,
  cast: { number: formatNumber },
} as const;

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
  const csv = stringify(CSV_OPTIONS);
  csv.pipe(out);
  try {
    csv.write(header);
    let written = 0;
    for (const row of rows) {
      if (!csv.write(row)) await once(csv, 'drain');
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
