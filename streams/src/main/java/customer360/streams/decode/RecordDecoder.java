package customer360.streams.decode;

import customer360.streams.js.Js;
import customer360.streams.js.JsJson;
import customer360.streams.js.JsObject;
import customer360.streams.js.Utf8;
import customer360.streams.model.Event;
import customer360.streams.model.WrittenTime;
import java.util.List;

/**
 * The tolerant reader, as the TypeScript engine has it (main/engine/decode/record-decoder.ts and
 * main/engine/sources/kafka/message-decoder.ts): a Kafka message value and the kind of topic it came
 * from in, one event or the reason it was refused out. Never throws on input.
 */
public final class RecordDecoder {
  private RecordDecoder() {}

  /** What a topic carries. */
  public enum Kind {
    CLICKSTREAM("clickstream"),
    PREDICTIONS("predictions"),
    CUSTOMERS("customers");

    public final String label;

    Kind(String label) {
      this.label = label;
    }

    public static Kind of(String label) {
      for (Kind k : values()) if (k.label.equals(label)) return k;
      throw new IllegalArgumentException("unknown topic kind: " + label);
    }
  }

  /** Longer records are refused unread. */
  public static final int MAX_RECORD_BYTES = 64 * 1024;

  /** decodeKafkaMessage: null is an empty message; the byte limit first; a clickstream line not starting with { is tracks CSV. */
  public static DecodeResult decodeMessage(byte[] value, Kind kind) {
    try {
      if (value == null) return DecodeResult.fail("empty message value");
      if (value.length > MAX_RECORD_BYTES)
        return DecodeResult.fail("record of " + value.length + " bytes exceeds " + MAX_RECORD_BYTES);
      String text = Utf8.decode(value);
      String trimmed = Js.trimStart(text);
      if (kind == Kind.CLICKSTREAM && !trimmed.isEmpty() && !trimmed.startsWith("{"))
        return TracksCsv.decodeLine(Js.trim(text));
      return decodeJson(text, kind);
    } catch (RuntimeException | StackOverflowError e) {
      // Not expected: every rule above is total. A record must never stop the stream, so it is refused.
      return DecodeResult.fail("unreadable record (" + e.getClass().getSimpleName() + ")");
    }
  }

  static DecodeResult decodeJson(String text, Kind kind) {
    if (text.length() > MAX_RECORD_BYTES)
      return DecodeResult.fail("record of " + text.length() + " bytes exceeds " + MAX_RECORD_BYTES);
    Object value;
    try {
      value = JsJson.parse(text);
    } catch (JsJson.SyntaxError e) {
      return DecodeResult.fail("bad JSON: " + e.getMessage());
    }
    return decodeObject(value, kind);
  }

  static DecodeResult decodeObject(Object value, Kind kind) {
    if (!(value instanceof JsObject)) return DecodeResult.fail("not a JSON object");
    JsObject obj = (JsObject) value;
    Object type = obj.get("type");
    if (kind == Kind.CUSTOMERS || "customer".equals(type)) return decodeCustomer(obj);
    if (kind != Kind.PREDICTIONS) {
      if ("listen".equals(type)) return listen(obj);
      if ("click".equals(type)) return click(obj);
      if (obj.has("user_id") && obj.has("datetime")) return legacyClick(obj);
    }
    if (kind != Kind.CLICKSTREAM) {
      if (obj.has("churnRisk")) return prediction(obj);
      if (obj.has("churn_risk")) return legacyRisk(obj);
      if (obj.has("prediction")) return legacyLabel(obj);
    }
    if (type instanceof String) return DecodeResult.fail("unknown event type \"" + Js.slice((String) type, 40) + "\"");
    return DecodeResult.fail("unrecognised " + kind.label + " record shape");
  }

  /** The current field, for the reason when a field is refused. */
  private static final class Fields {
    private final JsObject obj;
    String field;

    Fields(JsObject obj) {
      this.obj = obj;
    }

    Object get(String name) {
      field = name;
      return obj.get(name);
    }
  }

  private static DecodeResult refused(Fields f, Schemas.Refusal r) {
    return DecodeResult.fail(f.field + ": " + r.getMessage());
  }

  /** The listen schema; its fields in the schema's order, the first bad one named. */
  static DecodeResult listen(JsObject obj) {
    Fields f = new Fields(obj);
    try {
      String eventId = Schemas.optionalText(f.get("eventId"));
      String customerId = Schemas.id(f.get("customerId"));
      String trackId = Schemas.id(f.get("trackId"));
      WrittenTime at = Schemas.time(f.get("ts"));
      boolean mobile = Schemas.mobile(f.get("mobile"));
      String zip = Schemas.optionalText(f.get("zip"));
      return DecodeResult.ok(new Event.Listen(eventId, customerId, trackId, at, mobile, zip));
    } catch (Schemas.Refusal r) {
      return refused(f, r);
    }
  }

