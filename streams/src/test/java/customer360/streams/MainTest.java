package customer360.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int run(Map<String, String> env, String... args) {
    return Main.run(
        args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpExitsZero() {
    assertEquals(0, run(Map.of(), "--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--bootstrap-servers"));
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    assertEquals(2, run(Map.of()));
    assertEquals(
        "c360-streams: no brokers: set bootstrap.servers in the config file, C360_STREAMS_BOOTSTRAP_SERVERS or --bootstrap-servers\n",
        err.toString(StandardCharsets.UTF_8));
    err.reset();
    assertEquals(2, run(Map.of("C360_STREAMS_BOOTSTRAP_SERVERS", "b:1"), "--emit-interval-ms", "soon"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("c360.emit.interval.ms"), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void printsTheTopologyWithTheConfiguredTopics() {
    assertEquals(
        0,
        run(
            Map.of("C360_STREAMS_BOOTSTRAP_SERVERS", "b:1", "C360_STREAMS_TOPIC_PROFILES", "p360"),
            "--print-topology",
            "--property",
            "c360.topic.dead-letters=dl"));
    String topology = out.toString(StandardCharsets.UTF_8);
    assertTrue(topology.contains("topic: p360") && topology.contains("topic: dl") && topology.contains("c360-profiles"), topology);
  }
}
