package customer360.streams.model;

import customer360.streams.js.Js;
import customer360.streams.js.JsJson;
import customer360.streams.js.JsObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The value published to the profiles topic, version 1 (PROFILE-FORMAT.md): the fields of the
 * engine's stored profile (main/engine/store/store-codec.ts, encodeProfile) with the track set
 * replaced by its size, written as the engine's JSON.stringify would write them. No wall-clock time.
 */
public final class ProfileJson {
  private ProfileJson() {}

  public static final int VERSION = 1;

  private static JsObject seen(Profile.Seen s) {
    JsObject o = new JsObject();
    o.put("text", s.text);
    o.put("epochMs", s.epochMs);
    return o;
  }

  public static JsObject toJs(Profile p) {
    JsObject o = new JsObject();
    o.put("v", (long) VERSION);
    o.put("customerId", p.customerId);
    o.put("listens", p.listens);
    o.put("uniqueTracks", p.uniqueTracks);
    o.put("tod", List.of(p.morning, p.afternoon, p.evening, p.night));
    o.put("mobile", p.mobile);
    List<Object> cells = new ArrayList<>();
    for (int i = 0; i < p.dayHour.length; i++) {
      if (p.dayHour[i] > 0) {
        cells.add((long) i);
        cells.add(p.dayHour[i]);
      }
    }
    o.put("dayHour", cells);
    o.put("firstSeen", p.firstSeen == null ? Js.NULL : seen(p.firstSeen));
    o.put("lastSeen", p.lastSeen == null ? Js.NULL : seen(p.lastSeen));
    if (p.listenZip == null) o.put("listenZip", Js.NULL);
    else {
      JsObject z = seen(p.listenZip);
      z.put("zip", p.listenZip.zip);
      o.put("listenZip", z);
    }
    o.put("clicks", p.clicks);
    Profile.ResponseTimes r = p.responseTimes;
    if (r == null) o.put("responseTimes", Js.NULL);
    else {
      JsObject t = new JsObject();
      t.put("count", r.count);
      t.put("sum", r.sum);
      t.put("sumSquares", r.sumSquares);
      t.put("min", r.min);
      t.put("max", r.max);
      o.put("responseTimes", t);
    }
    o.put("products", p.products);
    List<Object> history = new ArrayList<>(p.churnHistory.size());
    for (Profile.ChurnPoint c : p.churnHistory) {
      JsObject point = new JsObject();
      point.put("risk", c.risk == null ? Js.NULL : c.risk);
      point.put("label", c.label == null ? Js.NULL : (Object) (long) c.label);
      point.put("model", c.model == null ? Js.NULL : c.model);
      point.put("ts", c.ts == null ? Js.NULL : c.ts);
      history.add(point);
    }
    o.put("churnHistory", history);
    o.put("crm", p.crm == null ? Js.NULL : p.crm);
    return o;
  }

  public static String toJson(Profile p) {
    return JsJson.stringify(toJs(p));
  }
}
