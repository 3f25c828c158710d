package customer360.streams.js;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * The few JavaScript semantics the TypeScript engine's definitions rest on, so the Java code gives the
 * same answers: String.prototype.trim, String(number), Number(string) and zod's names for types.
 */
public final class Js {
  private Js() {}

  /** JSON null, kept apart from "no such key" (JavaScript's undefined, which is Java null here). */
  public static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /** ECMAScript WhiteSpace and LineTerminator: what trim() removes and what \s matches. */
  public static boolean isWhitespace(char c) {
    switch (c) {
      case '\t':
      case '\n':
      case 0x0B:
      case '\f':
      case '\r':
      case ' ':
      case 0xA0:
      case 0x1680:
      case 0x2028:
      case 0x2029:
      case 0x202F:
      case 0x205F:
      case 0x3000:
      case 0xFEFF:
        return true;
      default:
        return c >= 0x2000 && c <= 0x200A;
    }
  }

  public static String trim(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isWhitespace(s.charAt(start))) start++;
    while (end > start && isWhitespace(s.charAt(end - 1))) end--;
    return start == 0 && end == s.length() ? s : s.substring(start, end);
  }

  public static String trimStart(String s) {
    int start = 0;
    while (start < s.length() && isWhitespace(s.charAt(start))) start++;
    return s.substring(start);
  }

  /** Number.isSafeInteger. */
  public static boolean isSafeInteger(double d) {
    return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) <= 9007199254740991.0;
  }

  /** Number.isInteger. */
  public static boolean isInteger(double d) {
    return Double.isFinite(d) && d == Math.rint(d);
  }

  /** String(number): Number::toString with the shortest digits that read back as the same double. */
  public static String numberToString(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (v == 0) return "0";
    if (Double.isInfinite(v)) return v > 0 ? "Infinity" : "-Infinity";
    if (v < 0) return "-" + numberToString(-v);
    if (v < 9007199254740992.0 && v == Math.rint(v)) return Long.toString((long) v);
    BigDecimal exact = new BigDecimal(v);
    BigDecimal best = null;
    for (int p = 1; p <= 17 && best == null; p++) {
      BigDecimal lo = exact.round(new MathContext(p, RoundingMode.FLOOR));
      BigDecimal hi = exact.round(new MathContext(p, RoundingMode.CEILING));
      boolean loOk = Double.parseDouble(lo.toString()) == v;
      boolean hiOk = Double.parseDouble(hi.toString()) == v;
      if (loOk && hiOk) {
        int c = exact.subtract(lo).compareTo(hi.subtract(exact));
        if (c < 0) best = lo;
        else if (c > 0) best = hi;
        else best = lo.unscaledValue().testBit(0) ? hi : lo;
      } else if (loOk) best = lo;
      else if (hiOk) best = hi;
    }
    if (best == null) best = exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    best = best.stripTrailingZeros();
    String digits = best.unscaledValue().toString();
    int k = digits.length();
    int n = k - best.scale();
    return formatDigits(digits, k, n);
  }

  /** ECMAScript Number::toString steps 6–10, for digits s (k of them) and value s × 10^(n−k). */
  private static String formatDigits(String s, int k, int n) {
    StringBuilder b = new StringBuilder();
    if (k <= n && n <= 21) {
      b.append(s);
      for (int i = 0; i < n - k; i++) b.append('0');
    } else if (0 < n && n <= 21) {
      b.append(s, 0, n).append('.').append(s, n, k);
    } else if (-6 < n && n <= 0) {
      b.append("0.");
      for (int i = 0; i < -n; i++) b.append('0');
      b.append(s);
    } else {
      int e = n - 1;
      b.append(s.charAt(0));
      if (k > 1) b.append('.').append(s, 1, k);
      b.append('e').append(e >= 0 ? '+' : '-').append(Math.abs(e));
    }
    return b.toString();
  }

  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(?:Infinity|(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?)");
  private static final Pattern RADIX = Pattern.compile("0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+");

  /** Number(string): StringToNumber, NaN when the text is not a numeric literal. */
  public static double stringToNumber(String text) {
    String t = trim(text);
    if (t.isEmpty()) return 0;
    if (RADIX.matcher(t).matches()) {
      char r = Character.toLowerCase(t.charAt(1));
      int radix = r == 'x' ? 16 : r == 'o' ? 8 : 2;
      return new BigInteger(t.substring(2), radix).doubleValue();
    }
    if (!DECIMAL.matcher(t).matches()) return Double.NaN;
    if (t.endsWith("Infinity")) return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    return Double.parseDouble(t);
  }

  /** The type name zod puts after "received" (undefined for a missing key). */
  public static String zodTypeName(Object v) {
    if (v == null) return "undefined";
    if (v == NULL) return "null";
    if (v instanceof Boolean) return "boolean";
    if (v instanceof String) return "string";
    if (v instanceof Double) {
      double d = (Double) v;
      if (Double.isNaN(d)) return "NaN";
      if (d == Double.POSITIVE_INFINITY) return "Infinity";
      if (d == Double.NEGATIVE_INFINITY) return "-Infinity";
      return "number";
    }
    if (v instanceof java.util.List) return "array";
    return "object";
  }

  /** String.prototype.slice(0, n) on UTF-16 code units. */
  public static String slice(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n);
  }
}
