package customer360.streams.model;

import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A timestamp as the field writes it (shared/timestamp.ts): the hour as written, in the timestamp's
 * own offset, never converted; the day of week of the written date (Monday = 0); the instant for
 * ordering, a timestamp without offset read as UTC. Years 1970–2100 only.
 */
public final class WrittenTime {
  public static final int FIRST_YEAR = 1970;
  public static final int LAST_YEAR = 2100;

  /** The (trimmed) text exactly as received. */
  public final String text;

  public final int hour;
  public final int dayOfWeek;
  public final long epochMs;

  public WrittenTime(String text, int hour, int dayOfWeek, long epochMs) {
    this.text = text;
    this.hour = hour;
    this.dayOfWeek = dayOfWeek;
    this.epochMs = epochMs;
  }

  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:\\.\\d{1,9})?)?(Z|[+-]\\d{2}(?::?\\d{2})?)?");

  /**
   * {@code YYYY-MM-DD HH:MM[:SS[.fff]]} with T or a space and an optional Z or offset; null when
   * unreadable, impossible or outside FIRST_YEAR–LAST_YEAR. The text is taken as it is (callers trim).
   */
  public static WrittenTime parse(String text) {
    Matcher m = TIMESTAMP.matcher(text);
    if (!m.matches()) return null;
    int offsetMinutes = 0;
    String zone = m.group(7);
    if (zone != null && !zone.equals("Z")) {
      int sign = zone.startsWith("-") ? -1 : 1;
      String digits = zone.substring(1).replace(":", "");
      int oh = Integer.parseInt(digits.substring(0, 2));
      int om = digits.length() > 2 ? Integer.parseInt(digits.substring(2, 4)) : 0;
      if (oh > 18 || om > 59) return null;
      offsetMinutes = sign * (oh * 60 + om);
    }
    int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
    return fromFields(
        text,
        Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)),
        Integer.parseInt(m.group(4)),
        Integer.parseInt(m.group(5)),
        second,
        offsetMinutes);
  }

  private static WrittenTime fromFields(
      String text, int year, int month, int day, int hour, int minute, int second, int offsetMinutes) {
    if (year < FIRST_YEAR || year > LAST_YEAR) return null;
    if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
    if (day < 1 || day > LocalDate.of(year, month, 1).lengthOfMonth()) return null;
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    long epochMs = epochDay * 86_400_000L + ((hour * 60L + minute) * 60L + second) * 1000L - offsetMinutes * 60_000L;
    int dayOfWeek = (int) Math.floorMod(epochDay + 3, 7L);
    return new WrittenTime(text, hour, dayOfWeek, epochMs);
  }

  private static final Pattern YEAR_PREFIX = Pattern.compile("^[\\s\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff\\u000b]*(\\d{4})-\\d{2}-\\d{2}[T ]");

  /** The written year of a timestamp that failed to read, when its start looks like a date; else -1. */
  static int writtenYear(String text) {
    Matcher m = YEAR_PREFIX.matcher(text);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** Why a text is not a timestamp, in the engine's words. */
  public static String refusal(String text) {
    int year = writtenYear(text);
    String shown = text.length() > 40 ? text.substring(0, 40) : text;
    return year >= 0 && (year < FIRST_YEAR || year > LAST_YEAR)
        ? "timestamp \"" + shown + "\" is outside the years " + FIRST_YEAR + "–" + LAST_YEAR
        : "unreadable timestamp \"" + shown + "\"";
  }
}
