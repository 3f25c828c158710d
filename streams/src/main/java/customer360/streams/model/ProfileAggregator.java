package customer360.streams.model;

import customer360.streams.js.JsObject;
import java.util.Map;

/**
 * applyEvent of main/engine/profile/profile-aggregator.ts: one event into one profile, in place.
 * First seen is the earliest listen (on a tie the one seen first stays), last seen the latest (on a
 * tie the one seen last wins), the listen zip the latest listen that had one (same tie rule); the
 * last 50 predictions are kept; CRM fields merge with a later value winning.
 */
public final class ProfileAggregator {
  private ProfileAggregator() {}

  /** The customer's set of distinct track ids. */
  public interface TrackSet {
    /** Adds the track; true when it was not there yet. */
    boolean add(String customerId, String trackId);
  }

  /** DESIGN §4 buckets: night 0–4 and 22–23, morning 5–11, afternoon 12–16, evening 17–21. */
  static void countHour(Profile p, int hour) {
    if (hour < 0 || hour > 23) throw new IllegalArgumentException("hour out of range: " + hour);
    if (hour >= 5 && hour <= 11) p.morning++;
    else if (hour >= 12 && hour <= 16) p.afternoon++;
    else if (hour >= 17 && hour <= 21) p.evening++;
    else p.night++;
  }

  public static void apply(Profile p, Event event, TrackSet tracks) {
    if (event instanceof Event.Listen) {
      Event.Listen e = (Event.Listen) event;
      p.listens++;
      if (tracks.add(p.customerId, e.trackId)) p.uniqueTracks++;
      WrittenTime at = e.at;
      countHour(p, at.hour);
      if (e.mobile) p.mobile++;
      p.dayHour[at.dayOfWeek * 24 + at.hour]++;
      long epochMs = at.epochMs;
      if (p.firstSeen == null || epochMs < p.firstSeen.epochMs) p.firstSeen = new Profile.Seen(at.text, epochMs);
      if (p.lastSeen == null || epochMs >= p.lastSeen.epochMs) p.lastSeen = new Profile.Seen(at.text, epochMs);
      if (e.zip != null && (p.listenZip == null || epochMs >= p.listenZip.epochMs))
        p.listenZip = new Profile.ZipSeen(at.text, epochMs, e.zip);
    } else if (event instanceof Event.Click) {
      Event.Click e = (Event.Click) event;
      p.clicks++;
      if (e.responseTimeMs != null) {
        double ms = e.responseTimeMs;
        Profile.ResponseTimes r = p.responseTimes;
        if (r == null) p.responseTimes = new Profile.ResponseTimes(1, ms, ms * ms, ms, ms);
        else {
          r.count++;
          r.sum += ms;
          r.sumSquares += ms * ms;
          if (ms < r.min) r.min = ms;
          if (ms > r.max) r.max = ms;
        }
      }
      if (e.product != null) {
        Object n = p.products.get(e.product);
        p.products.put(e.product, (n == null ? 0L : (Long) n) + 1L);
      }
    } else if (event instanceof Event.Prediction) {
      Event.Prediction e = (Event.Prediction) event;
      p.churnHistory.add(new Profile.ChurnPoint(e.churnRisk, e.label, e.model, e.ts));
      while (p.churnHistory.size() > Profile.CHURN_HISTORY_LIMIT) p.churnHistory.remove(0);
    } else if (event instanceof Event.Customer) {
      JsObject crm = new JsObject(p.crm);
      for (Map.Entry<String, Object> f : ((Event.Customer) event).fields.entries()) crm.put(f.getKey(), f.getValue());
      p.crm = crm;
    } else throw new IllegalArgumentException("unknown event " + event);
  }
}
