/** DESIGN §4 time-of-day buckets. */
export const TIME_OF_DAY_BUCKETS = ['morning', 'afternoon', 'evening', 'night'] as const;
export type TimeOfDayBucket = (typeof TIME_OF_DAY_BUCKETS)[number];

/** night 0–4 and 22–23, morning 5–11, afternoon 12–16, evening 17–21. */
export function bucketOfHour(hour: number): TimeOfDayBucket {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new RangeError(`hour out of range: ${hour}`);
  if (hour >= 5 && hour <= 11) return 'morning';
  if (hour >= 12 && hour <= 16) return 'afternoon';
  if (hour >= 17 && hour <= 21) return 'evening';
  return 'night';
}

export const DAYS_OF_WEEK = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** Index into a 7×24 histogram stored row by row (day-major). */
export function dayHourIndex(dayOfWeek: number, hour: number): number {
  return dayOfWeek * 24 + hour;
}
