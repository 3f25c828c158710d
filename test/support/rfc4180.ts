import Papa from 'papaparse';

/**
 * An RFC 4180 reader that is not the exporter's own library (csv-stringify's sibling csv-parse
 * would share its assumptions): Papa Parse, told that records end in CRLF and that nothing is
 * to be guessed. Every record must end in CRLF, as RFC 4180 and DESIGN §5 ask; a file that does
 * not is refused here.
 */
export function readRfc4180(text: string): string[][] {
  if (text !== '' && !text.endsWith('\r\n')) throw new Error('the last record does not end in CRLF');
  const result = Papa.parse<string[]>(text.slice(0, -2), {
    newline: '\r\n',
    delimiter: ',',
    quoteChar: '"',
    escapeChar: '"',
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
  });
  if (result.errors.length > 0) throw new Error(`not RFC 4180: ${JSON.stringify(result.errors[0])}`);
  const widths = new Set(result.data.map((r) => r.length));
  if (widths.size > 1) throw new Error(`records of different widths: ${[...widths].join(', ')}`);
  return result.data;
}
