import { type DecodeResult, decodeCustomerObject } from './record-decoder.js';

/** The CRM export's header (DESIGN §3); extra columns after it are kept as extra fields. */
export const CUSTOMERS_CSV_HEADER = [
  'CustID',
  'Name',
  'Gender',
  'Address',
  'zip',
  'SignDate',
  'Status',
  'Level',
  'Campaign',
  'LinkedWithApps',
];

export function looksLikeCustomersHeader(firstLine: string): boolean {
  return /^\uFEFF?"?CustID"?\s*,/i.test(firstLine);
}

/** One parsed CSV row (header → cell) to a customer record event. */
export function decodeCustomersCsvRow(row: Record<string, string>): DecodeResult {
  return decodeCustomerObject(row);
}
