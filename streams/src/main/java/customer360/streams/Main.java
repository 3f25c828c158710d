package customer360.streams;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** c360-streams: computes the engine's customer profiles on Kafka Streams (README.md beside the pom). */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger("customer360.streams");

  private Main() {}

  static final String USAGE =
      String.join(
          "\n",
          "Usage: java -jar customer360-streams.jar [--config FILE] [options]",
          "",
          "Computes Customer 360 profiles from the clickstream, predictions and customers topics and",
          "publishes them to a compacted topic. Run more instances with the same application.id to scale.",
          "",
          "  --config FILE              Kafka Streams .properties file; our keys start with c360.",
          "  --bootstrap-servers LIST   brokers (bootstrap.servers)",
          "  --application-id ID        application.id (default " + Settings.DEFAULT_APPLICATION_ID + ")",
          "  --state-dir DIR            where the RocksDB stores live (state.dir)",
          "  --emit-interval-ms N       publish a customer at most once per N ms (c360.emit.interval.ms, default 1000)",
          "  --property KEY=VALUE       any other setting; may be repeated",
          "  --print-topology           print the topology and exit",
          "  --help                     this text",
          "",
          "Precedence: flags, then environment variables (C360_STREAMS_*), then the config file.");

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  static int run(String[] argv, Map<String, String> env, PrintStream out, PrintStream err) {
    List<String> args = new ArrayList<>(Arrays.asList(argv));
    if (args.contains("--help") || args.contains("-h")) {
      out.println(USAGE);
      return 0;
    }
    boolean printTopology = args.remove("--print-topology");
    Settings settings;
    try {
      settings = Settings.load(args, env);
    } catch (Settings.Invalid e) {
      err.println("c360-streams: " + e.getMessage());
      return 2;
    }
    if (printTopology) {
      out.println(ProfilesTopology.build(ProfilesTopology.Options.from(settings, settings.intOrNull(Settings.EVENTS_PARTITIONS))).describe());
      return 0;
    }
    Properties props = settings.streamsProperties();
    int eventsPartitions;
    try {
      eventsPartitions = prepareTopics(settings, props);
    } catch (Fatal e) {
      err.println("c360-streams: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    Topology topology = ProfilesTopology.build(ProfilesTopology.Options.from(settings, eventsPartitions), props);
    return runStreams(settings, topology, props);
  }

  static final class Fatal extends Exception {
    private static final long serialVersionUID = 1L;

    Fatal(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static Throwable rootOf(Throwable t) {
    while (t instanceof ExecutionException && t.getCause() != null) t = t.getCause();
    return t;
  }

  /**
   * Creates the profiles (compacted) and dead-letter topics when missing, reports missing inputs, and
   * settles the events topic's partition count: c360.events.partitions, else the existing internal
   * topic's, else the most partitions among the input topics. Retries while the cluster cannot be
   * reached; gives up at once when a login or an authorisation is refused.
   */
  static int prepareTopics(Settings s, Properties props) throws Fatal, InterruptedException {
    Map<String, Object> adminConfig = new StreamsConfig(props).getAdminConfigs("c360-streams-admin");
    long backoffMs = 1000;
    while (true) {
      try (Admin admin = Admin.create(adminConfig)) {
        return prepareTopics(s, admin);
      } catch (ExecutionException | org.apache.kafka.common.KafkaException e) {
        Throwable cause = rootOf(e);
        if (cause instanceof AuthenticationException || cause instanceof AuthorizationException)
          throw new Fatal(
              "Kafka refused us at " + s.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) + ": " + cause.getMessage()
                  + "; check the SASL/SSL settings",
              cause);
        log.warn("cannot prepare the topics yet ({}); trying again in {} s", cause.toString(), backoffMs / 1000);
        Thread.sleep(backoffMs);
        backoffMs = Math.min(30_000, backoffMs * 2);
      }
    }
  }

  private static int prepareTopics(Settings s, Admin admin) throws ExecutionException, InterruptedException {
    Set<String> existing = admin.listTopics().names().get();
    String repartition = s.applicationId() + "-" + ProfilesTopology.EVENTS_REPARTITION + "-repartition";
    List<String> described = new ArrayList<>();
    for (String t : List.of(s.clickstreamTopic(), s.predictionsTopic(), s.customersTopic(), repartition))
      if (existing.contains(t)) described.add(t);
    Map<String, TopicDescription> topics =
        described.isEmpty() ? Map.of() : admin.describeTopics(described).allTopicNames().get();
    for (String t : List.of(s.clickstreamTopic(), s.predictionsTopic(), s.customersTopic()))
      if (!topics.containsKey(t))
        log.warn("topic \"{}\" does not exist yet; it will be read once it exists (looked for every 30 s)", t);
    Integer events = s.intOrNull(Settings.EVENTS_PARTITIONS);
    if (events == null && topics.containsKey(repartition)) events = topics.get(repartition).partitions().size();
    if (events == null) {
      int most = 1;
      for (Map.Entry<String, TopicDescription> e : topics.entrySet())
        if (!e.getKey().equals(repartition)) most = Math.max(most, e.getValue().partitions().size());
      events = most;
    }
    Optional<Short> replication = Optional.empty();
    Integer rf = s.intOrNull(Settings.REPLICATION_FACTOR);
    if (rf != null && rf > 0) replication = Optional.of(rf.shortValue());
    List<NewTopic> create = new ArrayList<>();
    if (!existing.contains(s.profilesTopic())) {
      Integer n = s.intOrNull(Settings.PROFILES_PARTITIONS);
      create.add(
          new NewTopic(s.profilesTopic(), Optional.of(n == null ? events : n), replication)
              .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    } else warnUnlessCompacted(admin, s.profilesTopic());
    if (!existing.contains(s.deadLetterTopic())) {
      Integer n = s.intOrNull(Settings.DEAD_LETTERS_PARTITIONS);
      create.add(new NewTopic(s.deadLetterTopic(), Optional.of(n == null ? 1 : n), replication));
    }
    for (NewTopic t : create) {
      try {
        admin.createTopics(List.of(t)).all().get();
        log.info("created topic \"{}\" ({} partitions{})", t.name(), t.numPartitions(), t.configs() == null ? "" : ", compacted");
      } catch (ExecutionException e) {
        if (!(rootOf(e) instanceof TopicExistsException)) throw e;
      }
    }
    return events;
  }

  private static void warnUnlessCompacted(Admin admin, String topic) throws ExecutionException, InterruptedException {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(r)).all().get().get(r);
    ConfigEntry policy = config == null ? null : config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
    if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT))
      log.warn(
          "topic \"{}\" exists without cleanup.policy=compact ({}): old profiles will be deleted by retention, not compacted",
          topic,
          policy == null ? "unknown" : policy.value());
  }

  private static int runStreams(Settings s, Topology topology, Properties props) {
    KafkaStreams streams = new KafkaStreams(topology, props);
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicInteger exitCode = new AtomicInteger(0);
    // A thread that dies of an unexpected error is replaced; too many in a short time stop the client.
    AtomicLong windowStart = new AtomicLong(System.currentTimeMillis());
    AtomicInteger replaced = new AtomicInteger();
    streams.setUncaughtExceptionHandler(
        e -> {
          long now = System.currentTimeMillis();
          if (now - windowStart.get() > 600_000) {
            windowStart.set(now);
            replaced.set(0);
          }
          if (replaced.incrementAndGet() <= 5) {
            log.error("a stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
          }
          log.error("stream threads keep failing; stopping", e);
          exitCode.set(1);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING) log.info("running");
          else if (now == KafkaStreams.State.REBALANCING) log.info("rebalancing");
          else if (now == KafkaStreams.State.ERROR) {
            exitCode.set(1);
            stopped.countDown();
          } else if (now == KafkaStreams.State.NOT_RUNNING) stopped.countDown();
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping");
                  streams.close(Duration.ofSeconds(30));
                  stopped.countDown();
                },
                "c360-streams-shutdown"));
    Map<String, String> shown = new HashMap<>(s.describe());
    log.info(
        "application \"{}\" reading {}, {}, {} at {}; profiles to \"{}\" (at most once per {} ms per customer), dead letters to \"{}\"",
        s.applicationId(),
        s.clickstreamTopic(),
        s.predictionsTopic(),
        s.customersTopic(),
        shown.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG),
        s.profilesTopic(),
        s.emitIntervalMs(),
        s.deadLetterTopic());
    streams.start();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (exitCode.get() != 0) streams.close(Duration.ofSeconds(30));
    return exitCode.get();
  }
}
