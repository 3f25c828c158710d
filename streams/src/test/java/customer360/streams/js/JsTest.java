package customer360.streams.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The JavaScript semantics the decoder and the profile JSON rest on. */
class JsTest {
  @Test
  void numbersPrintAsStringOfNumberDoes() {
    // Expected values are what Node 20 prints for String(x).
    Object[][] cases = {
      {0.0, "0"}, {-0.0, "0"}, {1.0, "1"}, {-1.0, "-1"}, {0.1, "0.1"}, {0.1 + 0.2, "0.30000000000000004"},
      {0.37, "0.37"}, {1.0 / 3, "0.3333333333333333"}, {100.0, "100"}, {1e21, "1e+21"}, {1e20, "100000000000000000000"},
      {123456789012345680000.0, "123456789012345680000"}, {1.5e300, "1.5e+300"}, {1e-6, "0.000001"}, {1e-7, "1e-7"},
      {1.2345e-7, "1.2345e-7"}, {5e-324, "5e-324"}, {Double.MAX_VALUE, "1.7976931348623157e+308"},
      {9007199254740993.0, "9007199254740992"}, {9331189632003344.0, "9331189632003344"}, {2.5, "2.5"},
      {Double.NaN, "NaN"}, {Double.POSITIVE_INFINITY, "Infinity"}, {Double.NEGATIVE_INFINITY, "-Infinity"},
      {33.333333333333336 / 100, "0.33333333333333337"}, {4.35, "4.35"}, {2.0e-3, "0.002"}, {1e23, "1e+23"},
    };
    for (Object[] c : cases) assertEquals(c[1], Js.numberToString((Double) c[0]), "String(" + c[0] + ")");
  }

  @Test
  void agreesWithNodeOnEveryNumberVector() throws Exception {
    int n = 0;
    try (java.io.BufferedReader r =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                getClass().getResourceAsStream("/number-vectors.txt"), java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) continue;
        String[] parts = line.split(" ");
        double d = Double.longBitsToDouble(Long.parseUnsignedLong(parts[0], 16));
        assertEquals(parts[1], Js.numberToString(d), "String of the double with bits " + parts[0]);
        n++;
      }
    }
    assertTrue(n > 1000, "vectors: " + n);
  }

  @Test
  void printedNumbersReadBackAsTheSameDoubleAndAreNoLongerThanJavas() {
    Random r = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      double d = Double.longBitsToDouble(r.nextLong());
      if (!Double.isFinite(d)) continue;
      String s = Js.numberToString(d);
      assertEquals(d == 0 ? 0.0 : d, Double.parseDouble(s), s);
      String mantissa = s.replaceFirst("e.*", "").replace("-", "").replace(".", "").replaceFirst("^0+", "");
      String java = Double.toString(Math.abs(d)).replaceFirst("E.*", "").replace(".", "").replaceFirst("^0+", "").replaceFirst("0+$", "");
      assertTrue(mantissa.replaceFirst("0+$", "").length() <= Math.max(1, java.length()), s + " vs " + d);
    }
  }

  @Test
  void stringToNumberReadsWhatNumberReads() {
    assertEquals(1.0, Js.stringToNumber(" 1 "));
    assertEquals(0.0, Js.stringToNumber(""));
    assertEquals(2.0, Js.stringToNumber("0x2"));
    assertEquals(1.0, Js.stringToNumber("0b1"));
    assertEquals(8.0, Js.stringToNumber("0o10"));
    assertEquals(1.0, Js.stringToNumber("1."));
    assertEquals(0.5, Js.stringToNumber(".5"));
    assertEquals(-0.0, Js.stringToNumber("-0"));
    assertEquals(Double.POSITIVE_INFINITY, Js.stringToNumber("+Infinity"));
    assertTrue(Double.isNaN(Js.stringToNumber("-0x1")));
    assertTrue(Double.isNaN(Js.stringToNumber("1d")));
    assertTrue(Double.isNaN(Js.stringToNumber("infinity")));
    assertTrue(Double.isNaN(Js.stringToNumber("1_000")));
  }

  @Test
  void trimRemovesJavaScriptWhitespaceOnly() {
    assertEquals("a", Js.trim("\u00a0\ufeff\u2028 a\u3000\u200a\t"));
    assertEquals("\u0000a\u0085", Js.trim("\u0000a\u0085"));
    assertEquals("\u200b", Js.trim("\u200b"));
  }

  @Test
  void objectKeysComeInJavaScriptOrder() throws Exception {
    JsObject o = (JsObject) JsJson.parse("{\"b\":1,\"10\":2,\"a\":3,\"2\":4,\"01\":5,\"4294967295\":6,\"4294967294\":7,\"b\":8}");
    assertEquals(List.of("2", "10", "4294967294", "b", "a", "01", "4294967295"), o.keys());
    assertEquals(8.0, o.get("b"));
    assertEquals("{\"2\":4,\"10\":2,\"4294967294\":7,\"b\":8,\"a\":3,\"01\":5,\"4294967295\":6}", JsJson.stringify(o));
  }

  @Test
  void stringifyEscapesAsJsonStringifyDoes() {
    assertEquals("\"\\u0001\\n\\t\\\"\\\\\u2028\\ud800😀\u007f\"", JsJson.quote("\u0001\n\t\"\\\u2028\ud800😀\u007f"));
  }

  @Test
  void deepNestingDoesNotOverflowTheStack() throws Exception {
    String deep = "[".repeat(60_000) + "]".repeat(60_000);
    assertTrue(JsJson.parse(deep) instanceof List);
    JsJson.SyntaxError e = assertThrows(JsJson.SyntaxError.class, () -> JsJson.parse("[".repeat(60_000)));
    assertEquals("Unexpected end of JSON input", e.getMessage());
  }

  @Test
  void utf8DecodesAsNodeDoes() {
    byte[] bad = {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, 'x', (byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xC0, (byte) 0xAF};
    assertEquals("\uFFFDx\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", Utf8.decode(bad));
    assertEquals("\uFEFF{}", Utf8.decode(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'}));
    assertEquals("\uFFFD", Utf8.decode(Utf8.encode("\ud800")));
  }
}
