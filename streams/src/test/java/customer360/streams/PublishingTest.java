package customer360.streams;

import static customer360.streams.TopologyFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import customer360.streams.js.JsJson;
import customer360.streams.js.JsObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** Rate-limited publishing and dead letters, through the real topology. */
class PublishingTest {
  static String listen(String customer, String track, String ts) {
    return "{\"type\":\"listen\",\"customerId\":\"" + customer + "\",\"trackId\":\"" + track + "\",\"ts\":\"" + ts + "\"}";
  }

  static long listens(TestRecord<String, byte[]> r) throws Exception {
    JsObject o = (JsObject) JsJson.parse(new String(r.value(), StandardCharsets.UTF_8));
    return (long) (double) (Double) o.get("listens");
  }

  @Test
  void publishesACustomerAtMostOncePerIntervalAndAlwaysTheLatest() throws Exception {
    try (TopologyFixture f = new TopologyFixture(1000)) {
      // 300 changes to one customer over 3 s of wall-clock time, 10 ms apart.
      for (int i = 0; i < 300; i++) {
        f.clickstream.pipeInput(utf8("a"), utf8(listen("a", "t" + (i % 7), "2026-03-04 10:00:00")));
        f.tick(10);
      }
      List<TestRecord<String, byte[]>> during = f.profiles.readRecordsToList();
      // At most one per second (plus the first), never two within an interval.
      assertTrue(during.size() <= 4, "published " + during.size() + " times in 3 s");
      for (int i = 1; i < during.size(); i++) {
        long gap = during.get(i).timestamp() - during.get(i - 1).timestamp();
        assertTrue(gap >= 1000, "two publications " + gap + " ms apart");
      }
      f.tick(2000);
      List<TestRecord<String, byte[]>> after = f.profiles.readRecordsToList();
      assertEquals(1, after.size(), "the last change is published once the interval has passed");
      assertEquals(300, listens(after.get(0)), "and it is the latest profile");
      JsObject last = (JsObject) JsJson.parse(new String(after.get(0).value(), StandardCharsets.UTF_8));
      assertEquals(7.0, last.get("uniqueTracks"));
      // Nothing changed since: nothing more is published.
      f.tick(5000);
      assertTrue(f.profiles.isEmpty());
    }
  }

