package io.sluice.gateway;

import io.sluice.core.codec.ChatDialect;
import io.sluice.gateway.internal.config.ConfigReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a gateway needs to start: where it listens, how models route to upstreams, who may
 * call it, its limits and its usage log. Read from {@code sluice.yaml} with {@link #load(Path)}
 * (see docs/configuration.md) or built in code.
 *
 * @param host the address to bind; empty means all interfaces when access keys are configured and
 *     loopback only when none are. A gateway without access keys refuses to start on any other
 *     than a loopback address, unless {@code publicWithoutKeys} says so
 * @param port the port; 0 picks a free one
 * @param usageLog the JSON-lines usage file, or empty for none
 * @param adminKeySha256 the lower-case hex SHA-256 of the admin key that opens the dashboard
 *     ({@code server.admin-key}), or empty for none; the key itself is never stored
 * @param allowedHosts {@code Host} names accepted besides loopback ones while no access keys are
 *     configured ({@code server.allowed-hosts}); the defence against DNS rebinding
 * @param allowedOrigins browser origins ({@code https://app.example}, or {@code *}) whose requests
 *     are accepted while no access keys are configured ({@code server.allowed-origins})
 * @param publicWithoutKeys {@code server.public-without-keys}: the explicit, loudly logged opt-in
 *     to serve every caller that can reach a non-loopback address, with no access keys
 * @param ledger prices, reservations and shared state ({@link LedgerSettings})
 * @param telemetry metrics and traces ({@code telemetry} in sluice.yaml, docs/observability.md)
 */
public record GatewayConfig(
    String host, int port, List<Route> routes, List<AccessKey> accessKeys, GatewayLimits limits,
    String usageLog, boolean logContent, String adminKeySha256, List<String> allowedHosts,
    List<String> allowedOrigins, boolean publicWithoutKeys,
    LedgerSettings ledger, Telemetry telemetry) {

  public static final int DEFAULT_PORT = 8080;

  public GatewayConfig {
    Objects.requireNonNull(host, "host");
    routes = List.copyOf(routes);
    accessKeys = List.copyOf(accessKeys);
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(usageLog, "usageLog");
    Objects.requireNonNull(adminKeySha256, "adminKeySha256");
    Objects.requireNonNull(ledger, "ledger");
    Objects.requireNonNull(telemetry, "telemetry");
    if (!adminKeySha256.isEmpty() && !adminKeySha256.matches("[0-9a-fA-F]{64}")) {
      throw new GatewayException("the admin key's sha256 must be 64 hex digits");
    }
    allowedHosts = List.copyOf(allowedHosts);
    allowedOrigins = List.copyOf(allowedOrigins);
    if (port < 0 || port > 65535) {
      throw new GatewayException("server.port must be 0..65535, was " + port);
    }
  }

  /**
   * Without browser allow-lists (loopback names only, no cross-origin requests), never public,
   * without limits, prices or shared state (the in-process ledger), and with the default
   * telemetry: metrics on /metrics, no traces.
   */
  public GatewayConfig(String host, int port, List<Route> routes, List<AccessKey> accessKeys,
      GatewayLimits limits, String usageLog, boolean logContent, String adminKeySha256) {
    this(host, port, routes, accessKeys, limits, usageLog, logContent, adminKeySha256, List.of(),
        List.of(), false, LedgerSettings.DEFAULTS, Telemetry.defaults());
  }

  /** A loopback gateway on a free port with these routes and default limits. */
  public static GatewayConfig of(List<Route> routes) {
    return new GatewayConfig("", 0, routes, List.of(), GatewayLimits.defaults(), "", false, "");
  }

  /** Reads {@code sluice.yaml}, substituting {@code ${ENV_VAR}} from the process environment. */
  public static GatewayConfig load(Path file) {
    return ConfigReader.read(file, System.getenv());
  }

  /** Parses YAML text, substituting {@code ${NAME}} from {@code env}. */
  public static GatewayConfig parse(String yaml, Map<String, String> env) {
    return ConfigReader.parse(yaml, env);
  }

  public GatewayConfig withPort(int value) {
    return new GatewayConfig(host, value, routes, accessKeys, limits, usageLog,
        logContent, adminKeySha256, allowedHosts, allowedOrigins, publicWithoutKeys, ledger,
        telemetry);
  }

  public GatewayConfig withHost(String value) {
    return new GatewayConfig(value, port, routes, accessKeys, limits, usageLog,
        logContent, adminKeySha256, allowedHosts, allowedOrigins, publicWithoutKeys, ledger,
        telemetry);
  }

  public GatewayConfig withAccessKeys(List<AccessKey> value) {
    return new GatewayConfig(host, port, routes, value, limits, usageLog,
        logContent, adminKeySha256, allowedHosts, allowedOrigins, publicWithoutKeys, ledger,
        telemetry);
  }

  public GatewayConfig withLimits(GatewayLimits value) {
    return new GatewayConfig(host, port, routes, accessKeys, value, usageLog,
        logContent, adminKeySha256, allowedHosts, allowedOrigins, publicWithoutKeys, ledger,
        telemetry);
  }

  public GatewayConfig withUsageLog(String path, boolean content) {
    return new GatewayConfig(host, port, routes, accessKeys, limits, path, content,
        adminKeySha256, allowedHosts, allowedOrigins, publicWithoutKeys, ledger,
        telemetry);
  }

  /** See {@code server.allowed-hosts} and {@code server.allowed-origins}. */
  public GatewayConfig withBrowserAccess(List<String> hosts, List<String> origins) {
    return new GatewayConfig(host, port, routes, accessKeys, limits, usageLog, logContent,
        adminKeySha256, hosts, origins, publicWithoutKeys, ledger, telemetry);
  }

  /** This config, allowed (or not) to serve a non-loopback address without access keys. */
  public GatewayConfig withPublicWithoutKeys(boolean value) {
    return new GatewayConfig(host, port, routes, accessKeys, limits, usageLog, logContent,
        adminKeySha256, allowedHosts, allowedOrigins, value, ledger, telemetry);
  }

  /**
   * This config with {@code secret} as the admin key of the dashboard (docs/dashboard.md); only its
   * SHA-256 is kept. An empty secret removes it.
   */
  public GatewayConfig withAdminKey(String secret) {
    return new GatewayConfig(host, port, routes, accessKeys, limits, usageLog, logContent,
        secret.isEmpty() ? "" : java.util.HexFormat.of().formatHex(sha256(secret)), allowedHosts,
        allowedOrigins, publicWithoutKeys, ledger, telemetry);
  }

  public GatewayConfig withLedger(LedgerSettings value) {
    return new GatewayConfig(host, port, routes, accessKeys, limits, usageLog, logContent,
        adminKeySha256, allowedHosts, allowedOrigins, publicWithoutKeys, value, telemetry);
  }

  /** This config with these metrics and traces settings. */
  public GatewayConfig withTelemetry(Telemetry value) {
    return new GatewayConfig(host, port, routes, accessKeys, limits, usageLog, logContent,
        adminKeySha256, allowedHosts, allowedOrigins, publicWithoutKeys, ledger, value);
  }

  private static byte[] sha256(String secret) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Metrics and traces (docs/observability.md). Traces are off unless {@code traces} is true; the
   * standard {@code OTEL_*} variables override what is set here.
   *
   * @param metricModels model names kept as label values besides the routes' exact models and
   *     renames (an upstream's dated response model, say); any other name is {@code _OTHER}
   * @param metricsOtlpEndpoint where to push metrics over OTLP/HTTP, or empty for /metrics alone
   * @param metricsOtlpStep how often metrics are pushed over OTLP
   * @param traces whether spans are recorded and exported
   * @param tracesEndpoint the OTLP/HTTP traces URL, or empty for the OTel default
   *     (OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4318)
   * @param traceSampleRatio the share of new traces sampled, 0 to 1; a client's sampled flag in
   *     its {@code traceparent} is followed
   * @param captureContent whether prompts and outputs go into span events (never by default)
   * @param serviceName {@code service.name} of the spans and pushed metrics
   * @param metricsKeySha256 the lower-case hex SHA-256 of the key {@code /metrics} asks for
   *     ({@code telemetry.metrics.key}, as {@code Authorization: Bearer}), or empty: open
   */
  public record Telemetry(List<String> metricModels, String metricsOtlpEndpoint,
      java.time.Duration metricsOtlpStep, boolean traces, String tracesEndpoint,
      double traceSampleRatio, boolean captureContent, String serviceName,
      String metricsKeySha256) {
    public Telemetry {
      Objects.requireNonNull(metricsKeySha256, "metricsKeySha256");
      if (!metricsKeySha256.isEmpty() && !metricsKeySha256.matches("[0-9a-f]{64}")) {
        throw new GatewayException("the metrics key's sha256 must be 64 lower-case hex digits");
      }
      metricModels = List.copyOf(metricModels);
      Objects.requireNonNull(metricsOtlpEndpoint, "metricsOtlpEndpoint");
      Objects.requireNonNull(metricsOtlpStep, "metricsOtlpStep");
      Objects.requireNonNull(tracesEndpoint, "tracesEndpoint");
      Objects.requireNonNull(serviceName, "serviceName");
      if (!(traceSampleRatio >= 0 && traceSampleRatio <= 1)) {
        throw new GatewayException("telemetry.traces.sample-ratio must be between 0 and 1, was "
            + traceSampleRatio);
      }
      if (metricsOtlpStep.isNegative() || metricsOtlpStep.isZero()) {
        throw new GatewayException("telemetry.metrics.otlp.interval must be positive, was "
            + metricsOtlpStep);
      }
    }

    /** Metrics on /metrics only, no traces. */
    public static Telemetry defaults() {
      return new Telemetry(List.of(), "", java.time.Duration.ofSeconds(60), false, "", 1.0, false,
          "sluice-gateway", "");
    }

    /** These settings with traces on, sampled at {@code ratio}, sent to {@code endpoint}. */
    public Telemetry withTraces(String endpoint, double ratio) {
      return new Telemetry(metricModels, metricsOtlpEndpoint, metricsOtlpStep, true, endpoint,
          ratio, captureContent, serviceName, metricsKeySha256);
    }

    /** These settings with metrics also pushed to {@code endpoint} every {@code step}. */
    public Telemetry withMetricsOtlp(String endpoint, java.time.Duration step) {
      return new Telemetry(metricModels, endpoint, step, traces, tracesEndpoint,
          traceSampleRatio, captureContent, serviceName, metricsKeySha256);
    }

    /** These settings with {@code /metrics} behind {@code secret}; empty leaves it open. */
    public Telemetry withMetricsKey(String secret) {
      return withMetricsKeySha256(secret.isEmpty() ? ""
          : java.util.HexFormat.of().formatHex(sha256(secret)));
    }

    public Telemetry withMetricsKeySha256(String value) {
      return new Telemetry(metricModels, metricsOtlpEndpoint, metricsOtlpStep, traces,
          tracesEndpoint, traceSampleRatio, captureContent, serviceName, value);
    }

    public Telemetry withMetricModels(List<String> models) {
      return new Telemetry(models, metricsOtlpEndpoint, metricsOtlpStep, traces, tracesEndpoint,
          traceSampleRatio, captureContent, serviceName, metricsKeySha256);
    }
  }

  /**
   * Requests for {@code model} go to the first target that accepts them, in order.
   *
   * @param model an exact model name, or a pattern where {@code *} matches any run of characters
   */
  public record Route(String model, List<Target> targets) {
    public Route {
      Objects.requireNonNull(model, "model");
      targets = List.copyOf(targets);
      if (targets.isEmpty()) {
        throw new GatewayException("route '" + model + "' has no targets");
      }
    }
  }

  /**
   * One upstream.
   *
   * @param baseUrl the URL the endpoint path is appended to, {@code /v1} included
   *     ({@code https://api.openai.com/v1}, {@code https://api.anthropic.com/v1})
   * @param rename the model name to send upstream, or empty to keep the client's
   * @param apiKeys the pool of upstream keys; may be empty for servers without auth
   * @param concurrency requests in flight per key; 0 means {@link GatewayLimits#concurrencyPerKey()}
   * @param websocket an {@code openai-responses} upstream that also serves the Responses WebSocket
   *     at {@code /responses}: WebSocket clients of the gateway are relayed to it instead of being
   *     bridged to HTTP SSE
   * @param http2 call the upstream over HTTP/2 (ALPN on https, prior knowledge on http), many
   *     streams sharing a connection; HTTP/1.1 when false, one connection per stream in flight
   */
  public record Target(
      UpstreamKind kind, ChatDialect dialect, String baseUrl, String rename, List<String> apiKeys,
      int concurrency, boolean websocket, boolean http2, List<String> forwardHeaders) {
    public Target {
      forwardHeaders = List.copyOf(forwardHeaders);
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(dialect, "dialect");
      Objects.requireNonNull(baseUrl, "baseUrl");
      Objects.requireNonNull(rename, "rename");
      apiKeys = List.copyOf(apiKeys);
      checkBaseUrl(baseUrl);
      if (websocket && kind != UpstreamKind.OPENAI_RESPONSES) {
        throw new GatewayException("websocket: true needs kind openai-responses, was "
            + kind.configName());
      }
    }

    /** Forwarding only the default allow-list of client headers (docs/gateway.md). */
    public Target(UpstreamKind kind, ChatDialect dialect, String baseUrl, String rename,
        List<String> apiKeys, int concurrency, boolean websocket, boolean http2) {
      this(kind, dialect, baseUrl, rename, apiKeys, concurrency, websocket, http2, List.of());
    }

    /** A target without a WebSocket, over HTTP/1.1. */
    public Target(UpstreamKind kind, ChatDialect dialect, String baseUrl, String rename,
        List<String> apiKeys, int concurrency) {
      this(kind, dialect, baseUrl, rename, apiKeys, concurrency, false, false);
    }

    /** This target, relaying WebSocket clients to its WebSocket or not. */
    public Target withWebSocket(boolean value) {
      return new Target(kind, dialect, baseUrl, rename, apiKeys, concurrency, value, http2,
          forwardHeaders);
    }

    /** This target, called over HTTP/2 or HTTP/1.1. */
    public Target withHttp2(boolean value) {
      return new Target(kind, dialect, baseUrl, rename, apiKeys, concurrency, websocket, value,
          forwardHeaders);
    }

    /**
     * This target, forwarding also these client headers (names, any case), such as
     * {@code OpenAI-Organization}, which the default allow-list holds back because they choose
     * whose account a call on this target's key is billed to.
     */
    public Target withForwardHeaders(List<String> names) {
      return new Target(kind, dialect, baseUrl, rename, apiKeys, concurrency, websocket, http2,
          names);
    }

    public static Target of(UpstreamKind kind, String baseUrl, String... apiKeys) {
      return new Target(kind, ChatDialect.OPENAI, baseUrl, "", List.of(apiKeys), 0);
    }

    /**
     * The base URL as logs and the usage file show it: without a user and password
     * ({@code https://user:pw@host}) or a query string (some proxies take {@code ?key=}).
     */
    public String safeBaseUrl() {
      return redact(baseUrl);
    }

    @Override
    public String toString() {
      return "Target[" + kind.configName() + " " + safeBaseUrl() + ", " + apiKeys.size()
          + " keys]";
    }

    private static void checkBaseUrl(String url) {
      java.net.URI uri;
      try {
        uri = new java.net.URI(url);
      } catch (java.net.URISyntaxException e) {
        throw new GatewayException("base-url '" + redact(url) + "' is not a URL: "
            + e.getReason() + " at index " + e.getIndex());
      }
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
        throw new GatewayException("base-url must start with http:// or https://, was '"
            + redact(url) + "'");
      }
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        throw new GatewayException("base-url '" + redact(url) + "' has no host"
            + (uri.getRawAuthority() != null ? " (or a port that is not 1..65535)" : ""));
      }
      if (uri.getPort() == 0 || uri.getPort() > 65535) {
        throw new GatewayException("base-url '" + redact(url) + "': port must be 1..65535, was "
            + uri.getPort());
      }
    }

    /** {@code scheme://host:port/path} of a URL, whatever it held besides. */
    static String redact(String url) {
      String s = url;
      int query = s.indexOf('?');
      if (query >= 0) {
        s = s.substring(0, query);
      }
      int scheme = s.indexOf("://");
      int from = scheme < 0 ? 0 : scheme + 3;
      int slash = s.indexOf('/', from);
      int at = s.lastIndexOf('@', slash < 0 ? s.length() : slash);
      if (at >= from) {
        s = s.substring(0, from) + s.substring(at + 1);
      }
      return s;
    }

  }

  /**
   * A key clients present ({@code Authorization: Bearer …} or {@code x-api-key}).
   *
   * @param sha256 the lower-case hex SHA-256 of the secret; the secret itself is never stored
   * @param models the model names or patterns it may use; empty means all
   * @param concurrency its requests in flight at once; 0 means unlimited
   */
  public record AccessKey(String id, String sha256, List<String> models, int concurrency,
      KeyLimits limits) {
    public AccessKey {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(sha256, "sha256");
      Objects.requireNonNull(limits, "limits");
      models = List.copyOf(models);
      if (concurrency < 0) {
        throw new GatewayException("access key '" + id + "': concurrency must be 0 or more");
      }
      if (!sha256.matches("[0-9a-fA-F]{64}")) {
        throw new GatewayException("access key '" + id + "': sha256 must be 64 hex digits");
      }
    }

    /** A key without request, token or budget limits. */
    public AccessKey(String id, String sha256, List<String> models, int concurrency) {
      this(id, sha256, models, concurrency, KeyLimits.NONE);
    }

    public AccessKey withLimits(KeyLimits value) {
      return new AccessKey(id, sha256, models, concurrency, value);
    }

    @Override
    public String toString() {
      return "AccessKey[" + id + "]";
    }
  }

  /**
   * Prices, reservations and shared state (docs/limits-and-spend.md). The admin API's key is
   * {@code server.admin-key}, the dashboard's ({@link GatewayConfig#adminKeySha256()}).
   *
   * @param prices USD per million tokens by model name (exact, or a pattern with {@code *})
   * @param reserveCap admission reserves {@code min(max_tokens, reserveCap)} output tokens
   * @param redis {@code redis://host:port} to share limits, spend, leases and cool-downs between
   *     replicas; empty keeps them in this process
   * @param failOpen when Redis is down or slow: admit (true) or refuse with a 503 (false)
   * @param redisTimeout how long a request waits for Redis before that decision
   * @param leaseTtl how long a lease held in Redis (a key's or an upstream key's concurrency
   *     slot) outlives a replica that stopped renewing it; renewed every third of it
   */
  public record LedgerSettings(Map<String, Price> prices, int reserveCap, String redis,
      boolean failOpen, java.time.Duration redisTimeout, java.time.Duration leaseTtl) {
    public static final int DEFAULT_RESERVE_CAP = 4096;
    public static final java.time.Duration DEFAULT_LEASE_TTL = java.time.Duration.ofSeconds(30);
    public static final LedgerSettings DEFAULTS = new LedgerSettings(Map.of(),
        DEFAULT_RESERVE_CAP, "", false, java.time.Duration.ofMillis(50));

    public LedgerSettings {
      prices = Map.copyOf(prices);
      Objects.requireNonNull(redis, "redis");
      Objects.requireNonNull(redisTimeout, "redisTimeout");
      Objects.requireNonNull(leaseTtl, "leaseTtl");
      if (reserveCap < 1) {
        throw new GatewayException("accounting.reserve-cap must be at least 1, was " + reserveCap);
      }
      // Redis expires a whole lease set 120 s after its last renewal: a lease must end first.
      if (leaseTtl.toMillis() < 1000 || leaseTtl.toMillis() > 60_000) {
        throw new GatewayException("state.lease-ttl must be between 1s and 60s, was "
            + leaseTtl.toMillis() + " ms");
      }
    }

    /** With the default lease TTL. */
    public LedgerSettings(Map<String, Price> prices, int reserveCap, String redis,
        boolean failOpen, java.time.Duration redisTimeout) {
      this(prices, reserveCap, redis, failOpen, redisTimeout, DEFAULT_LEASE_TTL);
    }

    public LedgerSettings withPrices(Map<String, Price> value) {
      return new LedgerSettings(value, reserveCap, redis, failOpen, redisTimeout, leaseTtl);
    }

    public LedgerSettings withRedis(String uri, boolean open) {
      return new LedgerSettings(prices, reserveCap, uri, open, redisTimeout, leaseTtl);
    }

    public LedgerSettings withRedisTimeout(java.time.Duration value) {
      return new LedgerSettings(prices, reserveCap, redis, failOpen, value, leaseTtl);
    }

    public LedgerSettings withReserveCap(int value) {
      return new LedgerSettings(prices, value, redis, failOpen, redisTimeout, leaseTtl);
    }

    public LedgerSettings withLeaseTtl(java.time.Duration value) {
      return new LedgerSettings(prices, reserveCap, redis, failOpen, redisTimeout, value);
    }

    @Override
    public String toString() {
      return "LedgerSettings[" + prices.size() + " prices, redis=" + !redis.isEmpty() + "]";
    }
  }
}
