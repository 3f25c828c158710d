package customer360.streams;

import customer360.streams.decode.DecodeResult;
import customer360.streams.decode.RecordDecoder;
import customer360.streams.js.JsJson;
import customer360.streams.js.Utf8;
import customer360.streams.model.Codec;
import customer360.streams.model.Event;
import customer360.streams.model.Profile;
import customer360.streams.model.ProfileAggregator;
import customer360.streams.model.ProfileJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams topology.
 *
 * <pre>
 *  clickstream ─┐                      ┌─ rejected ─► dead-letter topic (raw bytes; reason, origin headers)
 *  predictions ─┼─► decode (per topic) ┤
 *  customers ───┘                      └─ events ─► repartition by customer id ─► aggregate ─► profiles topic
 *                                                  (…-events-repartition)        (RocksDB:    (at most once per
 *                                                                                 profiles,    emit interval per
 *                                                                                 tracks,      customer, from a
 *                                                                                 emit)        wall-clock punctuator)
 * </pre>
 *
 * Events are repartitioned by the customer id they carry, so a customer's profile lives in one task
 * whatever the input keys and partition counts are; a customer's events from one input partition keep
 * their offset order. The input topics are subscribed by pattern, so a customers topic created later
 * is picked up.
 */
public final class ProfilesTopology {
  private ProfilesTopology() {}

  public static final String PROFILES_STORE = "c360-profiles";
  public static final String TRACKS_STORE = "c360-tracks";
  public static final String EMIT_STORE = "c360-emit";
  public static final String EVENTS_REPARTITION = "events";

  /** What the topology needs to know. */
  public static final class Options {
    final Map<String, RecordDecoder.Kind> kinds = new LinkedHashMap<>();
    final String profilesTopic;
    final String deadLetterTopic;
    final long emitIntervalMs;
    final Integer eventsPartitions;
    int maxRecordBytes = Settings.DEFAULT_MAX_RECORD_BYTES;

    /** The largest value sent; see c360.max.record.bytes. */
    public Options maxRecordBytes(int bytes) {
      this.maxRecordBytes = bytes;
      return this;
    }

    public Options(
        String clickstream,
        String predictions,
        String customers,
        String profilesTopic,
        String deadLetterTopic,
        long emitIntervalMs,
        Integer eventsPartitions) {
      kinds.put(clickstream, RecordDecoder.Kind.CLICKSTREAM);
      kinds.put(predictions, RecordDecoder.Kind.PREDICTIONS);
      kinds.put(customers, RecordDecoder.Kind.CUSTOMERS);
      this.profilesTopic = profilesTopic;
      this.deadLetterTopic = deadLetterTopic;
      this.emitIntervalMs = emitIntervalMs;
      this.eventsPartitions = eventsPartitions;
    }

    public static Options from(Settings s, Integer eventsPartitions) {
      return new Options(
          s.clickstreamTopic(),
          s.predictionsTopic(),
          s.customersTopic(),
          s.profilesTopic(),
          s.deadLetterTopic(),
          s.emitIntervalMs(),
          eventsPartitions)
          .maxRecordBytes(s.maxRecordBytes());
    }

    public Set<String> inputTopics() {
      return kinds.keySet();
    }
  }

  /** A decoded record on its way to the aggregation, or a refused one on its way to the dead letters. */
  static final class Routed {
    final Event event;
    final byte[] rawKey;
    final byte[] rawValue;

    private Routed(Event event, byte[] rawKey, byte[] rawValue) {
      this.event = event;
      this.rawKey = rawKey;
      this.rawValue = rawValue;
    }
  }

  public static Serde<Event> eventSerde() {
    return Serdes.serdeFrom((topic, e) -> e == null ? null : Codec.encodeEvent(e), (topic, b) -> b == null ? null : Codec.decodeEvent(b));
  }

