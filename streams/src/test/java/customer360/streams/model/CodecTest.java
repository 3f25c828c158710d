package customer360.streams.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import customer360.streams.decode.DecodeResult;
import customer360.streams.decode.RecordDecoder;
import customer360.streams.js.Utf8;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** State and events survive their binary forms unchanged (compared through their JSON). */
class CodecTest {
  static Event decode(String value, RecordDecoder.Kind kind) {
    DecodeResult r = RecordDecoder.decodeMessage(Utf8.encode(value), kind);
    if (!r.ok()) throw new AssertionError(r.reason);
    return r.event;
  }

  @Test
  void eventsRoundTrip() {
    String[][] cases = {
      {"{\"type\":\"listen\",\"eventId\":\"e1\",\"customerId\":\"42\",\"trackId\":\"981\",\"ts\":\"2026-03-04T21:15:07+02:00\",\"mobile\":true,\"zip\":\"72132\"}", "clickstream"},
      {"{\"type\":\"listen\",\"customerId\":\"\ud83d\ude00\",\"trackId\":7,\"ts\":\"2026-03-04 21:15\"}", "clickstream"},
      {"{\"type\":\"click\",\"customerId\":\"42\",\"ts\":\"2026-03-04T21:15:07Z\",\"responseTimeMs\":2384.5,\"product\":\"__proto__\"}", "clickstream"},
      {"{\"user_id\":7,\"churn_risk\":33.3}", "predictions"},
      {"{\"user_id\":7,\"prediction\":\"1\",\"model\":12.5}", "predictions"},
      {"{\"customerId\":\"1\",\"10\":\"ten\",\"Nested\":{\"a\":\"\\ud800\"},\"Score\":-0,\"Flag\":false,\"Level\":2}", "customers"},
    };
    for (String[] c : cases) {
      Event e = decode(c[0], RecordDecoder.Kind.of(c[1]));
      assertEquals(e.toString(), Codec.decodeEvent(Codec.encodeEvent(e)).toString());
    }
  }

  @Test
  void profilesRoundTrip() {
    Profile p = new Profile("c");
    Set<String> tracks = new HashSet<>();
    ProfileAggregator.TrackSet set = (id, t) -> tracks.add(t);
    ProfileAggregator.apply(p, decode("{\"type\":\"listen\",\"customerId\":\"c\",\"trackId\":\"1\",\"ts\":\"2026-03-04 05:00:00\",\"zip\":\"z\",\"mobile\":1}", RecordDecoder.Kind.CLICKSTREAM), set);
    ProfileAggregator.apply(p, decode("{\"type\":\"click\",\"customerId\":\"c\",\"ts\":\"2026-03-04 05:00:00\",\"responseTimeMs\":10,\"product\":\"10\"}", RecordDecoder.Kind.CLICKSTREAM), set);
    ProfileAggregator.apply(p, decode("{\"type\":\"click\",\"customerId\":\"c\",\"ts\":\"2026-03-04 05:00:00\",\"product\":\"b\"}", RecordDecoder.Kind.CLICKSTREAM), set);
    for (int i = 0; i < 60; i++)
      ProfileAggregator.apply(p, decode("{\"customerId\":\"c\",\"churnRisk\":" + (i / 60.0) + "}", RecordDecoder.Kind.PREDICTIONS), set);
    ProfileAggregator.apply(p, decode("{\"user_id\":\"c\",\"prediction\":0}", RecordDecoder.Kind.PREDICTIONS), set);
    ProfileAggregator.apply(p, decode("{\"customerId\":\"c\",\"Name\":\"N\",\"2\":true,\"Score\":1e21}", RecordDecoder.Kind.CUSTOMERS), set);
    String json = ProfileJson.toJson(p);
    assertEquals(json, ProfileJson.toJson(Codec.decodeProfile(Codec.encodeProfile(p))));
    assertEquals(50, p.churnHistory.size());
    assertEquals(0, (int) p.churnHistory.get(49).label);
    assertEquals(
        "{\"v\":1,\"customerId\":\"c\",\"listens\":1,\"uniqueTracks\":1,\"tod\":[1,0,0,0],\"mobile\":1,\"dayHour\":[53,1],"
            + "\"firstSeen\":{\"text\":\"2026-03-04 05:00:00\",\"epochMs\":1772600400000},"
            + "\"lastSeen\":{\"text\":\"2026-03-04 05:00:00\",\"epochMs\":1772600400000},"
            + "\"listenZip\":{\"text\":\"2026-03-04 05:00:00\",\"epochMs\":1772600400000,\"zip\":\"z\"},\"clicks\":2,"
            + "\"responseTimes\":{\"count\":1,\"sum\":10,\"sumSquares\":100,\"min\":10,\"max\":10},\"products\":{\"10\":1,\"b\":1},",
        json.substring(0, json.indexOf("\"churnHistory\"")));
    assertEquals("\"crm\":{\"2\":true,\"name\":\"N\",\"score\":1e+21}}", json.substring(json.indexOf("\"crm\"")));
  }
}
