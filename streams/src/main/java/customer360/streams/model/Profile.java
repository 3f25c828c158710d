package customer360.streams.model;

import customer360.streams.js.JsObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One customer's aggregates (main/engine/profile/profile.ts). The set of distinct track ids lives in
 * its own state store; the profile keeps only its size. Counts are exact integers; the response-time
 * sums are doubles, as the engine's numbers are (a sum of squares past 2^53 rounds the same way).
 */
public final class Profile {
  public static final int CHURN_HISTORY_LIMIT = 50;
  public static final int DAY_HOUR_CELLS = 7 * 24;

  public final String customerId;
  public long listens;
  public long uniqueTracks;
  public long morning;
  public long afternoon;
  public long evening;
  public long night;
  public long mobile;

  /** Listens by day of week (Monday first) × hour, day-major: cell = dayOfWeek * 24 + hour. */
  public final long[] dayHour = new long[DAY_HOUR_CELLS];

  public Seen firstSeen;
  public Seen lastSeen;

  /** The zip of the latest listen that carried one. */
  public ZipSeen listenZip;

  public long clicks;
  public ResponseTimes responseTimes;

  /** Clicks by product, in the engine's key order; values are Long. */
  public JsObject products = new JsObject();

  /** Most recent predictions, oldest first, at most CHURN_HISTORY_LIMIT. */
  public final List<ChurnPoint> churnHistory = new ArrayList<>();

  /** CRM fields merged record by record (String, Double or Boolean values); null before any CRM record. */
  public JsObject crm;

  public Profile(String customerId) {
    this.customerId = customerId;
  }

  /** A time a listen was seen at: its text as written and its instant. */
  public static class Seen {
    public final String text;
    public final long epochMs;

    public Seen(String text, long epochMs) {
      this.text = text;
      this.epochMs = epochMs;
    }
  }

  public static final class ZipSeen extends Seen {
    public final String zip;

    public ZipSeen(String text, long epochMs, String zip) {
      super(text, epochMs);
      this.zip = zip;
    }
  }

  public static final class ResponseTimes {
    public long count;
    public double sum;
    public double sumSquares;
    public double min;
    public double max;

    public ResponseTimes(long count, double sum, double sumSquares, double min, double max) {
      this.count = count;
      this.sum = sum;
      this.sumSquares = sumSquares;
      this.min = min;
      this.max = max;
    }
  }

  public static final class ChurnPoint {
    public final Double risk;
    public final Integer label;
    public final String model;
    public final String ts;

    public ChurnPoint(Double risk, Integer label, String model, String ts) {
      this.risk = risk;
      this.label = label;
      this.model = model;
      this.ts = ts;
    }
  }
}