  public static Topology build(Options o) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, Settings.DEFAULT_APPLICATION_ID);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put("processing.exception.handler.global.enabled", "true");
    return build(o, p);
  }

  /** With the app's own settings, so topology-level settings (e.g. max.task.idle.ms) apply. */
  public static Topology build(Options o, Properties props) {
    StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
    List<String> quoted = new ArrayList<>();
    for (String t : o.inputTopics()) quoted.add(Pattern.quote(t));
    KStream<byte[], byte[]> raw =
        builder.stream(
            Pattern.compile(String.join("|", quoted)),
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("inputs"));
    KStream<String, Routed> decoded = raw.process(() -> new Decode(o.kinds, o.maxRecordBytes), Named.as("decode"));
    decoded
        .split(Named.as("route-"))
        .branch(
            (k, v) -> v.event == null,
            Branched.withConsumer(
                rejected ->
                    rejected
                        .map((k, v) -> KeyValue.pair(v.rawKey, v.rawValue), Named.as("dead-letter-value"))
                        .to(o.deadLetterTopic, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("dead-letters")),
                "rejected"))
        .defaultBranch(
            Branched.withConsumer(
                events -> {
                  Repartitioned<String, Event> repartitioned =
                      Repartitioned.with(Serdes.String(), eventSerde()).withName(EVENTS_REPARTITION);
                  if (o.eventsPartitions != null) repartitioned = repartitioned.withNumberOfPartitions(o.eventsPartitions);
                  events
                      .mapValues(v -> v.event, Named.as("event"))
                      .repartition(repartitioned)
                      .process(new AggregateSupplier(o.emitIntervalMs, o.maxRecordBytes), Named.as("aggregate"))
                      .to(o.profilesTopic, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("profiles"));
                },
                "events"));
    return builder.build();
  }

  /** origin header: {"topic":…,"partition":…,"offset":"…"}, as the engine's quarantine writes it. */
  static String origin(String topic, int partition, long offset) {
    return "{\"topic\":" + JsJson.quote(topic) + ",\"partition\":" + partition + ",\"offset\":\"" + offset + "\"}";
  }

  /** Decodes each record by its topic's kind; never throws on a record. */
  static final class Decode implements Processor<byte[], byte[], String, Routed> {
    private final Map<String, RecordDecoder.Kind> kinds;
    private final int maxRecordBytes;
    private ProcessorContext<String, Routed> context;

    Decode(Map<String, RecordDecoder.Kind> kinds, int maxRecordBytes) {
      this.kinds = kinds;
      this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
      this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      RecordMetadata md = context.recordMetadata().orElseThrow();
      RecordDecoder.Kind kind = kinds.get(md.topic());
      DecodeResult result =
          kind == null ? DecodeResult.fail("record from an unexpected topic") : RecordDecoder.decodeMessage(record.value(), kind);
      if (result.ok()) {
        // Fresh headers: the input's own headers are not carried into the events topic.
        context.forward(new Record<>(result.event.customerId, new Routed(result.event, null, null), record.timestamp()));
      } else {
        RecordHeaders headers = new RecordHeaders();
        headers.add("reason", Utf8.encode(result.reason));
        headers.add("origin", Utf8.encode(origin(md.topic(), md.partition(), md.offset())));
        byte[] value = record.value();
        if (value != null && value.length > maxRecordBytes) {
          // Under exactly-once an oversized send fails the whole transaction, and the same record
          // would fail again after every restart: the dead letter keeps the start and says so.
          headers.add("truncated", Utf8.encode(Integer.toString(value.length)));
          value = java.util.Arrays.copyOf(value, maxRecordBytes);
        }
        context.forward(new Record<>((String) null, new Routed(null, record.key(), value), record.timestamp(), headers));
      }
    }
  }

  static final class AggregateSupplier implements ProcessorSupplier<String, Event, String, byte[]> {
    private final long emitIntervalMs;
    private final int maxRecordBytes;

    AggregateSupplier(long emitIntervalMs, int maxRecordBytes) {
      this.emitIntervalMs = emitIntervalMs;
      this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public Processor<String, Event, String, byte[]> get() {
      return new Aggregate(emitIntervalMs, maxRecordBytes);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
      return Set.of(
          Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PROFILES_STORE), Serdes.String(), Serdes.ByteArray())
              .withCachingEnabled(),
          Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TRACKS_STORE), Serdes.String(), Serdes.ByteArray())
              .withCachingEnabled(),
          Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EMIT_STORE), Serdes.String(), Serdes.Long())
              .withCachingEnabled());
    }
  }

  /**
   * Applies events to profiles and publishes changed profiles at a bounded rate. The emit store
   * holds, per recently changed customer, either "dirty, may be published from time T" (T ≥ 0) or
   * "clean, published at T − interval; hold until T" (stored as −T). A wall-clock punctuator publishes
   * due dirty profiles and forgets expired holds, so a customer is published at most once per
   * interval, and always eventually (the store is changelogged, so this survives a restart).
   */
  static final class Aggregate implements Processor<String, Event, String, byte[]> {
    private static final byte[] PRESENT = new byte[0];

    /** How many due profiles one punctuation publishes at most; the rest wait for the next one. */
    static final int MAX_PER_PUNCTUATION = 50_000;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("customer360.streams");

    private final long intervalMs;
    private final int maxRecordBytes;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> profiles;
    private KeyValueStore<String, byte[]> tracks;
    private KeyValueStore<String, Long> emit;
    private ProfileAggregator.TrackSet trackSet;

    Aggregate(long intervalMs, int maxRecordBytes) {
      this.intervalMs = intervalMs;
      this.maxRecordBytes = maxRecordBytes;
    }

    /** Punctuation period: a quarter of the interval, within 10 ms … 1 s. */
    static long tickMs(long intervalMs) {
      return Math.max(10, Math.min(1000, intervalMs / 4));
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
      profiles = context.getStateStore(PROFILES_STORE);
      tracks = context.getStateStore(TRACKS_STORE);
      emit = context.getStateStore(EMIT_STORE);
      trackSet =
          (customerId, trackId) -> {
            String key = customerId + '\u0000' + trackId;
            if (tracks.get(key) != null) return false;
            tracks.put(key, PRESENT);
            return true;
          };
      context.schedule(Duration.ofMillis(tickMs(intervalMs)), PunctuationType.WALL_CLOCK_TIME, this::publishDue);
    }

    @Override
    public void process(Record<String, Event> record) {
      Event event = record.value();
      if (event == null) return;
      String id = event.customerId;
      byte[] stored = profiles.get(id);
      Profile p = stored == null ? new Profile(id) : Codec.decodeProfile(stored);
      ProfileAggregator.apply(p, event, trackSet);
      byte[] encoded = Codec.encodeProfile(p);
      if (encoded.length > maxRecordBytes) {
        // Its changelog record could not be sent (and would fail the transaction for ever after).
        log.error(
            "customer {}: the profile would grow to {} bytes, over c360.max.record.bytes ({}); this {} event is left out",
            id, encoded.length, maxRecordBytes, event.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
        return;
      }
      profiles.put(id, encoded);
      Long state = emit.get(id);
      if (state == null) emit.put(id, context.currentSystemTimeMs());
      else if (state < 0) emit.put(id, -state);
    }

    void publishDue(long now) {
      List<KeyValue<String, Long>> due = new ArrayList<>();
      List<String> expired = new ArrayList<>();
      try (KeyValueIterator<String, Long> it = emit.all()) {
        while (it.hasNext() && due.size() < MAX_PER_PUNCTUATION) {
          KeyValue<String, Long> kv = it.next();
          if (kv.value >= 0 && kv.value <= now) due.add(kv);
          else if (kv.value < 0 && -kv.value <= now) expired.add(kv.key);
        }
      }
      for (String id : expired) emit.delete(id);
      for (KeyValue<String, Long> kv : due) {
        byte[] stored = profiles.get(kv.key);
        if (stored != null) {
          byte[] json = Utf8.encode(ProfileJson.toJson(Codec.decodeProfile(stored)));
          if (json.length <= maxRecordBytes) context.forward(new Record<>(kv.key, json, now));
          else
            log.error(
                "customer {}: the profile is {} bytes of JSON, over c360.max.record.bytes ({}); not published",
                kv.key, json.length, maxRecordBytes);
        }
        emit.put(kv.key, -(now + intervalMs));
      }
    }
  }
}
