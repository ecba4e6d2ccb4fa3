package io.sluice.gateway.internal.config;

import io.sluice.gateway.GatewayException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every key {@code sluice.yaml} knows, section by section: the one place to declare a new
 * setting. {@link ConfigReader} refuses any other key, naming it, where it is, and the nearest
 * known key, so that a typo ({@code acces-keys}, {@code idle-timout}) can never silently turn a
 * setting (access control, a limit) off.
 *
 * <p>To add a setting: add its key to its section below, and read it in {@link ConfigReader}.
 * To add a section (a mapping such as {@code telemetry}, or {@code server.drain}): add its name to
 * its parent's keys, then a {@code section(...)} line with its own keys. A section that is a list
 * of mappings is named with {@code []} ({@code routes[].targets[]}). A key whose value is a
 * free-form mapping (names chosen by the user, such as a table of prices by model) is declared in
 * its parent only, and is given no section of its own: only sections declared here are checked.
 */
final class ConfigKeys {
  private static final Map<String, Set<String>> SECTIONS = new LinkedHashMap<>();

  static {
    section("", "server", "routes", "access-keys", "limits", "usage-log", "prices", "accounting",
        "state", "telemetry");
    section("server", "host", "port", "public-without-keys", "admin-key", "allowed-hosts",
        "allowed-origins", "drain", "warm-up");
    section("server.drain", "delay", "timeout");
    section("routes[]", "model", "targets");
    section("routes[].targets[]", "kind", "dialect", "base-url", "rename", "api-keys",
        "concurrency", "websocket", "http2", "forward-headers");
    section("access-keys[]", "id", "sha256", "models", "concurrency", "limits", "budget", "mode");
    section("access-keys[].limits", "requests", "tokens", "window");
    section("access-keys[].budget", "usd", "period");
    section("accounting", "reserve-cap");
    section("state", "redis", "on-failure", "timeout", "lease-ttl");
    section("limits", "max-body-bytes", "max-header-bytes", "concurrency-per-key", "queue-size",
        "heartbeat", "connect-timeout", "first-token-timeout", "idle-timeout",
        "stream-buffer-bytes", "max-attempts", "total-timeout", "max-event-bytes",
        "max-error-body-bytes", "max-upstream-message-bytes", "request-head-timeout", "body-timeout",
        "keep-alive-timeout", "websocket-idle-timeout", "max-connections",
        "max-connections-per-client", "quota-cool-down");
    section("usage-log", "path", "include-content");
    section("telemetry", "service-name", "metrics", "traces");
    section("telemetry.metrics", "models", "otlp", "key");
    section("telemetry.metrics.otlp", "endpoint", "interval");
    section("telemetry.traces", "enabled", "endpoint", "sample-ratio", "capture-content");
  }

  private ConfigKeys() {}

  private static void section(String path, String... keys) {
    if (SECTIONS.put(path, Set.of(keys)) != null) {
      throw new IllegalStateException("section " + path + " declared twice");
    }
  }

  /**
   * Checks a parsed document against the declared sections: every mapping of a declared section
   * holds only its declared keys. Values are not checked here; {@link ConfigReader} reads them.
   */
  static void check(Object document) {
    walk(document, "", "");
  }

  private static void walk(Object value, String section, String where) {
    if (value instanceof List) {
      List<?> items = (List<?>) value;
      String itemSection = section + "[]";
      for (int i = 0; i < items.size(); i++) {
        walk(items.get(i), itemSection, where + "[" + i + "]");
      }
      return;
    }
    Set<String> known = SECTIONS.get(section);
    if (known == null || !(value instanceof Map)) {
      return; // not a declared section, or not a mapping: the typed read names that
    }
    for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
      String key = String.valueOf(e.getKey());
      if (!known.contains(key)) {
        throw new GatewayException("unknown key '" + key + "' " + place(where)
            + suggestion(key, known));
      }
      String child = section.isEmpty() ? key : section + "." + key;
      String childWhere = where.isEmpty() ? key : where + "." + key;
      walk(e.getValue(), child, childWhere);
    }
  }

  private static String place(String where) {
    return where.isEmpty() ? "at the top level of sluice.yaml" : "in " + where;
  }

  /** " (did you mean 'x'?)" for the nearest known key, when one is near; else the list. */
  static String suggestion(String key, Set<String> known) {
    String normal = key.toLowerCase(Locale.ROOT).replace('_', '-').trim();
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(normal, k);
      if (d < bestDistance || (d == bestDistance && k.compareTo(best) < 0)) {
        best = k;
        bestDistance = d;
      }
    }
    if (best != null && bestDistance <= Math.max(2, best.length() / 3)) {
      return " (did you mean '" + best + "'?)";
    }
    return "; known keys there: " + String.join(", ", new java.util.TreeSet<>(known));
  }

  /** Levenshtein distance, on two short keys. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
