package customer360.streams.model;

import customer360.streams.js.Js;
import customer360.streams.js.JsJson;
import customer360.streams.js.JsObject;

/** A decoded record (shared/events.ts): one shape per kind, whatever format it arrived in. */
public abstract class Event {
  public final String customerId;

  Event(String customerId) {
    this.customerId = customerId;
  }

  /** The event as the TypeScript engine's JSON.stringify(event) writes it (for the decoder vectors). */
  public abstract JsObject toJs();

  @Override
  public String toString() {
    return JsJson.stringify(toJs());
  }

  static Object orNull(Object v) {
    return v == null ? Js.NULL : v;
  }

  static JsObject at(WrittenTime t) {
    JsObject o = new JsObject();
    o.put("text", t.text);
    o.put("hour", (double) t.hour);
    o.put("dayOfWeek", (double) t.dayOfWeek);
    o.put("epochMs", (double) t.epochMs);
    return o;
  }

  public static final class Listen extends Event {
    public final String eventId;
    public final String trackId;
    public final WrittenTime at;
    public final boolean mobile;
    public final String zip;

    public Listen(String eventId, String customerId, String trackId, WrittenTime at, boolean mobile, String zip) {
      super(customerId);
      this.eventId = eventId;
      this.trackId = trackId;
      this.at = at;
      this.mobile = mobile;
      this.zip = zip;
    }

    @Override
    public JsObject toJs() {
      JsObject o = new JsObject();
      o.put("kind", "listen");
      o.put("eventId", orNull(eventId));
      o.put("customerId", customerId);
      o.put("trackId", trackId);
      o.put("at", at(at));
      o.put("mobile", mobile);
      o.put("zip", orNull(zip));
      return o;
    }
  }

  public static final class Click extends Event {
    public final WrittenTime at;
    public final String os;
    public final String browser;
    /** Whole milliseconds, or null. */
    public final Double responseTimeMs;

    public final String product;
    public final String url;

    public Click(
        String customerId, WrittenTime at, String os, String browser, Double responseTimeMs, String product, String url) {
      super(customerId);
      this.at = at;
      this.os = os;
      this.browser = browser;
      this.responseTimeMs = responseTimeMs;
      this.product = product;
      this.url = url;
    }

    @Override
    public JsObject toJs() {
      JsObject o = new JsObject();
      o.put("kind", "click");
      o.put("customerId", customerId);
      o.put("at", at(at));
      o.put("os", orNull(os));
      o.put("browser", orNull(browser));
      o.put("responseTimeMs", orNull(responseTimeMs));
      o.put("product", orNull(product));
      o.put("url", orNull(url));
      return o;
    }
  }

  public static final class Prediction extends Event {
    /** In [0,1], or null for a label-only prediction. */
    public final Double churnRisk;

    /** 0, 1 or null. */
    public final Integer label;

    public final String model;
    public final String ts;

    public Prediction(String customerId, Double churnRisk, Integer label, String model, String ts) {
      super(customerId);
      this.churnRisk = churnRisk;
      this.label = label;
      this.model = model;
      this.ts = ts;
    }

    @Override
    public JsObject toJs() {
      JsObject o = new JsObject();
      o.put("kind", "prediction");
      o.put("customerId", customerId);
      o.put("churnRisk", orNull(churnRisk));
      o.put("label", label == null ? Js.NULL : (Object) (double) label);
      o.put("model", orNull(model));
      o.put("ts", orNull(ts));
      return o;
    }
  }

  /** A CRM record: normalised fields (snake_case names; String, Double or Boolean values). */
  public static final class Customer extends Event {
    public final JsObject fields;

    public Customer(String customerId, JsObject fields) {
      super(customerId);
      this.fields = fields;
    }

    @Override
    public JsObject toJs() {
      JsObject o = new JsObject();
      o.put("kind", "customer");
      o.put("customerId", customerId);
      o.put("fields", fields);
      return o;
    }
  }
}