  private static DecodeResult click(JsObject obj) {
    Fields f = new Fields(obj);
    try {
      String customerId = Schemas.id(f.get("customerId"));
      WrittenTime at = Schemas.time(f.get("ts"));
      Double responseTimeMs = Schemas.responseTime(f.get("responseTimeMs"));
      return clickFields(f, customerId, at, responseTimeMs);
    } catch (Schemas.Refusal r) {
      return refused(f, r);
    }
  }

  private static DecodeResult legacyClick(JsObject obj) {
    Fields f = new Fields(obj);
    try {
      String customerId = Schemas.id(f.get("user_id"));
      WrittenTime at = Schemas.time(f.get("datetime"));
      Double responseTimeMs = Schemas.responseTime(f.get("response_time_ms"));
      return clickFields(f, customerId, at, responseTimeMs);
    } catch (Schemas.Refusal r) {
      return refused(f, r);
    }
  }

  private static DecodeResult clickFields(Fields f, String customerId, WrittenTime at, Double responseTimeMs)
      throws Schemas.Refusal {
    String os = Schemas.optionalText(f.get("os"));
    String browser = Schemas.optionalText(f.get("browser"));
    String product = Schemas.optionalText(f.get("product"));
    String url = Schemas.optionalText(f.get("url"));
    return DecodeResult.ok(new Event.Click(customerId, at, os, browser, responseTimeMs, product, url));
  }

  private static DecodeResult prediction(JsObject obj) {
    Fields f = new Fields(obj);
    try {
      String customerId = Schemas.id(f.get("customerId"));
      double risk = Schemas.boundedNumber(f.get("churnRisk"), "churnRisk", 1);
      String model = Schemas.optionalText(f.get("model"));
      String ts = Schemas.optionalText(f.get("ts"));
      return DecodeResult.ok(new Event.Prediction(customerId, risk, null, model, ts));
    } catch (Schemas.Refusal r) {
      return refused(f, r);
    }
  }

  private static DecodeResult legacyRisk(JsObject obj) {
    Fields f = new Fields(obj);
    try {
      String customerId = Schemas.id(f.get("user_id"));
      double risk = Schemas.boundedNumber(f.get("churn_risk"), "churn_risk", 100);
      String model = Schemas.optionalText(f.get("model"));
      String ts = Schemas.optionalText(f.get("ts"));
      return DecodeResult.ok(new Event.Prediction(customerId, risk / 100, null, model, ts));
    } catch (Schemas.Refusal r) {
      return refused(f, r);
    }
  }

  private static DecodeResult legacyLabel(JsObject obj) {
    Fields f = new Fields(obj);
    try {
      String customerId = Schemas.id(f.get("user_id"));
      int label = Schemas.label(f.get("prediction"));
      String model = Schemas.optionalText(f.get("model"));
      String ts = Schemas.optionalText(f.get("ts"));
      return DecodeResult.ok(new Event.Prediction(customerId, null, label, model, ts));
    } catch (Schemas.Refusal r) {
      return refused(f, r);
    }
  }

  /** A CRM record: any object with a customer id; every other field kept, normalised. */
  static DecodeResult decodeCustomer(JsObject obj) {
    String idField = null;
    for (String name : CrmFields.CUSTOMER_ID_FIELDS) {
      Object v = obj.get(name);
      if (v != null && v != Js.NULL && !"".equals(v)) {
        idField = name;
        break;
      }
    }
    if (idField == null) return DecodeResult.fail("customer record without a customer id");
    String id;
    try {
      id = Schemas.id(obj.get(idField));
    } catch (Schemas.Refusal r) {
      return DecodeResult.fail(idField + ": " + r.getMessage());
    }
    try {
      return DecodeResult.ok(new Event.Customer(id, CrmFields.normalise(obj)));
    } catch (Schemas.Refusal r) {
      return DecodeResult.fail(r.getMessage());
    }
  }

  /** A tracks CSV line's six cells through the listen schema (all strings). */
  static DecodeResult listenFromCells(List<String> cells) {
    JsObject obj = new JsObject();
    obj.put("type", "listen");
    obj.put("eventId", cells.get(0));
    obj.put("customerId", cells.get(1));
    obj.put("trackId", cells.get(2));
    obj.put("ts", cells.get(3));
    obj.put("mobile", cells.get(4));
    obj.put("zip", cells.get(5));
    return listen(obj);
  }
}
