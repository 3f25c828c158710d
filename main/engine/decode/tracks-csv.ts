import { parse } from 'csv-parse/sync';
import { fastListen } from './fast-paths.js';
import { type DecodeResult, viaSchema } from './record-decoder.js';
import { listenSchema } from './record-schemas.js';

/**
 * Listen events as CSV lines (`eventId,customerId,trackId,datetime,mobile,zip`, no header).
 * Lines without quotes are split directly (RFC 4180 gives the same result, far faster);
 * a quoted line goes through csv-parse.
 */
export function decodeTracksCsvLine(line: string): DecodeResult {
  let cells: string[];
  if (line.includes('"')) {
    try {
      const rows = parse(line, { relax_column_count: true }) as string[][];
      cells = rows[0] ?? [];
    } catch (error) {
      return { ok: false, reason: `bad CSV: ${(error as Error).message}` };
    }
  } else {
    cells = line.split(',');
  }
  if (cells.length !== 6) return { ok: false, reason: `expected 6 fields, found ${cells.length}` };
  const [eventId, customerId, trackId, ts, mobile, zip] = cells as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const event = fastListen(eventId, customerId, trackId, ts, mobile, zip);
  if (event) return { ok: true, event };
  return viaSchema(listenSchema, { type: 'listen', eventId, customerId, trackId, ts, mobile, zip });
}
