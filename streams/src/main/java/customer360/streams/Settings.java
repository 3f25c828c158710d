package customer360.streams;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings as Kafka's own tools take them: a .properties file (--config FILE) passed through to Kafka
 * Streams, our own keys under "c360.", then environment variables, then flags; a later source wins
 * (flags &gt; environment &gt; file &gt; defaults).
 */
public final class Settings {
  public static final String TOPIC_CLICKSTREAM = "c360.topic.clickstream";
  public static final String TOPIC_PREDICTIONS = "c360.topic.predictions";
  public static final String TOPIC_CUSTOMERS = "c360.topic.customers";
  public static final String TOPIC_PROFILES = "c360.topic.profiles";
  public static final String TOPIC_DEAD_LETTERS = "c360.topic.dead-letters";
  public static final String EMIT_INTERVAL_MS = "c360.emit.interval.ms";
  public static final String EVENTS_PARTITIONS = "c360.events.partitions";
  public static final String PROFILES_PARTITIONS = "c360.topic.profiles.partitions";
  public static final String DEAD_LETTERS_PARTITIONS = "c360.topic.dead-letters.partitions";
  public static final String REPLICATION_FACTOR = "c360.topic.replication.factor";
  public static final String MAX_RECORD_BYTES = "c360.max.record.bytes";

  /** Under Kafka's 1 MB defaults (max.request.size, message.max.bytes) with room for key and headers. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 900_000;

  public static final String DEFAULT_APPLICATION_ID = "customer360-profiles";

  /** Environment variables and the property each sets. */
  public static final Map<String, String> ENVIRONMENT = new LinkedHashMap<>();

  static {
    ENVIRONMENT.put("C360_STREAMS_BOOTSTRAP_SERVERS", StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
    ENVIRONMENT.put("C360_STREAMS_APPLICATION_ID", StreamsConfig.APPLICATION_ID_CONFIG);
    ENVIRONMENT.put("C360_STREAMS_STATE_DIR", StreamsConfig.STATE_DIR_CONFIG);
    ENVIRONMENT.put("C360_STREAMS_NUM_STREAM_THREADS", StreamsConfig.NUM_STREAM_THREADS_CONFIG);
    ENVIRONMENT.put("C360_STREAMS_SECURITY_PROTOCOL", "security.protocol");
    ENVIRONMENT.put("C360_STREAMS_SASL_MECHANISM", "sasl.mechanism");
    ENVIRONMENT.put("C360_STREAMS_SASL_JAAS_CONFIG", "sasl.jaas.config");
    ENVIRONMENT.put("C360_STREAMS_SSL_TRUSTSTORE_LOCATION", "ssl.truststore.location");
    ENVIRONMENT.put("C360_STREAMS_SSL_TRUSTSTORE_PASSWORD", "ssl.truststore.password");
    ENVIRONMENT.put("C360_STREAMS_SSL_TRUSTSTORE_TYPE", "ssl.truststore.type");
    ENVIRONMENT.put("C360_STREAMS_SSL_KEYSTORE_LOCATION", "ssl.keystore.location");
    ENVIRONMENT.put("C360_STREAMS_SSL_KEYSTORE_PASSWORD", "ssl.keystore.password");
    ENVIRONMENT.put("C360_STREAMS_SSL_KEYSTORE_TYPE", "ssl.keystore.type");
    ENVIRONMENT.put("C360_STREAMS_SSL_KEY_PASSWORD", "ssl.key.password");
    ENVIRONMENT.put("C360_STREAMS_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "ssl.endpoint.identification.algorithm");
    ENVIRONMENT.put("C360_STREAMS_TOPIC_CLICKSTREAM", TOPIC_CLICKSTREAM);
    ENVIRONMENT.put("C360_STREAMS_TOPIC_PREDICTIONS", TOPIC_PREDICTIONS);
    ENVIRONMENT.put("C360_STREAMS_TOPIC_CUSTOMERS", TOPIC_CUSTOMERS);
    ENVIRONMENT.put("C360_STREAMS_TOPIC_PROFILES", TOPIC_PROFILES);
    ENVIRONMENT.put("C360_STREAMS_TOPIC_DEAD_LETTERS", TOPIC_DEAD_LETTERS);
    ENVIRONMENT.put("C360_STREAMS_EMIT_INTERVAL_MS", EMIT_INTERVAL_MS);
  }

  /** Flags with a value and the property each sets (besides --config and --property). */
  public static final Map<String, String> FLAGS = new LinkedHashMap<>();

  static {
    FLAGS.put("--bootstrap-servers", StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
    FLAGS.put("--application-id", StreamsConfig.APPLICATION_ID_CONFIG);
    FLAGS.put("--state-dir", StreamsConfig.STATE_DIR_CONFIG);
    FLAGS.put("--emit-interval-ms", EMIT_INTERVAL_MS);
  }

  /** Thrown for settings that cannot work; the message says what to change. */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    public Invalid(String message) {
      super(message);
    }
  }

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = values;
  }

  public static Settings of(Map<String, String> values) {
    return new Settings(new TreeMap<>(values));
  }

  /** What "c360-streams [flags]" and the environment say, the file named by --config under both. */
  public static Settings load(List<String> args, Map<String, String> env) throws Invalid {
    Map<String, String> fromFlags = new LinkedHashMap<>();
    String configFile = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String flag = arg;
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        flag = arg.substring(0, eq);
        inline = arg.substring(eq + 1);
      }
      if (!flag.equals("--config") && !flag.equals("--property") && !FLAGS.containsKey(flag))
        throw new Invalid("unknown option " + arg + " (see --help)");
      String value = inline;
      if (value == null) {
        if (i + 1 >= args.size()) throw new Invalid(flag + " needs a value");
        value = args.get(++i);
      }
      if (flag.equals("--config")) configFile = value;
      else if (flag.equals("--property")) {
        int at = value.indexOf('=');
        if (at <= 0) throw new Invalid("--property takes KEY=VALUE, got " + value);
        fromFlags.put(value.substring(0, at).trim(), value.substring(at + 1));
      } else fromFlags.put(FLAGS.get(flag), value);
    }
    Map<String, String> merged = new TreeMap<>();
    merged.put(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
    if (configFile != null) {
      Properties file = new Properties();
      Path path = Path.of(configFile);
      try (InputStream in = Files.newInputStream(path)) {
        file.load(in);
      } catch (IOException e) {
        throw new Invalid("cannot read the config file " + configFile + ": " + e.getMessage());
      }
      for (String name : file.stringPropertyNames()) merged.put(name, file.getProperty(name));
    }
    for (Map.Entry<String, String> e : ENVIRONMENT.entrySet()) {
      String v = env.get(e.getKey());
      if (v != null && !v.isEmpty()) merged.put(e.getValue(), v);
    }
    merged.putAll(fromFlags);
    Settings s = new Settings(merged);
    s.validate();
    return s;
  }

