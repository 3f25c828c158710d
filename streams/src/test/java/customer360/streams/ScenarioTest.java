package customer360.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import customer360.streams.js.Js;
import customer360.streams.js.JsJson;
import customer360.streams.js.JsObject;
import customer360.streams.js.Utf8;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The scenario written by scripts/streams/profile-scenario.mjs: 1,700 records across the three topics
 * (hostile ones mixed in), and the profiles and dead letters the TypeScript engine's own code makes of
 * them. The topology must publish exactly those profiles, byte for byte, and exactly those dead letters.
 */
class ScenarioTest {
  static List<JsObject> lines(String resource) throws Exception {
    List<JsObject> out = new ArrayList<>();
    try (InputStream in = ScenarioTest.class.getResourceAsStream(resource);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) if (!line.isBlank()) out.add((JsObject) JsJson.parse(line));
    }
    return out;
  }

  static List<String> rawLines(String resource) throws Exception {
    List<String> out = new ArrayList<>();
    try (InputStream in = ScenarioTest.class.getResourceAsStream(resource);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) if (!line.isBlank()) out.add(line);
    }
    return out;
  }

  static byte[] value(JsObject line) {
    if (line.has("b64")) return Base64.getDecoder().decode((String) line.get("b64"));
    Object v = line.get("value");
    return v == Js.NULL ? null : Utf8.encode((String) v);
  }

  static String header(TestRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void publishesTheEnginesProfilesAndDeadLetters() throws Exception {
    List<JsObject> scenario = lines("/profile-scenario.jsonl");
    List<String> expectedProfiles = rawLines("/profile-expected.jsonl");
    List<JsObject> expectedDead = lines("/dead-letters-expected.jsonl");
    try (TopologyFixture f = new TopologyFixture(1000)) {
      for (JsObject line : scenario) {
        Object key = line.get("key");
        byte[] k = key == Js.NULL ? null : TopologyFixture.utf8((String) key);
        f.input((String) line.get("topic")).pipeInput(k, value(line));
      }
      f.tick(1000);
      f.tick(1000);
      Map<String, String> published = new TreeMap<>();
      int messages = 0;
      for (TestRecord<String, byte[]> r : f.profiles.readRecordsToList()) {
        published.put(r.key(), new String(r.value(), StandardCharsets.UTF_8));
        messages++;
      }
      assertEquals(expectedProfiles.size(), published.size(), "customers published");
      assertEquals(expectedProfiles.size(), messages, "one message per customer: the changes came within one interval");
      for (String expected : expectedProfiles) {
        String id = (String) ((JsObject) JsJson.parse(expected)).get("customerId");
        assertEquals(expected, published.get(id), "profile of " + id);
      }

      List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
      assertEquals(expectedDead.size(), dead.size(), "dead letters");
      for (int i = 0; i < dead.size(); i++) {
        JsObject want = expectedDead.get(i);
        TestRecord<byte[], byte[]> got = dead.get(i);
        assertEquals(want.get("reason"), header(got, "reason"), "reason of dead letter " + i);
        // TopologyTestDriver numbers the records of a pattern subscription with one counter across
        // the topics, where a broker counts per partition: the expected offset is mapped to it.
        int global = globalIndex(scenario, (String) want.get("topic"), Integer.parseInt((String) want.get("offset")));
        String origin =
            "{\"topic\":" + JsJson.quote((String) want.get("topic")) + ",\"partition\":0,\"offset\":\"" + global + "\"}";
        assertEquals(origin, header(got, "origin"), "origin of dead letter " + i);
        assertArrayEquals(value(scenario.get(global)), got.value(), "raw value of dead letter " + i);
      }
      assertTrue(f.deadLetters.isEmpty());
    }
  }

  private static int globalIndex(List<JsObject> scenario, String topic, int n) {
    int seen = 0;
    for (int i = 0; i < scenario.size(); i++) {
      if (!topic.equals(scenario.get(i).get("topic"))) continue;
      if (seen++ == n) return i;
    }
    throw new IllegalArgumentException(topic + " has no record " + n);
  }
}
