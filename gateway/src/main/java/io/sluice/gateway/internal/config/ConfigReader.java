package io.sluice.gateway.internal.config;

import io.sluice.core.codec.ChatDialect;
import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.GatewayConfig.LedgerSettings;
import io.sluice.gateway.KeyLimits;
import io.sluice.gateway.Price;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.GatewayException;
import io.sluice.gateway.GatewayLimits;
import io.sluice.gateway.UpstreamKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads {@code sluice.yaml} (docs/configuration.md). {@code ${NAME}} and {@code ${NAME:-default}}
 * in any string value are replaced from the environment after parsing, so a secret never has to
 * be YAML-escaped; an unset variable without a default is an error that names it (not its value).
 *
 * <p>Strict: a key not declared in {@link ConfigKeys} is refused (declare new settings there), a
 * value of the wrong type is refused rather than coerced, and every error is one line that names
 * the setting and where it is ({@code routes[0].targets[1].base-url}). A gateway that starts has
 * the configuration its operator meant, or does not start.
 */
public final class ConfigReader {
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  private ConfigReader() {}

  public static GatewayConfig read(Path file, Map<String, String> env) {
    try {
      return parse(Files.readString(file), env);
    } catch (IOException e) {
      throw new GatewayException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public static GatewayConfig parse(String yaml, Map<String, String> env) {
    Object root;
    try {
      root = new Load(LoadSettings.builder().setLabel("sluice.yaml").build()).loadFromString(yaml);
    } catch (YamlEngineException e) {
      throw new GatewayException("sluice.yaml is not valid YAML: " + e.getMessage(), e);
    }
    if (root == null) {
      throw new GatewayException("sluice.yaml is empty: it needs at least one route under"
          + " routes: (docs/configuration.md)");
    }
    ConfigKeys.check(root);
    Node top = new Node("", root, env);
    Node server = top.child("server");
    GatewayLimits limits = drain(server.child("drain"), limits(top.child("limits")))
        .withWarmUp(server.duration("warm-up", GatewayLimits.DEFAULT_WARM_UP));
    Node usage = top.child("usage-log");
    List<Route> routes = new ArrayList<>();
    Set<String> models = new HashSet<>();
    for (Node r : top.list("routes")) {
      List<Target> targets = new ArrayList<>();
      for (Node t : r.list("targets")) {
        targets.add(t.build(() -> target(t)));
      }
      String model = r.required("model");
      if (!models.add(model)) {
        throw new GatewayException(r.name("model") + ": route '" + model
            + "' is declared twice; the second would never be used");
      }
      if (targets.isEmpty()) {
        throw new GatewayException(r.name("targets") + ": route '" + model
            + "' has no targets");
      }
      routes.add(r.build(() -> new Route(model, targets)));
    }
    if (routes.isEmpty()) {
      throw new GatewayException("routes: sluice.yaml has no routes, so no model could be"
          + " served (docs/configuration.md)");
    }
    List<AccessKey> keys = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Node k : top.list("access-keys")) {
      String id = k.required("id");
      if (!ids.add(id)) {
        throw new GatewayException(k.name("id") + ": access key id '" + id
            + "' is declared twice; usage and limits are booked by id");
      }
      keys.add(k.build(() -> new AccessKey(id, k.required("sha256"), k.strings("models"),
          k.integer("concurrency", 0), keyLimits(k))));
    }
    return top.build(() -> new GatewayConfig(server.string("host", ""),
        server.integer("port", GatewayConfig.DEFAULT_PORT), routes, keys, limits,
        usage.string("path", ""), usage.bool("include-content", false), "",
        server.strings("allowed-hosts"), server.strings("allowed-origins"),
        server.bool("public-without-keys", false), ledger(top),
        telemetry(top.child("telemetry")))
        .withAdminKey(server.string("admin-key", "").trim()));
  }

  /** Hosts of providers that refuse a call without a key. */
  private static final Set<String> NEEDS_KEY = Set.of("api.openai.com", "api.anthropic.com",
      "api.mistral.ai", "api.groq.com", "api.together.xyz", "api.deepseek.com",
      "openrouter.ai", "api.fireworks.ai", "generativelanguage.googleapis.com");

  private static Target target(Node t) {
    List<String> apiKeys = t.strings("api-keys");
    String baseUrl = t.required("base-url");
    if (apiKeys.isEmpty() && t.has("api-keys")) {
      throw new GatewayException(t.name("api-keys") + " has no key left once ${...} was"
          + " substituted (each is empty): set the variable, or drop api-keys for an upstream"
          + " that needs no key");
    }
    if (apiKeys.isEmpty() && needsKey(baseUrl)) {
      throw new GatewayException(t.name("api-keys") + " is required: " + hostOf(baseUrl)
          + " refuses calls without a key");
    }
    return new Target(
        UpstreamKind.fromConfigName(t.string("kind", "openai-chat")),
        dialect(t.string("dialect", "openai")),
        baseUrl,
        t.string("rename", ""),
        apiKeys,
        t.integer("concurrency", 0),
        t.bool("websocket", false),
        t.bool("http2", false),
        t.strings("forward-headers"));
  }

  private static boolean needsKey(String baseUrl) {
    String host = hostOf(baseUrl).toLowerCase(Locale.ROOT);
    return NEEDS_KEY.contains(host) || host.endsWith(".openai.azure.com");
  }

  private static String hostOf(String url) {
    try {
      String host = new java.net.URI(url).getHost();
      return host == null ? "" : host;
    } catch (java.net.URISyntaxException e) {
      return ""; // the target names the bad URL
    }
  }

  /** {@code telemetry:} (docs/observability.md). */
  private static GatewayConfig.Telemetry telemetry(Node n) {
    GatewayConfig.Telemetry d = GatewayConfig.Telemetry.defaults();
    Node metrics = n.child("metrics");
    Node otlp = metrics.child("otlp");
    Node traces = n.child("traces");
    String ratio = traces.string("sample-ratio", Double.toString(d.traceSampleRatio())).trim();
    double sampleRatio;
    try {
      sampleRatio = Double.parseDouble(ratio);
    } catch (NumberFormatException e) {
      throw new GatewayException(traces.name("sample-ratio") + " must be a number from 0 to 1, "
          + "was '" + io.sluice.core.codec.StreamDecoder.excerpt(ratio) + "'");
    }
    return n.build(() -> new GatewayConfig.Telemetry(metrics.strings("models"),
        otlp.string("endpoint", ""), otlp.duration("interval", d.metricsOtlpStep()),
        traces.bool("enabled", false), traces.string("endpoint", ""), sampleRatio,
        traces.bool("capture-content", false), n.string("service-name", d.serviceName()), ""))
        .withMetricsKey(metrics.string("key", "").trim());
  }

  /** A key's {@code limits}, {@code budget} and {@code mode} (docs/limits-and-spend.md). */
  static KeyLimits keyLimits(Node k) {
    Node l = k.child("limits");
    Node b = k.child("budget");
    String mode = k.string("mode", "soft").trim().toLowerCase(Locale.ROOT);
    if (!mode.equals("soft") && !mode.equals("hard")) {
      throw new GatewayException(k.path + ".mode must be soft or hard, was '" + mode + "'");
    }
    BigDecimal usd = b.decimal("usd", BigDecimal.ZERO);
    KeyLimits.BudgetPeriod period = b.map().containsKey("period") || usd.signum() > 0
        ? KeyLimits.BudgetPeriod.fromConfigName(b.string("period", "")) : KeyLimits.BudgetPeriod.NONE;
    if (period == KeyLimits.BudgetPeriod.NONE && b.map().containsKey("period")) {
      throw new GatewayException(b.path + ".period must be day, week, month or total");
    }
    try {
      return new KeyLimits(l.longValue("requests", 0), l.longValue("tokens", 0),
          l.duration("window", KeyLimits.DEFAULT_WINDOW), usd, period, mode.equals("hard"));
    } catch (GatewayException e) {
      throw new GatewayException(k.path + ": " + e.getMessage(), e);
    }
  }

  private static LedgerSettings ledger(Node top) {
    Map<String, Price> prices = new LinkedHashMap<>();
    Node p = top.child("prices");
    for (Object name : p.map().keySet()) {
      Node m = p.child(String.valueOf(name));
      BigDecimal in = m.decimal("input", null);
      BigDecimal out = m.decimal("output", null);
      if (in == null || out == null) {
        throw new GatewayException(m.path + " needs input and output (USD per million tokens)");
      }
      try {
        prices.put(String.valueOf(name), new Price(in, out, m.decimal("cache-read", in),
            m.decimal("cache-write", in), m.decimal("reasoning", out)));
      } catch (GatewayException e) {
        throw new GatewayException(m.path + ": " + e.getMessage(), e);
      }
    }
    Node accounting = top.child("accounting");
    Node state = top.child("state");
    String onFailure = state.string("on-failure", "fail-closed").trim();
    if (!onFailure.equals("fail-open") && !onFailure.equals("fail-closed")) {
      throw new GatewayException("state.on-failure must be fail-open or fail-closed, was '"
          + onFailure + "'");
    }
    String redis = state.string("redis", "").trim();
    if (!redis.isEmpty() && !redis.startsWith("redis://") && !redis.startsWith("rediss://")) {
      throw new GatewayException("state.redis must be a redis:// or rediss:// URI");
    }
    return new LedgerSettings(prices,
        accounting.integer("reserve-cap", LedgerSettings.DEFAULT_RESERVE_CAP), redis,
        onFailure.equals("fail-open"), state.duration("timeout", Duration.ofMillis(50)),
        state.duration("lease-ttl", LedgerSettings.DEFAULT_LEASE_TTL));
  }

  private static GatewayLimits limits(Node n) {
    GatewayLimits d = GatewayLimits.defaults();
    return n.build(() -> GatewayLimits.builder()
        .maxBodyBytes(n.integer("max-body-bytes", d.maxBodyBytes()))
        .maxHeaderBytes(n.integer("max-header-bytes", d.maxHeaderBytes()))
        .concurrencyPerKey(n.integer("concurrency-per-key", d.concurrencyPerKey()))
        .queueSize(n.integer("queue-size", d.queueSize()))
        .heartbeat(n.duration("heartbeat", d.heartbeat()))
        .connectTimeout(n.duration("connect-timeout", d.connectTimeout()))
        .firstTokenTimeout(n.duration("first-token-timeout", d.firstTokenTimeout()))
        .idleTimeout(n.duration("idle-timeout", d.idleTimeout()))
        .streamBufferBytes(n.integer("stream-buffer-bytes", d.streamBufferBytes()))
        .maxAttempts(n.integer("max-attempts", d.maxAttempts()))
        .totalTimeout(n.duration("total-timeout", d.totalTimeout()))
        .maxEventBytes(n.integer("max-event-bytes", d.maxEventBytes()))
        .maxErrorBodyBytes(n.integer("max-error-body-bytes", d.maxErrorBodyBytes()))
        .maxUpstreamMessageBytes(
            n.integer("max-upstream-message-bytes", d.maxUpstreamMessageBytes()))
        .requestHeadTimeout(n.duration("request-head-timeout", d.requestHeadTimeout()))
        .bodyTimeout(n.duration("body-timeout", d.bodyTimeout()))
        .keepAliveTimeout(n.duration("keep-alive-timeout", d.keepAliveTimeout()))
        .webSocketIdleTimeout(n.duration("websocket-idle-timeout", d.webSocketIdleTimeout()))
        .maxConnections(n.integer("max-connections", d.maxConnections()))
        .maxConnectionsPerClient(
            n.integer("max-connections-per-client", d.maxConnectionsPerClient()))
        .quotaCoolDown(n.duration("quota-cool-down", d.quotaCoolDown()))
        .build());
  }

  /** {@code server.drain}: read here, kept with the limits (see GatewayLimits#drainDelay). */
  private static GatewayLimits drain(Node n, GatewayLimits limits) {
    return limits.withDrain(n.duration("delay", limits.drainDelay()),
        n.duration("timeout", limits.drainTimeout()));
  }

  private static ChatDialect dialect(String name) {
    try {
      return ChatDialect.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new GatewayException("unknown dialect '" + name
          + "': use openai, azure, mistral or compatible");
    }
  }

  /** A position in the YAML tree, for typed reads with errors that name the setting. */
  private static final class Node {
    final String path;
    final Object value;
    final Map<String, String> env;

    Node(String path, Object value, Map<String, String> env) {
      this.path = path;
      this.value = value;
      this.env = env;
    }

    Node child(String name) {
      Object v = map().get(name);
      return new Node(name(name), v == null ? Map.of() : v, env);
    }

    boolean has(String name) {
      return map().get(name) != null;
    }

    /**
     * Builds a value of this node; a constructor's or builder's refusal (which names the setting
     * but not where it is) becomes one line that says where: no stack trace reaches a user.
     */
    <T> T build(java.util.function.Supplier<T> make) {
      try {
        return make.get();
      } catch (GatewayException e) {
        throw e.getMessage().startsWith(path) || path.isEmpty() ? e
            : new GatewayException(path + ": " + e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new GatewayException(path.isEmpty() ? e.getMessage()
            : e.getMessage().startsWith(path) ? e.getMessage() : path + ": " + e.getMessage(), e);
      }
    }

    List<Node> list(String name) {
      Object v = map().get(name);
      List<Node> out = new ArrayList<>();
      if (v == null) {
        return out;
      }
      if (!(v instanceof List)) {
        throw new GatewayException(name(name) + " must be a list");
      }
      List<?> items = (List<?>) v;
      for (int i = 0; i < items.size(); i++) {
        out.add(new Node(name(name) + "[" + i + "]", items.get(i), env));
      }
      return out;
    }

    String required(String name) {
      Object v = map().get(name);
      if (v == null) {
        throw new GatewayException(name(name) + " is required");
      }
      return substitute(name, scalar(name, v));
    }

    String string(String name, String fallback) {
      Object v = map().get(name);
      return v == null ? fallback : substitute(name, scalar(name, v));
    }

    /** A scalar's text; a list or a mapping where one value belongs is refused. */
    private String scalar(String name, Object v) {
      if (v instanceof Map || v instanceof List) {
        throw new GatewayException(name(name) + " must be a single value, was a "
            + (v instanceof Map ? "mapping" : "list"));
      }
      return String.valueOf(v);
    }

    List<String> strings(String name) {
      List<String> out = new ArrayList<>();
      for (Node n : list(name)) {
        String s = substitute(name, n.scalarValue());
        if (!s.isEmpty()) {
          out.add(s);
        }
      }
      return out;
    }

    long longValue(String name, long fallback) {
      String s = string(name, Long.toString(fallback)).trim();
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        throw new GatewayException(name(name) + " must be an integer, was '" + s + "'");
      }
    }

    /** A decimal read from its text, so that 0.15 stays 0.15 and never becomes a double. */
    BigDecimal decimal(String name, BigDecimal fallback) {
      Object v = map().get(name);
      if (v == null) {
        return fallback;
      }
      String s = substitute(name, String.valueOf(v)).trim();
      try {
        return new BigDecimal(s);
      } catch (NumberFormatException e) {
        throw new GatewayException(name(name) + " must be a number, was '" + s + "'");
      }
    }

    private String scalarValue() {
      if (value instanceof Map || value instanceof List) {
        throw new GatewayException(path + " must be a single value, was a "
            + (value instanceof Map ? "mapping" : "list"));
      }
      return String.valueOf(value);
    }

    int integer(String name, int fallback) {
      String s = string(name, Integer.toString(fallback)).trim();
      try {
        return Integer.parseInt(s);
      } catch (NumberFormatException e) {
        throw new GatewayException(name(name) + " must be an integer, was '" + s + "'");
      }
    }

    /** {@code true} or {@code false}, nothing else: {@code yes}, {@code 1} or a typo is refused. */
    boolean bool(String name, boolean fallback) {
      String s = string(name, Boolean.toString(fallback)).trim().toLowerCase(Locale.ROOT);
      if (s.equals("true")) {
        return true;
      } else if (s.equals("false")) {
        return false;
      }
      throw new GatewayException(name(name) + " must be true or false, was '"
          + io.sluice.core.codec.StreamDecoder.excerpt(s) + "'");
    }

    /** {@code 250ms}, {@code 5s}, {@code 2m}, or a bare number of seconds. */
    Duration duration(String name, Duration fallback) {
      Object v = map().get(name);
      if (v == null) {
        return fallback;
      }
      String s = substitute(name, String.valueOf(v)).trim().toLowerCase(Locale.ROOT);
      try {
        if (s.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
        } else if (s.endsWith("s")) {
          return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
        } else if (s.endsWith("m")) {
          return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).trim()) * 60);
        }
        return Duration.ofMillis((long) (Double.parseDouble(s) * 1000));
      } catch (NumberFormatException e) {
        throw new GatewayException(name(name) + " must be a duration like 500ms, 5s or 2m, was '"
            + s + "'");
      }
    }

    private Map<?, ?> map() {
      if (!(value instanceof Map)) {
        throw new GatewayException((path.isEmpty() ? "the document" : path) + " must be a mapping");
      }
      return (Map<?, ?>) value;
    }

    String name(String child) {
      return path.isEmpty() ? child : path + "." + child;
    }

    private String substitute(String name, String s) {
      Matcher m = VAR.matcher(s);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String v = env.get(m.group(1));
        if (v == null) {
          if (m.group(2) == null) {
            throw new GatewayException(name(name) + " uses ${" + m.group(1)
                + "}, which is not set in the environment");
          }
          v = m.group(3);
        }
        m.appendReplacement(out, Matcher.quoteReplacement(v));
      }
      m.appendTail(out);
      return out.toString();
    }
  }
}
