package customer360.streams;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** A TopologyTestDriver over the real topology, with the default topic names. */
final class TopologyFixture implements AutoCloseable {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  final Path stateDir;
  final TopologyTestDriver driver;
  final TestInputTopic<byte[], byte[]> clickstream;
  final TestInputTopic<byte[], byte[]> predictions;
  final TestInputTopic<byte[], byte[]> customers;
  final TestOutputTopic<String, byte[]> profiles;
  final TestOutputTopic<byte[], byte[]> deadLetters;

  TopologyFixture(long emitIntervalMs) throws Exception {
    this(emitIntervalMs, Settings.DEFAULT_MAX_RECORD_BYTES);
  }

  TopologyFixture(long emitIntervalMs, int maxRecordBytes) throws Exception {
    // Under target/, not the OS temp directory (Kafka Streams warns about that one).
    Path base = Path.of("target", "test-state");
    Files.createDirectories(base);
    stateDir = Files.createTempDirectory(base, "c360-streams-test");
    ProfilesTopology.Options options =
        new ProfilesTopology.Options(
                "clickstream", "predictions", "customers", "customer-profiles", "customer360-dead-letters", emitIntervalMs, 4)
            .maxRecordBytes(maxRecordBytes);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "c360-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put("processing.exception.handler.global.enabled", "true");
    driver = new TopologyTestDriver(ProfilesTopology.build(options, props), props, START);
    ByteArraySerializer bytes = new ByteArraySerializer();
    clickstream = driver.createInputTopic("clickstream", bytes, bytes, START, Duration.ofMillis(1));
    predictions = driver.createInputTopic("predictions", bytes, bytes, START, Duration.ofMillis(1));
    customers = driver.createInputTopic("customers", bytes, bytes, START, Duration.ofMillis(1));
    profiles = driver.createOutputTopic("customer-profiles", new StringDeserializer(), new ByteArrayDeserializer());
    deadLetters =
        driver.createOutputTopic("customer360-dead-letters", new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  TestInputTopic<byte[], byte[]> input(String topic) {
    switch (topic) {
      case "clickstream":
        return clickstream;
      case "predictions":
        return predictions;
      case "customers":
        return customers;
      default:
        throw new IllegalArgumentException(topic);
    }
  }

  static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  void tick(long ms) {
    driver.advanceWallClockTime(Duration.ofMillis(ms));
  }

  @Override
  public void close() throws Exception {
    driver.close();
    try (Stream<Path> files = Files.walk(stateDir)) {
      List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) Files.deleteIfExists(p);
    }
  }
}
