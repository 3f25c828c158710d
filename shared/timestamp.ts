/**
 * Timestamps as the field writes them. DESIGN §4: the hour of day is the hour *as written*
 * (in the timestamp's own offset when it has one), so we never convert to the local zone.
 */

export interface WrittenTime {
  /** The timestamp exactly as received. */
  text: string;
  /** Hour as written, 0–23. */
  hour: number;
  /** Day of week of the written date, Monday = 0 … Sunday = 6. */
  dayOfWeek: number;
  /** The instant, for ordering; a timestamp without offset is read as UTC. */
  epochMs: number;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Years an event may carry. A clickstream older than 1970 or past 2100 is a broken clock or a
 * sentinel, not an event; and Date.UTC would read years 0–99 as 1900–1999 (0042 as 1942).
 */
export const FIRST_YEAR = 1970;
export const LAST_YEAR = 2100;

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}

/**
 * Parses `YYYY-MM-DD HH:MM[:SS[.fff]]` with `T` or space and an optional `Z`/offset; null if
 * invalid or outside FIRST_YEAR–LAST_YEAR.
 */
export function parseWrittenTime(text: string): WrittenTime | null {
  return parseCommonForm(text) ?? parseAnyForm(text);
}

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The form nearly every record uses, `YYYY-MM-DD HH:MM:SS` (or `T`, or a trailing `Z`), read by
 * character codes: the regex and its match array were about 9% of batch ingest (CPU profile).
 * Anything else, valid or not, is left to parseAnyForm, so both accept exactly the same texts.
 */
function parseCommonForm(text: string): WrittenTime | null {
  const n = text.length;
  if (n !== 19 && !((n === 20 && text.charCodeAt(19) === 90) /* Z */)) return null;
  const sep = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    (sep !== 32 && sep !== 84) ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58
  )
    return null;
  const century = twoDigits(text, 0);
  const yy = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if ((century | yy | month | day | hour | minute | second) < 0) return null;
  return fromFields(text, century * 100 + yy, month, day, hour, minute, second, 0);
}

function parseAnyForm(text: string): WrittenTime | null {
  const m = TIMESTAMP.exec(text);
  if (!m) return null;
  let offsetMinutes = 0;
  const zone = m[7];
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 18 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const second = m[6] === undefined ? 0 : Number(m[6]);
  return fromFields(
    text,
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    second,
    offsetMinutes,
  );
}

// Consecutive events mostly share a date; remembering the last one skips Date.UTC.
let lastDateKey = -1;
let lastDayStart = 0;

/**
 * The first instant (UTC) of a written date, or NaN for a date that does not exist or lies outside
 * FIRST_YEAR–LAST_YEAR. Shared with the byte-level readers, so every reader accepts the same dates.
 */
export function dayStartOf(year: number, month: number, day: number): number {
  if (year < FIRST_YEAR || year > LAST_YEAR || month < 1 || month > 12) return Number.NaN;
  if (day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  const dateKey = year * 10_000 + month * 100 + day;
  if (dateKey !== lastDateKey) {
    lastDayStart = Date.UTC(year, month - 1, day);
    lastDateKey = dateKey;
  }
  return lastDayStart;
}

/** Monday = 0 … Sunday = 6 for a day's first instant; 1970-01-01 was a Thursday (3). */
export function dayOfWeekOf(dayStart: number): number {
  return (((Math.floor(dayStart / 86_400_000) + 3) % 7) + 7) % 7;
}

function fromFields(
  text: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetMinutes: number,
): WrittenTime | null {
  if (hour > 23 || minute > 59 || second > 59) return null;
  const dayStart = dayStartOf(year, month, day);
  if (Number.isNaN(dayStart)) return null;
  const epochMs = dayStart + ((hour * 60 + minute) * 60 + second) * 1000 - offsetMinutes * 60_000;
  // No Date object on this hot path.
  return { text, hour, dayOfWeek: dayOfWeekOf(dayStart), epochMs };
}

/** "00" … "99". */
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

/**
 * `YYYY-MM-DD`, `sep`, `HH:MM:SS` for a UTC instant in FIRST_YEAR–LAST_YEAR, by arithmetic: a
 * Date and its ISO text took about 1.5 µs, and a profile's first and last seen are written out
 * again at every checkpoint (three times a profile). Any other instant goes through Date.
 */
function formatUtc(epochMs: number, sep: string): string | null {
  if (!(epochMs >= 0 && epochMs < YEAR_2101_MS)) return null;
  const days = Math.floor(epochMs / 86_400_000);
  const seconds = Math.floor((epochMs - days * 86_400_000) / 1000);
  // Days since 1970-01-01 to a civil date (the proleptic Gregorian calendar, eras of 400 years).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const two = (n: number) => TWO_DIGITS[n] as string;
  return `${year}-${two(month)}-${two(day)}${sep}${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}

const YEAR_2101_MS = Date.UTC(LAST_YEAR + 1, 0, 1);

/** Same format for a UTC instant (deterministic output, independent of the machine's zone). */
export function formatUtcWallClock(epochMs: number): string {
  return formatUtc(epochMs, ' ') ?? new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** ISO 8601 in UTC to the second (`2026-03-04T21:15:07Z`), as click and prediction events carry it. */
export function formatUtcIso(epochMs: number): string {
  const text = formatUtc(epochMs, 'T');
  return text === null ? new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z') : `${text}Z`;
}
