package customer360.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path dir;

  Path file(String text) throws Exception {
    Path p = dir.resolve("streams.properties");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void flagsWinOverTheEnvironmentWhichWinsOverTheFile() throws Exception {
    Path f =
        file(
            "bootstrap.servers=file:9092\napplication.id=from-file\nstate.dir=/file\nc360.topic.clickstream=clicks\n"
                + "c360.emit.interval.ms=5000\nsecurity.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\\\"u\\\" password=\\\"p\\\";\n"
                + "ssl.truststore.location=/ca.pem\nssl.truststore.type=PEM\n");
    Settings s =
        Settings.load(
            List.of("--config", f.toString(), "--bootstrap-servers", "flag:9092", "--property", "num.stream.threads=3"),
            Map.of(
                "C360_STREAMS_BOOTSTRAP_SERVERS", "env:9092",
                "C360_STREAMS_APPLICATION_ID", "from-env",
                "C360_STREAMS_TOPIC_PROFILES", "profiles-env"));
    assertEquals("flag:9092", s.get("bootstrap.servers"));
    assertEquals("from-env", s.applicationId());
    assertEquals("/file", s.get("state.dir"));
    assertEquals("clicks", s.clickstreamTopic());
    assertEquals("predictions", s.predictionsTopic());
    assertEquals("profiles-env", s.profilesTopic());
    assertEquals("customer360-dead-letters", s.deadLetterTopic());
    assertEquals(5000, s.emitIntervalMs());
    Properties p = s.streamsProperties();
    assertEquals("exactly_once_v2", p.get("processing.guarantee"));
    assertEquals("SASL_SSL", p.get("security.protocol"));
    assertEquals("PEM", p.get("ssl.truststore.type"));
    assertEquals("3", p.get("num.stream.threads"));
    assertTrue(p.keySet().stream().noneMatch(k -> k.toString().startsWith("c360.")), "our keys stay out of Kafka's");
    assertEquals("(hidden)", s.describe().get("sasl.jaas.config"));
  }

  @Test
  void defaults() throws Exception {
    Settings s = Settings.load(List.of("--bootstrap-servers=b:9092"), Map.of());
    assertEquals("customer360-profiles", s.applicationId());
    assertEquals("clickstream", s.clickstreamTopic());
    assertEquals("customers", s.customersTopic());
    assertEquals("customer-profiles", s.profilesTopic());
    assertEquals(1000, s.emitIntervalMs());
  }

  @Test
  void refusesSettingsThatCannotWork() throws Exception {
    assertThrows(Settings.Invalid.class, () -> Settings.load(List.of(), Map.of()));
    assertThrows(Settings.Invalid.class, () -> Settings.load(List.of("--bootstrap-servers", "b:1", "--nope"), Map.of()));
    assertThrows(Settings.Invalid.class, () -> Settings.load(List.of("--bootstrap-servers"), Map.of()));
    assertThrows(
        Settings.Invalid.class,
        () -> Settings.load(List.of("--bootstrap-servers", "b:1", "--property", "c360.topic.predictions=clickstream"), Map.of()));
    assertThrows(
        Settings.Invalid.class,
        () -> Settings.load(List.of("--bootstrap-servers", "b:1", "--property", "c360.topic.profiles=customers"), Map.of()));
    assertThrows(Settings.Invalid.class, () -> Settings.load(List.of("--bootstrap-servers", "b:1", "--emit-interval-ms", "0"), Map.of()));
    assertThrows(
        Settings.Invalid.class, () -> Settings.load(List.of("--config", dir.resolve("missing.properties").toString()), Map.of()));
    Settings.Invalid e =
        assertThrows(
            Settings.Invalid.class,
            () -> Settings.load(List.of("--bootstrap-servers", "b:1", "--property", "c360.events.partitions=many"), Map.of()));
    assertTrue(e.getMessage().contains("c360.events.partitions"), e.getMessage());
  }
}
