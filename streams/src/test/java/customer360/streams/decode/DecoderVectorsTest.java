package customer360.streams.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import customer360.streams.js.JsJson;
import customer360.streams.js.JsObject;
import customer360.streams.js.Utf8;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every case of decoder-vectors.jsonl, written by scripts/streams/decoder-vectors.mjs from the
 * TypeScript engine's own decoder: the Java decoder must give the same event (compared as the
 * engine's JSON.stringify of it, key order and number format included) or the same reason, word for word.
 */
class DecoderVectorsTest {
  @Test
  void agreesWithTheTypeScriptDecoderOnEveryVector() throws Exception {
    List<String> failures = new ArrayList<>();
    int count = 0;
    int accepted = 0;
    try (InputStream in = getClass().getResourceAsStream("/decoder-vectors.jsonl");
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) continue;
        count++;
        JsObject vector = (JsObject) JsJson.parse(line);
        RecordDecoder.Kind kind = RecordDecoder.Kind.of((String) vector.get("kind"));
        byte[] value =
            vector.has("b64")
                ? Base64.getDecoder().decode((String) vector.get("b64"))
                : Utf8.encode((String) vector.get("value"));
        if (vector.has("padSpaces")) {
          int pad = (int) (double) (Double) vector.get("padSpaces");
          byte[] padded = Arrays.copyOf(value, value.length + pad);
          Arrays.fill(padded, value.length, padded.length, (byte) ' ');
          value = padded;
        }
        String expected = JsJson.stringify(vector.get("result"));
        DecodeResult result = RecordDecoder.decodeMessage(value, kind);
        if (result.ok()) accepted++;
        String actual = result.toString();
        if (!expected.equals(actual))
          failures.add(
              "#" + count + " " + kind.label + " " + abbreviate(line) + "\n   expected " + expected + "\n   actual   " + actual);
      }
    }
    assertTrue(count > 1000, "vectors read: " + count);
    assertEquals(
        0,
        failures.size(),
        failures.size() + " of " + count + " vectors disagree:\n" + String.join("\n", failures.subList(0, Math.min(40, failures.size()))));
    System.out.println("decoder vectors: " + count + " agree (" + accepted + " accepted, " + (count - accepted) + " refused)");
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