  @Test
  void publishesEachChangedCustomerSeparately() throws Exception {
    try (TopologyFixture f = new TopologyFixture(500)) {
      f.clickstream.pipeInput(utf8("a"), utf8(listen("a", "t", "2026-03-04 10:00:00")));
      f.predictions.pipeInput(utf8("b"), utf8("{\"customerId\":\"b\",\"churnRisk\":0.5}"));
      f.customers.pipeInput(utf8("c"), utf8("{\"CustID\":\"c\",\"Level\":2}"));
      f.tick(600);
      List<TestRecord<String, byte[]>> out = f.profiles.readRecordsToList();
      assertEquals(3, out.size());
      for (TestRecord<String, byte[]> r : out) {
        String json = new String(r.value(), StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"v\":1,\"customerId\":\"" + r.key() + "\""), json);
      }
      // A later change to one customer publishes that customer alone.
      f.customers.pipeInput(utf8("c"), utf8("{\"CustID\":\"c\",\"Level\":0}"));
      f.tick(600);
      f.tick(600);
      List<TestRecord<String, byte[]>> again = f.profiles.readRecordsToList();
      assertEquals(1, again.size());
      assertEquals("c", again.get(0).key());
      assertTrue(new String(again.get(0).value(), StandardCharsets.UTF_8).endsWith("\"crm\":{\"level\":\"Free\"}}"));
    }
  }

  @Test
  void aBadRecordBecomesADeadLetterAndTheRestGoesOn() throws Exception {
    try (TopologyFixture f = new TopologyFixture(100)) {
      byte[] bad = utf8("{\"type\":\"listen\",\"customerId\":\"a\",\"trackId\":\"t\",\"ts\":\"2026-02-30 10:00:00\"}");
      f.clickstream.pipeInput(utf8("a"), utf8(listen("a", "t", "2026-03-04 10:00:00")));
      f.clickstream.pipeInput(utf8("key-of-bad"), bad);
      f.predictions.pipeInput(null, (byte[]) null);
      f.clickstream.pipeInput(utf8("a"), utf8(listen("a", "u", "2026-03-04 11:00:00")));
      f.tick(200);

      List<TestRecord<byte[], byte[]>> dead = f.deadLetters.readRecordsToList();
      assertEquals(2, dead.size());
      TestRecord<byte[], byte[]> first = dead.get(0);
      assertArrayEquals(bad, first.value(), "the raw bytes");
      assertArrayEquals(utf8("key-of-bad"), first.key(), "the input's key");
      assertEquals("ts: unreadable timestamp \"2026-02-30 10:00:00\"", ScenarioTest.header(first, "reason"));
      assertEquals("{\"topic\":\"clickstream\",\"partition\":0,\"offset\":\"1\"}", ScenarioTest.header(first, "origin"));
      TestRecord<byte[], byte[]> tombstone = dead.get(1);
      assertEquals(null, tombstone.value());
      assertEquals("empty message value", ScenarioTest.header(tombstone, "reason"));

      List<TestRecord<String, byte[]>> out = f.profiles.readRecordsToList();
      assertEquals(1, out.size());
      assertEquals(2, listens(out.get(0)), "both good listens count, the bad one does not");
    }
  }

  @Test
  void aCustomerOnlyInCrmHasAnEmptyProfileWithItsFields() throws Exception {
    try (TopologyFixture f = new TopologyFixture(100)) {
      f.customers.pipeInput(utf8("9"), utf8("{\"CustID\":9,\"SignDate\":\"03/04/2016\",\"Status\":\"1\"}"));
      f.tick(200);
      assertEquals(
          "{\"v\":1,\"customerId\":\"9\",\"listens\":0,\"uniqueTracks\":0,\"tod\":[0,0,0,0],\"mobile\":0,\"dayHour\":[],"
              + "\"firstSeen\":null,\"lastSeen\":null,\"listenZip\":null,\"clicks\":0,\"responseTimes\":null,\"products\":{},"
              + "\"churnHistory\":[],\"crm\":{\"sign_date\":\"2016-03-04\",\"status\":\"active\"}}",
          new String(f.profiles.readValue(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void neverSendsARecordOverTheSizeLimit() throws Exception {
    try (TopologyFixture f = new TopologyFixture(100, 3000)) {
      byte[] big = utf8("{\"type\":\"listen\",\"customerId\":\"a\",\"zip\":\"" + "z".repeat(5000) + "\"}");
      f.clickstream.pipeInput(utf8("a"), big);
      // CRM fields that would take the profile past the limit are left out; the app goes on.
      f.customers.pipeInput(utf8("b"), utf8("{\"customerId\":\"b\",\"Name\":\"B\"}"));
      f.customers.pipeInput(utf8("b"), utf8("{\"customerId\":\"b\",\"Note\":\"" + "n".repeat(4000) + "\"}"));
      f.clickstream.pipeInput(utf8("b"), utf8(listen("b", "t", "2026-03-04 10:00:00")));
      f.tick(200);
      TestRecord<byte[], byte[]> dead = f.deadLetters.readRecord();
      assertEquals(3000, dead.value().length);
      assertEquals(String.valueOf(big.length), ScenarioTest.header(dead, "truncated"));
      assertArrayEquals(java.util.Arrays.copyOf(big, 3000), dead.value());
      List<TestRecord<String, byte[]>> out = f.profiles.readRecordsToList();
      assertEquals(1, out.size());
      String json = new String(out.get(0).value(), StandardCharsets.UTF_8);
      assertTrue(json.contains("\"listens\":1") && json.endsWith("\"crm\":{\"name\":\"B\"}}"), json);
    }
  }
}
