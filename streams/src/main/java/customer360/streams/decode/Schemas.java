package customer360.streams.decode;

import customer360.streams.js.Js;
import customer360.streams.model.WrittenTime;

/**
 * The field rules of main/engine/decode/record-schemas.ts, with zod's messages. Each reader returns
 * the field's value or throws {@link Refusal} with the message zod's first issue would carry for that
 * field (the record's reason is then "field: message"). A field value is what the JSON parser gives:
 * null when the key is missing, {@link Js#NULL}, Boolean, Double, String, a List or a JsObject.
 */
final class Schemas {
  private Schemas() {}

  static final int MAX_ID = 64;
  static final int MAX_TEXT = 2048;

  static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    Refusal(String message) {
      super(message, null, false, false);
    }
  }

  static final String INVALID_INPUT = "Invalid input";

  static boolean hasControlCharacter(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x1F || c == 0x7F) return true;
    }
    return false;
  }

  /** Event text may hold a tab, no other control character. */
  static boolean isCleanText(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c <= 0x1F && c != '\t') || c == 0x7F) return false;
    }
    return true;
  }

  private static Refusal expected(String type, Object v) {
    return new Refusal("Invalid input: expected " + type + ", received " + Js.zodTypeName(v));
  }

  /** idSchema: a string, or a whole number 0…2^53, as trimmed text of 1–64 characters without control characters. */
  static String id(Object v) throws Refusal {
    String text;
    if (v instanceof String) text = (String) v;
    else if (v instanceof Double) {
      double d = (Double) v;
      // A non-finite or fractional number fails both branches of the union on its type.
      if (!Js.isInteger(d)) throw new Refusal(INVALID_INPUT);
      if (!Js.isSafeInteger(d))
        throw new Refusal("id is not a whole number up to 2^53 (larger ids must be sent as text)");
      if (d < 0) throw new Refusal("Too small: expected number to be >=0");
      text = Js.numberToString(d);
    } else throw new Refusal(INVALID_INPUT);
    String id = Js.trim(text);
    if (id.isEmpty()) throw new Refusal("empty id");
    if (id.length() > MAX_ID) throw new Refusal("id longer than 64 characters");
    if (hasControlCharacter(id)) throw new Refusal("id holds a control character");
    return id;
  }

  /** optionalText: null for missing, null or ""; a clean string up to 2,048 characters; a finite number as text. */
  static String optionalText(Object v) throws Refusal {
    if (v == null || v == Js.NULL) return null;
    if (v instanceof String) {
      String s = (String) v;
      if (s.length() > MAX_TEXT) throw new Refusal("Too big: expected string to have <=2048 characters");
      if (!isCleanText(s)) throw new Refusal("text holds a control character");
      return s.isEmpty() ? null : s;
    }
    if (v instanceof Double && Double.isFinite((Double) v)) return Js.numberToString((Double) v);
    throw new Refusal(INVALID_INPUT);
  }

  /** timeSchema: a string read by parseWrittenTime after trimming. */
  static WrittenTime time(Object v) throws Refusal {
    if (!(v instanceof String)) throw expected("string", v);
    String text = (String) v;
    WrittenTime at = WrittenTime.parse(Js.trim(text));
    if (at == null) throw new Refusal(WrittenTime.refusal(text));
    return at;
  }

  /** mobileFlagSchema with its default: missing is false. */
  static boolean mobile(Object v) throws Refusal {
    if (v == null) return false;
    if (v instanceof Boolean) return (Boolean) v;
    if (v instanceof Double) {
      double d = (Double) v;
      if (d == 0) return false;
      if (d == 1) return true;
    }
    if (v instanceof String) {
      switch (Js.trim((String) v).toLowerCase(java.util.Locale.ROOT)) {
        case "1":
        case "true":
          return true;
        case "0":
        case "false":
          return false;
        default:
          break;
      }
    }
    throw new Refusal("expected true/false or 1/0");
  }

  /** responseTime: null for missing or null; 0…3,600,000 rounded to whole milliseconds. */
  static Double responseTime(Object v) throws Refusal {
    if (v == null || v == Js.NULL) return null;
    if (!(v instanceof Double) || !Double.isFinite((Double) v)) throw expected("number", v);
    double d = (Double) v;
    if (d < 0) throw new Refusal("Too small: expected number to be >=0");
    if (d > 3_600_000) throw new Refusal("response time over an hour");
    return (double) Math.round(d);
  }

  /** A number in [min, max] with the schema's own messages for each bound. */
  static double boundedNumber(Object v, String name, double max) throws Refusal {
    if (!(v instanceof Double) || !Double.isFinite((Double) v)) throw expected("number", v);
    double d = (Double) v;
    if (d < 0) throw new Refusal(name + " below 0");
    if (d > max) throw new Refusal(name + " above " + Js.numberToString(max));
    return d;
  }

  /** The label of a label-only prediction: 0, 1, "0" or "1". */
  static int label(Object v) throws Refusal {
    if (v instanceof Double) {
      double d = (Double) v;
      if (d == 0) return 0;
      if (d == 1) return 1;
    }
    if ("0".equals(v)) return 0;
    if ("1".equals(v)) return 1;
    throw new Refusal(INVALID_INPUT);
  }
}
