package io.sluice.gateway.internal.dashboard;

import io.vertx.core.http.HttpServerRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may see the dashboard. With {@code server.admin-key}: whoever presents it, as
 * {@code Authorization: Bearer} (scripts) or through the login form, which answers with an
 * HttpOnly, SameSite=Strict session cookie, so the key is never in a URL and the page's script
 * never holds it. Without an admin key: callers on loopback when the gateway has no access keys
 * (as for its front doors), and nobody when it has some.
 *
 * <p>The cookie is stateless: an expiry and its HMAC under a secret drawn at start, so sessions
 * cost no memory and all end when the gateway restarts.
 */
final class DashboardAccess {
  static final String COOKIE = "sluice_dashboard";
  static final Duration SESSION = Duration.ofHours(12);

  enum Mode { ADMIN_KEY, LOOPBACK, CLOSED }

  /** What a request may do, and if not, why. */
  enum Verdict { ALLOWED, NEEDS_LOGIN, NOT_LOOPBACK, NO_ADMIN_KEY }

  private final Mode mode;
  private final byte[] adminKeyHash;
  private final byte[] secret = new byte[32];

  /**
   * @param adminKeySha256 the hex SHA-256 of the admin key, or empty for none
   * @param gatewayOpen true when the gateway has no access keys
   */
  DashboardAccess(String adminKeySha256, boolean gatewayOpen) {
    this.adminKeyHash = adminKeySha256.isEmpty() ? new byte[0]
        : HexFormat.of().parseHex(adminKeySha256.toLowerCase(java.util.Locale.ROOT));
    this.mode = !adminKeySha256.isEmpty() ? Mode.ADMIN_KEY
        : gatewayOpen ? Mode.LOOPBACK : Mode.CLOSED;
    new SecureRandom().nextBytes(secret);
  }

  Mode mode() {
    return mode;
  }

  Verdict check(HttpServerRequest req) {
    switch (mode) {
      case LOOPBACK:
        return loopback(req) ? Verdict.ALLOWED : Verdict.NOT_LOOPBACK;
      case CLOSED:
        return Verdict.NO_ADMIN_KEY;
      case ADMIN_KEY:
      default:
        String auth = req.getHeader("authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
          return isAdminKey(auth.substring(7).trim()) ? Verdict.ALLOWED : Verdict.NEEDS_LOGIN;
        }
        return validSession(cookie(req)) ? Verdict.ALLOWED : Verdict.NEEDS_LOGIN;
    }
  }

  /** Compares hashes in constant time, as for the gateway keys. */
  boolean isAdminKey(String presented) {
    return !presented.isEmpty() && mode == Mode.ADMIN_KEY
        && MessageDigest.isEqual(sha256(presented), adminKeyHash);
  }

  /** The Set-Cookie value for a new session. */
  String newSession() {
    long expires = System.currentTimeMillis() + SESSION.toMillis();
    return COOKIE + "=" + expires + "." + mac(expires) + "; Path=/dashboard; HttpOnly; "
        + "SameSite=Strict; Max-Age=" + SESSION.toSeconds();
  }

  static String endSession() {
    return COOKIE + "=; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=0";
  }

  private boolean validSession(Optional<String> value) {
    if (value.isEmpty()) {
      return false;
    }
    String v = value.get();
    int dot = v.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    long expires;
    try {
      expires = Long.parseLong(v.substring(0, dot));
    } catch (NumberFormatException e) {
      return false;
    }
    byte[] given = v.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
    byte[] expected = mac(expires).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(given, expected) && expires > System.currentTimeMillis();
  }

  private static Optional<String> cookie(HttpServerRequest req) {
    for (String header : req.headers().getAll("cookie")) {
      for (String part : header.split(";")) {
        String p = part.trim();
        if (p.startsWith(COOKIE + "=")) {
          return Optional.of(p.substring(COOKIE.length() + 1));
        }
      }
    }
    return Optional.empty();
  }

  private String mac(long expires) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(
          Long.toString(expires).getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has HmacSHA256", e);
    }
  }

  static boolean loopback(HttpServerRequest req) {
    if (req.remoteAddress() == null || req.remoteAddress().hostAddress() == null) {
      return false;
    }
    try {
      return InetAddress.getByName(req.remoteAddress().hostAddress()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false; // a literal address always parses; anything else is not loopback
    }
  }

  /**
   * A form posted from another site carries its own Origin: refused, so that no page elsewhere can
   * sign a browser in or out. A client that sends no Origin (curl) is not a browser on a page.
   * The pages' Referrer-Policy is same-origin: under no-referrer a browser sends "Origin: null".
   */
  static boolean sameOrigin(HttpServerRequest req) {
    String origin = req.getHeader("origin");
    if (origin == null) {
      return true;
    }
    // Host on HTTP/1.1, :authority on HTTP/2 (a client may upgrade with h2c).
    io.vertx.core.net.HostAndPort authority = req.authority();
    if (authority == null) {
      return false;
    }
    String host = authority.host() + (authority.port() >= 0 ? ":" + authority.port() : "");
    return origin.equals("http://" + host) || origin.equals("https://" + host);
  }

  static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
