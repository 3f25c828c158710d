package customer360.streams.decode;

import customer360.streams.js.Js;
import customer360.streams.js.JsJson;
import customer360.streams.js.JsObject;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CRM field normalisation (main/engine/decode/crm-fields.ts): the CRM's codes become words, names
 * become snake_case, values are kept as written. Throws {@link Schemas.Refusal} with the engine's
 * reason on a bad code, an impossible sign date, a non-finite number, a colliding or too long name,
 * or a value too long to be a CRM field.
 */
final class CrmFields {
  private CrmFields() {}

  static final List<String> LEVELS = List.of("Free", "Silver", "Gold");
  static final List<String> CAMPAIGNS = List.of("NONE", "30DAYFREE", "SUPERBOWL", "RETAILSTORE", "WEBOFFER");
  static final List<String> STATUSES = List.of("closed", "active");

  /** Names under which a record carries its customer id, in the order they are looked for. */
  static final List<String> CUSTOMER_ID_FIELDS = List.of("customerId", "customer_id", "CustID", "custId", "user_id", "id");

  static final int MAX_CRM_VALUE = 8192;
  static final int MAX_CRM_NAME = 128;

  private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");
  private static final Pattern NON_ALNUM = Pattern.compile("[^A-Za-z0-9]+");
  private static final Pattern EDGE_UNDERSCORES = Pattern.compile("^_+|_+\\z");

  static String snakeCase(String name) {
    String s = Js.trim(name);
    s = CAMEL.matcher(s).replaceAll("$1_$2");
    s = NON_ALNUM.matcher(s).replaceAll("_");
    s = EDGE_UNDERSCORES.matcher(s).replaceAll("");
    return s.toLowerCase(Locale.ROOT);
  }

  /** Two names in one record that become the same field, as the engine words it; null when none. */
  static String collidingFieldNames(List<String> names) {
    Map<String, String> seen = new HashMap<>();
    for (String raw : names) {
      String name = CUSTOMER_ID_FIELDS.contains(raw) ? raw : snakeCase(raw);
      if (name.isEmpty()) continue;
      String before = seen.get(name);
      if (before != null)
        return before.equals(raw)
            ? "the field \"" + raw + "\" is given twice"
            : "\"" + before + "\" and \"" + raw + "\" are the same field (" + name + ")";
      seen.put(name, raw);
    }
    return null;
  }

  /** String(value) for a kept CRM value (a String, a Double or a Boolean). */
  private static String text(Object kept) {
    if (kept instanceof Double) return Js.numberToString((Double) kept);
    return String.valueOf(kept);
  }

  private static String decodeCode(Object kept, List<String> names, String field) throws Schemas.Refusal {
    String text = Js.trim(text(kept));
    String lower = text.toLowerCase(Locale.ROOT);
    for (String n : names) if (n.toLowerCase(Locale.ROOT).equals(lower)) return n;
    double code = Js.stringToNumber(text);
    if (Js.isInteger(code) && code >= 0 && code < names.size()) return names.get((int) code);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) expected.append(", ");
      expected.append(i).append(' ').append(names.get(i));
    }
    throw new Schemas.Refusal(field + ": unknown code \"" + text + "\" (expected " + expected + ")");
  }

  private static final Pattern US_DATE = Pattern.compile("(\\d{1,2})/(\\d{1,2})/(\\d{4})");
  private static final Pattern ISO_DATE = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})");

  /** MM/DD/YYYY or YYYY-MM-DD to ISO, with Date.UTC's reading of years 0–99 as 1900–1999. */
  private static String decodeSignDate(Object kept) throws Schemas.Refusal {
    String text = Js.trim(text(kept));
    Matcher us = US_DATE.matcher(text);
    Matcher iso = ISO_DATE.matcher(text);
    int y;
    int m;
    int d;
    if (us.matches()) {
      y = Integer.parseInt(us.group(3));
      m = Integer.parseInt(us.group(1));
      d = Integer.parseInt(us.group(2));
    } else if (iso.matches()) {
      y = Integer.parseInt(iso.group(1));
      m = Integer.parseInt(iso.group(2));
      d = Integer.parseInt(iso.group(3));
    } else
      throw new Schemas.Refusal(
          "sign_date: unreadable date \"" + Js.slice(text, 40) + "\" (expected MM/DD/YYYY)");
    if (y <= 99) y += 1900;
    if (m < 1 || m > 12 || d < 1 || d > LocalDate.of(y, m, 1).lengthOfMonth())
      throw new Schemas.Refusal("sign_date: no such date \"" + text + "\"");
    return String.format(Locale.ROOT, "%04d-%02d-%02d", y, m, d);
  }

  /** normaliseCrmFields: every field but the id fields, normalised, in the record's key order. */
  static JsObject normalise(JsObject raw) throws Schemas.Refusal {
    List<String> keys = raw.keys();
    String collision = collidingFieldNames(keys);
    if (collision != null) throw new Schemas.Refusal(collision);
    JsObject fields = new JsObject();
    for (String key : keys) {
      Object value = raw.get(key);
      if (CUSTOMER_ID_FIELDS.contains(key)) continue;
      if (value == null || value == Js.NULL) continue;
      if (value instanceof String && Js.trim((String) value).isEmpty()) continue;
      String name = snakeCase(key);
      if (name.isEmpty() || name.equals("type")) continue;
      if (name.length() > MAX_CRM_NAME)
        throw new Schemas.Refusal("field name longer than " + MAX_CRM_NAME + " characters");
      Object kept;
      if (value instanceof JsObject || value instanceof List) kept = JsJson.stringify(value);
      else if (value instanceof Double) {
        if (!Double.isFinite((Double) value)) throw new Schemas.Refusal(name + ": not a finite number");
        kept = value;
      } else kept = value;
      if (kept instanceof String && ((String) kept).length() > MAX_CRM_VALUE)
        throw new Schemas.Refusal(
            name + ": " + ((String) kept).length() + " characters, over the " + MAX_CRM_VALUE + " a CRM field may hold");
      switch (name) {
        case "level":
          fields.put("level", decodeCode(kept, LEVELS, "level"));
          break;
        case "campaign":
          fields.put("campaign", decodeCode(kept, CAMPAIGNS, "campaign"));
          break;
        case "status":
          fields.put("status", decodeCode(kept, STATUSES, "status"));
          break;
        case "sign_date":
          fields.put("sign_date", decodeSignDate(kept));
          break;
        default:
          fields.put(name, kept);
      }
    }
    return fields;
  }
}