  private void validate() throws Invalid {
    if (get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) == null)
      throw new Invalid(
          "no brokers: set bootstrap.servers in the config file, C360_STREAMS_BOOTSTRAP_SERVERS or --bootstrap-servers");
    List<String> inputs = new ArrayList<>(List.of(clickstreamTopic(), predictionsTopic(), customersTopic()));
    for (String t : inputs) if (t.isBlank()) throw new Invalid("a topic name is empty");
    if (inputs.stream().distinct().count() != inputs.size())
      throw new Invalid("the clickstream, predictions and customers topics must be three different topics");
    if (inputs.contains(profilesTopic()) || inputs.contains(deadLetterTopic()) || profilesTopic().equals(deadLetterTopic()))
      throw new Invalid("the profiles and dead-letter topics must differ from each other and from the input topics");
    if (emitIntervalMs() < 1) throw new Invalid(EMIT_INTERVAL_MS + " must be at least 1");
    positive(EVENTS_PARTITIONS);
    positive(PROFILES_PARTITIONS);
    positive(DEAD_LETTERS_PARTITIONS);
    positive(MAX_RECORD_BYTES);
    number(REPLICATION_FACTOR, -1);
  }

  private void positive(String key) throws Invalid {
    number(key, 1);
  }

  private void number(String key, long min) throws Invalid {
    String v = get(key);
    if (v == null) return;
    try {
      if (Long.parseLong(v.trim()) < min) throw new Invalid(key + " must be at least " + min + ", got " + v);
    } catch (NumberFormatException e) {
      throw new Invalid(key + " must be a whole number, got " + v);
    }
  }

  public String get(String key) {
    String v = values.get(key);
    return v == null ? null : v.trim();
  }

  private String get(String key, String fallback) {
    String v = get(key);
    return v == null ? fallback : v;
  }

  public String clickstreamTopic() {
    return get(TOPIC_CLICKSTREAM, "clickstream");
  }

  public String predictionsTopic() {
    return get(TOPIC_PREDICTIONS, "predictions");
  }

  public String customersTopic() {
    return get(TOPIC_CUSTOMERS, "customers");
  }

  public String profilesTopic() {
    return get(TOPIC_PROFILES, "customer-profiles");
  }

  public String deadLetterTopic() {
    return get(TOPIC_DEAD_LETTERS, "customer360-dead-letters");
  }

  public long emitIntervalMs() {
    try {
      return Long.parseLong(get(EMIT_INTERVAL_MS, "1000"));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The largest value the app sends (c360.max.record.bytes). */
  public int maxRecordBytes() {
    Integer n = intOrNull(MAX_RECORD_BYTES);
    return n == null ? DEFAULT_MAX_RECORD_BYTES : n;
  }

  public Integer intOrNull(String key) {
    String v = get(key);
    return v == null ? null : Integer.valueOf(v);
  }

  public String applicationId() {
    return get(StreamsConfig.APPLICATION_ID_CONFIG);
  }

  /** Everything but our own keys, for Kafka Streams, with exactly-once v2 unless the file says otherwise. */
  public Properties streamsProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // We have no global stores; this only keeps a start-up warning about them quiet.
    p.put("processing.exception.handler.global.enabled", "true");
    // The inputs are subscribed by pattern: a topic created later is seen at the next metadata
    // refresh, every 5 minutes by default; 30 s is soon enough and costs little.
    p.put(StreamsConfig.MAIN_CONSUMER_PREFIX + "metadata.max.age.ms", "30000");
    for (Map.Entry<String, String> e : values.entrySet())
      if (!e.getKey().startsWith("c360.")) p.put(e.getKey(), e.getValue());
    return p;
  }

  /** The settings for printing: secrets hidden. */
  public Map<String, String> describe() {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      String k = e.getKey().toLowerCase(java.util.Locale.ROOT);
      boolean secret = k.contains("password") || k.contains("jaas") || k.contains("secret") || k.endsWith(".key");
      out.put(e.getKey(), secret ? "(hidden)" : e.getValue());
    }
    return out;
  }
}
