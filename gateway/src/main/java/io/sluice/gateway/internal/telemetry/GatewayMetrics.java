package io.sluice.gateway.internal.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.gateway.GatewayConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's meters (docs/observability.md), in Prometheus text format on {@code GET /metrics}
 * and, when {@code telemetry.metrics.otlp} is set, pushed over OTLP as well.
 *
 * <p>The GenAI ones follow the OpenTelemetry semantic conventions for generative AI: their names,
 * units, attributes and the advised bucket boundaries. The {@code sluice_gateway_*} ones are the
 * gateway's own. Every label value comes from the configuration or from a bounded set the gateway
 * names itself (models outside the configuration fold into {@code _OTHER}), so the number of
 * series has a bound the docs compute.
 */
public final class GatewayMetrics implements AutoCloseable {
  // Bucket boundaries advised by the GenAI semantic conventions, in seconds or tokens.
  static final double[] DURATION_BUCKETS = {0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56,
      5.12, 10.24, 20.48, 40.96, 81.92};
  static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25,
      0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0};
  static final double[] TPOT_BUCKETS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5,
      0.75, 1.0, 2.5};
  static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144,
      1048576, 4194304, 16777216, 67108864};
  /** The gateway's own latency: what it adds is meant to be well under a millisecond. */
  static final double[] ADDED_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};

  static final String OPERATION = "gen_ai.operation.name";
  static final String PROVIDER = "gen_ai.provider.name";
  static final String REQUEST_MODEL = "gen_ai.request.model";
  static final String RESPONSE_MODEL = "gen_ai.response.model";
  static final String ERROR_TYPE = "error.type";
  static final String TOKEN_TYPE = "gen_ai.token.type";
  static final String KEY = "sluice.key";
  static final String TARGET = "sluice.target";

  private final PrometheusMeterRegistry prometheus =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  /**
   * Prometheus alone, or with OTLP both under a composite: a composite meter passes each record
   * to every child through an iterator, a cost per record not paid when there is one child.
   */
  private final MeterRegistry registry;
  private final MeterRegistry otlp;
  /** Replaced on a reload, whose routes name the models from then on. */
  private volatile ModelLabels models;
  /** The {@code sluice_gateway_upstream_in_flight} gauges of the configuration in force. */
  private final java.util.List<Gauge> keyGauges = new java.util.ArrayList<>();
  private final AtomicInteger activeStreams = new AtomicInteger();
  private final Map<String, AtomicInteger> openStreams = new ConcurrentHashMap<>();
  /**
   * Meters by name and label values, looked up once: building and registering them anew for each
   * request (a builder, sorted tags, the registry's lookup) was 5 % of an event loop's time. The
   * label sets are bounded (see the class comment); past {@link #CACHED} the registry is asked.
   */
  private final Map<MeterId, io.micrometer.core.instrument.Meter> meters =
      new ConcurrentHashMap<>();
  static final int CACHED = 10_000;

  private record MeterId(String name, java.util.List<String> labels) {}

  /** {@link #finished}'s meters by label values; bounded by {@link #CACHED} as {@link #meters}. */
  private final Map<Labels, RequestMeters> requestMeters = new ConcurrentHashMap<>();

  /** Meters with no configured models: every model folds into {@code _OTHER}. */
  public GatewayMetrics() {
    this(GatewayConfig.of(java.util.List.of()));
  }

  public GatewayMetrics(GatewayConfig config) {
    this.models = new ModelLabels(config);
    this.otlp = OtlpMetrics.registry(config.telemetry()).orElse(null);
    if (otlp == null) {
      this.registry = prometheus;
    } else {
      CompositeMeterRegistry both = new CompositeMeterRegistry();
      both.add(prometheus);
      both.add(otlp);
      this.registry = both;
    }
    Gauge.builder("sluice_gateway_active_streams", activeStreams, AtomicInteger::get)
        .description("Streaming requests in flight, all front doors together").register(registry);
  }

  /** The registry the gateway's other parts (pools, usage log) register their gauges with. */
  public void gauge(String name, String description, Tags tags, Object source,
      ToDoubleFunction<Object> value) {
    Gauge.builder(name, source, value).description(description).tags(tags).register(registry);
  }

  /**
   * From now on, model names are label values when {@code config} names them: a reload's routes
   * and {@code telemetry.metrics.models}. Series of models named before stay (a bounded number:
   * what the configurations ever named).
   */
  public void models(GatewayConfig config) {
    this.models = new ModelLabels(config);
  }

  /**
   * Replaces the gauges of requests in flight on each upstream key with those of the
   * configuration in force, one per target and key: the series of a target a reload dropped go.
   */
  public synchronized void upstreamKeys(Map<Tags, java.util.function.IntSupplier> inFlight) {
    for (Gauge g : keyGauges) {
      registry.remove(g);
    }
    keyGauges.clear();
    inFlight.forEach((tags, reading) -> keyGauges.add(
        Gauge.builder("sluice_gateway_upstream_in_flight", reading, r -> r.getAsInt())
            .description("Requests in flight on each upstream key (keyN is the Nth of the "
                + "target's api-keys)")
            .tags(tags).strongReference(true).register(registry)));
  }

  /** A monotonic count read from {@code source} at each scrape, such as dropped log entries. */
  public void functionCounter(String name, String description, Object source,
      ToDoubleFunction<Object> value) {
    FunctionCounter.builder(name, source, value).description(description).register(registry);
  }

  public void streamStarted() {
    activeStreams.incrementAndGet();
  }

  public void streamEnded() {
    activeStreams.decrementAndGet();
  }

  /** A stream opened on the front door at {@code door} (its path). */
  public void streamStarted(String door) {
    streamStarted();
    openStreams(door).incrementAndGet();
  }

  public void streamEnded(String door) {
    streamEnded();
    openStreams(door).decrementAndGet();
  }

  private AtomicInteger openStreams(String door) {
    return openStreams.computeIfAbsent(door, d -> {
      AtomicInteger n = new AtomicInteger();
      Gauge.builder("sluice_gateway_open_streams", n, AtomicInteger::get)
          .description("Streams open to clients, by front door").tag("door", d)
          .register(registry);
      return n;
    });
  }

  public void request(String route, int status) {
    String code = Integer.toString(status);
    meter("sluice_gateway_requests", java.util.List.of(route, code), () -> Counter.builder(
            "sluice_gateway_requests").description("Requests answered, by front door and "
        + "HTTP status (200 for a stream that ended with an in-stream error)")
        .tag("route", route).tag("status", code).register(registry))
        .increment();
  }

  /**
   * Blocks a translating stream left out because the client's format has no place for them
   * (a server tool in Chat, …): what the client did not receive is counted, not lost silently.
   */
  public void translationDropped(String route, long count) {
    if (count > 0) {
      Counter.builder("sluice_gateway_translation_dropped")
          .description("Blocks of a translated stream left out because the client's format has "
              + "no place for them (a server tool in Chat, ...), by front door")
          .tag("route", route).register(registry).increment(count);
    }
  }

  public void upstreamError(String errorClass) {
    Counter.builder("sluice_gateway_upstream_errors")
        .description("Upstream attempts that failed before their first byte, by class")
        .tag("class", errorType(errorClass)).register(registry).increment();
  }

  /** One attempt ended: {@code outcome} is {@code ok} or its failure class. */
  public void attempt(String target, String outcome) {
    String label = errorType(outcome);
    meter("sluice_gateway_upstream_attempts", java.util.List.of(target, label),
        () -> Counter.builder("sluice_gateway_upstream_attempts")
            .description("Upstream attempts, by target and outcome (ok or the failure class)")
            .tag(TARGET, target).tag("outcome", label).register(registry)).increment();
  }

  /** A failed attempt is followed by another: {@code reason} is the failure's class. */
  public void retry(String reason) {
    Counter.builder("sluice_gateway_retries")
        .description("Attempts made again on another key or target, by the reason of the retry")
        .tag("reason", errorType(reason)).register(registry).increment();
  }

  /** A key of {@code target} was put to rest after a 429. */
  public void coolDown(String target) {
    Counter.builder("sluice_gateway_key_cooldowns")
        .description("Upstream keys put to rest after a 429, by target")
        .tag(TARGET, target).register(registry).increment();
  }

  /** A request waited {@code nanos} in a target's queue for a key. */
  public void queueWait(String target, long nanos) {
    Timer.builder("sluice_gateway_queue_wait")
        .description("Time requests waited in a target's queue for a free upstream key")
        .tag(TARGET, target).serviceLevelObjectives(durations(ADDED_BUCKETS)).register(registry)
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Records one request's end: the GenAI meters, the gateway's own latency and bytes. */
  public void finished(Finished f) {
    String model = models.label(f.requestModel());
    RequestMeters m = requestMeters(new Labels(f.provider(), model,
        models.label(f.responseModel()), errorType(f.errorType()), f.key(), f.target()));
    m.duration().record(f.durationNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    if (f.firstTokenNanos() >= 0 && f.stream()) {
      m.ttft().record(f.firstTokenNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
      m.ttftQuantiles().record(f.firstTokenNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    if (f.outputSpanNanos() >= 0 && f.outputTokens() > 1) {
      // The convention's definition: the time after the first token, per further token.
      long perToken = f.outputSpanNanos() / (f.outputTokens() - 1);
      m.tpot().record(perToken, java.util.concurrent.TimeUnit.NANOSECONDS);
      m.tpotQuantiles().record(perToken, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    m.tokens(0, f.inputTokens());
    m.tokens(1, f.outputTokens());
    m.tokens(2, f.cacheReadTokens());
    m.tokens(3, f.cacheWriteTokens());
    m.tokens(4, f.reasoningTokens());
    if (f.firstTokenNanos() >= 0 && f.upstreamFirstTokenNanos() >= 0) {
      meter("sluice_gateway_added", java.util.List.of(f.door()), () -> Timer.builder(
              "sluice_gateway_added")
          .description("Time the gateway added before the first token: the client's time to "
              + "first token minus the last upstream attempt's (routing, queueing, retries)")
          .tag("door", f.door()).serviceLevelObjectives(durations(ADDED_BUCKETS))
          .register(registry)).record(Math.max(0, f.firstTokenNanos() - f.upstreamFirstTokenNanos()),
              java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    bytes("to_client", f.bytesToClient());
    bytes("from_upstream", f.bytesFromUpstream());
  }

  /** The label values of {@link #finished}'s meters, in the order of {@link #tags}. */
  private record Labels(String provider, String requestModel, String responseModel,
      String errorType, String key, String target) {
    Tags tags() {
      return Tags.of(OPERATION, "chat", PROVIDER, provider, REQUEST_MODEL, requestModel,
          RESPONSE_MODEL, responseModel, ERROR_TYPE, errorType, KEY, key, TARGET, target);
    }
  }

  /**
   * The meters a request's end records to, for one set of label values. Found with one lookup per
   * request instead of one per meter (a list of labels built, hashed and compared each time), and
   * each made the first time it records, so that a series appears only once it has a value.
   */
  private final class RequestMeters {
    private static final String[] TOKEN_TYPES =
        {"input", "output", "cache_read", "cache_write", "reasoning"};
    private final Labels labels;
    private final Tags tags;
    // Volatile: event loops share this object; a race makes a meter twice, and the registry
    // returns the same one both times.
    private volatile Timer duration;
    private volatile Timer ttft;
    private volatile Timer tpot;
    private volatile Timer ttftQuantiles;
    private volatile Timer tpotQuantiles;
    private final java.util.concurrent.atomic.AtomicReferenceArray<DistributionSummary> tokens =
        new java.util.concurrent.atomic.AtomicReferenceArray<>(TOKEN_TYPES.length);

    RequestMeters(Labels labels) {
      this.labels = labels;
      this.tags = labels.tags();
    }

    Timer duration() {
      Timer t = duration;
      if (t == null) {
        duration = t = histogram("gen_ai.server.request.duration", "GenAI request duration at "
            + "the gateway, from arrival to the end of the answer", DURATION_BUCKETS);
      }
      return t;
    }

    Timer ttft() {
      Timer t = ttft;
      if (t == null) {
        ttft = t = histogram("gen_ai.server.time_to_first_token",
            "Time from the request's arrival to the first output token", TTFT_BUCKETS);
      }
      return t;
    }

    Timer tpot() {
      Timer t = tpot;
      if (t == null) {
        tpot = t = histogram("gen_ai.server.time_per_output_token",
            "Time per output token after the first, for each request", TPOT_BUCKETS);
      }
      return t;
    }

    /** A GenAI timer of this request's labels, its buckets the convention's. */
    private Timer histogram(String name, String description, double[] bucketSeconds) {
      return Timer.builder(name).description(description).tags(tags)
          .serviceLevelObjectives(durations(bucketSeconds)).register(registry);
    }

    Timer ttftQuantiles() {
      Timer t = ttftQuantiles;
      if (t == null) {
        ttftQuantiles = t = quantiles("sluice_gateway_time_to_first_token", "Time to first token "
            + "by requested model, as quantiles over the last minutes (the GenAI histogram's "
            + "buckets are coarse)", labels.requestModel());
      }
      return t;
    }

    Timer tpotQuantiles() {
      Timer t = tpotQuantiles;
      if (t == null) {
        tpotQuantiles = t = quantiles("sluice_gateway_time_per_output_token", "Time per output "
            + "token by requested model, as quantiles over the last minutes",
            labels.requestModel());
      }
      return t;
    }

    void tokens(int type, long count) {
      if (count <= 0) {
        return;
      }
      DistributionSummary s = tokens.get(type);
      if (s == null) {
        s = DistributionSummary.builder("gen_ai.client.token.usage")
            .description("Tokens per request by kind (input, output, cache_read, cache_write, "
                + "reasoning), as the upstream counted them")
            .tags(tags).tag(TOKEN_TYPE, TOKEN_TYPES[type]).serviceLevelObjectives(TOKEN_BUCKETS)
            .register(registry);
        tokens.set(type, s);
      }
      s.record(count);
    }
  }

  private RequestMeters requestMeters(Labels labels) {
    RequestMeters m = requestMeters.get(labels);
    if (m != null) {
      return m;
    }
    m = new RequestMeters(labels);
    if (requestMeters.size() < CACHED) {
      RequestMeters raced = requestMeters.putIfAbsent(labels, m);
      return raced != null ? raced : m;
    }
    return m;
  }

  /** The meter {@code name} of these label values, made by {@code make} the first time. */
  @SuppressWarnings("unchecked")
  private <M extends io.micrometer.core.instrument.Meter> M meter(String name,
      java.util.List<String> labels, java.util.function.Supplier<M> make) {
    MeterId id = new MeterId(name, labels);
    io.micrometer.core.instrument.Meter m = meters.get(id);
    if (m != null) {
      return (M) m;
    }
    M made = make.get(); // the registry returns the same meter for the same name and tags
    if (meters.size() < CACHED) {
      meters.putIfAbsent(id, made);
    }
    return made;
  }

  /**
   * A summary with quantiles, one series per configured model: precise (0.1 %) where the GenAI
   * buckets are not, and few enough that their histograms' memory stays small. Its cost is
   * allocation: each histogram of the sliding window starts narrow and is widened, by new arrays,
   * as values arrive, and starts again at each rotation (Micrometer offers no fixed range).
   */
  private Timer quantiles(String name, String description, String model) {
    return Timer.builder(name).description(description).tag(REQUEST_MODEL, model)
        .publishPercentiles(0.5, 0.9, 0.99).percentilePrecision(3)
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
        .register(registry);
  }

  private void bytes(String direction, long count) {
    if (count > 0) {
      meter("sluice_gateway_relayed_bytes", java.util.List.of(direction), () -> Counter.builder(
              "sluice_gateway_relayed_bytes")
          .description("Response bytes relayed, from upstreams and to clients").baseUnit("bytes")
          .tag("direction", direction).register(registry)).increment(count);
    }
  }

  /**
   * An {@code error.type} as a label value: the gateway's own classes pass, anything else an
   * upstream could have chosen (long, or with unusual characters) folds into {@code _OTHER}.
   */
  static String errorType(String type) {
    if (type.length() > 48) {
      return ModelLabels.OTHER;
    }
    for (int i = 0; i < type.length(); i++) {
      char c = type.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':'
          || c >= 'A' && c <= 'Z')) {
        return ModelLabels.OTHER;
      }
    }
    return type;
  }

  private static Duration[] durations(double[] seconds) {
    Duration[] out = new Duration[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      out[i] = Duration.ofNanos(Math.round(seconds[i] * 1e9));
    }
    return out;
  }

  /** The {@code gen_ai.provider.name} of a target: the convention's well-known values. */
  public static String provider(GatewayConfig.Target t) {
    switch (t.kind()) {
      case ANTHROPIC:
        return "anthropic";
      case OPENAI_CHAT:
        switch (t.dialect()) {
          case AZURE: return "azure.ai.openai";
          case MISTRAL: return "mistral_ai";
          default: return "openai";
        }
      default:
        return "openai";
    }
  }

  /** A request refused by its key's limits; {@code limit} names which. */
  public void refused(String limit) {
    Counter.builder("sluice_gateway_limit_refusals")
        .description("Requests refused, or streams cut in hard mode (tokens_cut, budget_cut), by "
            + "their key's limits, by the limit")
        .tag("limit", limit).register(registry).increment();
  }

  /** A decision taken without the shared state: {@code open} admitted, {@code closed} refused. */
  public void sharedStateUnavailable(String decision) {
    Counter.builder("sluice_gateway_shared_state_unavailable")
        .description("Decisions taken without the shared state (Redis down or slow): open "
            + "admitted, closed refused, settle_lost a settlement not recorded, affinity_lost "
            + "a response's upstream key not recorded, affinity_unknown a continuation routed "
            + "without it, slot_local an upstream key's concurrency counted in this replica "
            + "alone, slot_give_lost a slot not given back, bad_message a published message "
            + "that could not be read")
        .tag("decision", decision).register(registry).increment();
  }

  /**
   * USD booked; unpriced requests count apart. No model tag: a routed pattern lets clients name
   * models without bound (the admin API reads spend per model from the ledger).
   */
  public void spend(java.math.BigDecimal usd, boolean priced) {
    if (priced) {
      Counter.builder("sluice_gateway_spend_usd")
          .description("USD booked for requests whose model has a price (prices in sluice.yaml)")
          .register(registry).increment(usd.doubleValue());
    } else {
      Counter.builder("sluice_gateway_unpriced_requests")
          .description("Requests booked without a price for their model, so without a cost")
          .register(registry).increment();
    }
  }

  /**
   * A client connection or WebSocket the gateway closed for a limit or a protocol error
   * ({@code max_connections}, {@code request_head_timeout}, {@code ws_message_too_big}, ...).
   */
  public void clientClosed(String reason) {
    Counter.builder("sluice_gateway_client_closes")
        .description("Client connections and WebSockets the gateway closed, by the limit or the "
            + "protocol error that closed them")
        .tag("reason", reason).register(registry).increment();
  }

  public String scrape() {
    return prometheus.scrape();
  }

  @Override
  public void close() {
    if (otlp != null) {
      otlp.close(); // publishes what is left
    }
  }
}
