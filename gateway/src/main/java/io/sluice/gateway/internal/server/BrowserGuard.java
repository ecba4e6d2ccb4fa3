package io.sluice.gateway.internal.server;

import io.sluice.gateway.GatewayConfig;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What keeps a web page the developer visits from driving a gateway that runs without access keys:
 * such a gateway answers any request, and a page can reach loopback, directly (cross-origin) or
 * through a name it rebinds to 127.0.0.1 (DNS rebinding, which makes the request same-origin to
 * the browser). One rule for every route and the WebSocket upgrade, checked before anything else:
 * <ul>
 *   <li>{@code Host} must be a loopback name or address (or in {@code server.allowed-hosts}): a
 *       rebound name arrives as itself in {@code Host}, which the page cannot change;
 *   <li>a request with an {@code Origin} (every cross-origin request a browser sends, and any
 *       WebSocket upgrade from a page) must come from the gateway's own origin or one in
 *       {@code server.allowed-origins};
 *   <li>a POST to a front door must declare a JSON body (always, with keys or without): the types a
 *       page may send without a CORS preflight are {@code text/plain}, form data and none.
 * </ul>
 * {@code GET /healthz} and {@code /readyz} are exempt: probes reach them by any name, and they
 * spend nothing.
 */
final class BrowserGuard {
  /** A request refused, with its status, error class (for the log) and a message for the client. */
  record Refusal(int status, String errorClass, String message) {}

  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
  private static final Set<String> PROBES = Set.of("/healthz", "/readyz");

  private final boolean open;
  private final Set<String> allowedHosts;
  private final List<String> allowedOrigins;
  private final String bindHost;

  BrowserGuard(GatewayConfig config, boolean open, String bindHost) {
    this.open = open;
    this.allowedHosts = Set.copyOf(config.allowedHosts().stream()
        .map(h -> h.toLowerCase(Locale.ROOT)).toList());
    this.allowedOrigins = config.allowedOrigins().stream()
        .map(o -> stripSlash(o.toLowerCase(Locale.ROOT))).toList();
    // A wildcard bind says nothing about the names the gateway goes by.
    this.bindHost = bindHost.equals("0.0.0.0") || bindHost.equals("::") ? ""
        : bindHost.toLowerCase(Locale.ROOT);
  }

  /** Why {@code req} is refused before access and routing, if it is. */
  Optional<Refusal> check(HttpServerRequest req) {
    if (!open || (req.method() == HttpMethod.GET && PROBES.contains(req.path()))) {
      return Optional.empty();
    }
    String host = req.getHeader("host");
    if (host != null && !hostAllowed(host)) {
      return Optional.of(new Refusal(403, "host_not_allowed", "Host '" + printable(host)
          + "' is not a loopback name, and this gateway has no access keys; add it to"
          + " server.allowed-hosts to accept it"));
    }
    String origin = req.getHeader("origin");
    if (origin != null && !originAllowed(origin, host)) {
      return Optional.of(new Refusal(403, "origin_not_allowed", "cross-origin request from '"
          + printable(origin) + "' refused: this gateway has no access keys; add the origin to"
          + " server.allowed-origins to accept it"));
    }
    return Optional.empty();
  }

  /** A POST body must say it is JSON; the SDKs all do. */
  static Optional<Refusal> checkContentType(HttpServerRequest req) {
    String type = req.getHeader("content-type");
    if (type != null && isJson(type)) {
      return Optional.empty();
    }
    return Optional.of(new Refusal(415, "unsupported_media_type", "the request body must be sent"
        + " with 'Content-Type: application/json'"
        + (type == null ? "" : ", not '" + printable(type) + "'")
        + " (with curl: -H 'content-type: application/json')"));
  }

  static boolean isJson(String contentType) {
    int semi = contentType.indexOf(';');
    String media = (semi < 0 ? contentType : contentType.substring(0, semi)).trim()
        .toLowerCase(Locale.ROOT);
    return media.equals("application/json")
        || (media.startsWith("application/") && media.endsWith("+json"));
  }

  /** {@code localhost}, {@code 127.x.y.z}, {@code [::1]}, the bound address, with or without port. */
  boolean hostAllowed(String hostHeader) {
    String h = hostHeader.trim().toLowerCase(Locale.ROOT);
    String name = withoutPort(h);
    if (name == null) {
      return false;
    }
    return LOOPBACK_NAMES.contains(name) || loopbackV4(name)
        || (!bindHost.isEmpty() && name.equals(bindHost))
        || allowedHosts.contains(name) || allowedHosts.contains(h);
  }

  private boolean originAllowed(String origin, String host) {
    String o = stripSlash(origin.trim().toLowerCase(Locale.ROOT));
    if (allowedOrigins.contains("*") || allowedOrigins.contains(o)) {
      return true;
    }
    // The gateway's own origin: a page it served itself (the Host was checked above).
    return host != null && (o.equals("http://" + host.trim().toLowerCase(Locale.ROOT))
        || o.equals("https://" + host.trim().toLowerCase(Locale.ROOT)));
  }

  /** The name of a Host value, or null when it is malformed. */
  private static String withoutPort(String h) {
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      if (end < 0 || !(end == h.length() - 1 || port(h.substring(end + 1)))) {
        return null;
      }
      return h.substring(0, end + 1);
    }
    int colon = h.indexOf(':');
    if (colon < 0) {
      return h;
    }
    return port(h.substring(colon)) ? h.substring(0, colon) : null;
  }

  /** {@code :digits}. */
  private static boolean port(String s) {
    if (s.length() < 2 || s.length() > 6 || s.charAt(0) != ':') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** 127.0.0.0/8 as a dotted literal: an address cannot be rebound, unlike a name. */
  private static boolean loopbackV4(String name) {
    String[] parts = name.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals("127")) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)
          || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** A header value quoted in a message: at most 100 printable ASCII characters. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 100; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
