package io.sluice.gateway.internal.dashboard;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /dashboard}: the gateway's live dashboard (docs/dashboard.md), its files, its event
 * stream ({@code /dashboard/events}), one update as JSON ({@code /dashboard/state}) and the login
 * form's {@code POST /dashboard/login} and {@code /dashboard/logout}.
 */
public final class Dashboard {
  public static final String PATH = "/dashboard";
  private static final int MAX_LOGIN_BODY = 4096;
  /** The page runs only its own files: nothing inline, nothing from elsewhere. */
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
      + "base-uri 'none'";

  private final Vertx vertx;
  private final Recorder recorder;
  private final DashboardAccess access;
  private final DashboardAssets assets = new DashboardAssets();
  private final LiveFeed feed;

  /**
   * @param adminKeySha256 the hex SHA-256 of {@code server.admin-key}, or empty
   * @param gatewayOpen whether the gateway has no access keys
   */
  public Dashboard(Vertx vertx, Recorder recorder, GatewayView view, BooleanSupplier keepsContent,
      String adminKeySha256, boolean gatewayOpen) {
    this.vertx = vertx;
    this.recorder = recorder;
    this.access = new DashboardAccess(adminKeySha256, gatewayOpen);
    this.feed = new LiveFeed(vertx, recorder, view, keepsContent);
  }

  public Recorder recorder() {
    return recorder;
  }

  /** Dashboards open now. */
  public int viewers() {
    return feed.viewers();
  }

  /** Whether {@code path} is the dashboard's: then {@link #handle} answers it. */
  public static boolean owns(String path) {
    return path.equals(PATH) || path.startsWith(PATH + "/");
  }

  public void handle(HttpServerRequest req) {
    String path = req.path();
    String name = path.length() <= PATH.length() + 1 ? "" : path.substring(PATH.length() + 1);
    HttpServerResponse res = req.response();
    res.putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "same-origin");
    if (req.method() == HttpMethod.POST && name.equals("login")) {
      login(req);
      return;
    }
    if (req.method() == HttpMethod.POST && name.equals("logout")) {
      if (!DashboardAccess.sameOrigin(req)) {
        plain(res, 403, "cross-site request refused");
        return;
      }
      res.putHeader("Set-Cookie", DashboardAccess.endSession());
      res.setStatusCode(303).putHeader("Location", PATH).end();
      return;
    }
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      plain(res.putHeader("Allow", "GET"), 405, "method not allowed");
      return;
    }
    if (name.endsWith(".css") || name.endsWith(".js")) {
      asset(res, name, "public, max-age=300"); // no data in them: served before login, for it
      return;
    }
    DashboardAccess.Verdict verdict = access.check(req);
    if (verdict != DashboardAccess.Verdict.ALLOWED) {
      refuse(req, name, verdict, "");
      return;
    }
    switch (name) {
      case "":
        asset(res.putHeader("Content-Security-Policy", CSP), "index.html", "no-store");
        return;
      case "events":
        if (!feed.join(res)) {
          plain(res.putHeader("Retry-After", "10"), 503,
              "too many dashboards open (" + LiveFeed.MAX_VIEWERS + ")");
        }
        return;
      case "state":
        if (req.method() == HttpMethod.HEAD) { // the page asks whether its session still holds
          res.putHeader("Cache-Control", "no-store").end();
          return;
        }
        vertx.executeBlocking(feed::state, false).onComplete(ar -> {
          if (ar.succeeded()) {
            res.putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                .end(ar.result());
          } else {
            plain(res, 500, "the dashboard's state could not be built");
          }
        });
        return;
      default:
        plain(res, 404, "no such dashboard file: " + name);
    }
  }

  private void refuse(HttpServerRequest req, String name, DashboardAccess.Verdict verdict,
      String message) {
    HttpServerResponse res = req.response();
    switch (verdict) {
      case NEEDS_LOGIN:
        if (name.isEmpty()) {
          res.setStatusCode(401).putHeader("Content-Security-Policy", CSP);
          byte[] page = assets.file("login.html").orElseThrow().bytes();
          String html = new String(page, StandardCharsets.UTF_8).replace("{{message}}", message);
          res.putHeader("Content-Type", "text/html; charset=utf-8")
              .putHeader("Cache-Control", "no-store").end(html);
        } else {
          plain(res, 401, "the dashboard needs the admin key (server.admin-key): sign in at "
              + PATH + " or send it as 'Authorization: Bearer <key>'");
        }
        return;
      case NOT_LOOPBACK:
        plain(res, 403, "without server.admin-key the dashboard answers loopback callers only");
        return;
      case NO_ADMIN_KEY:
      default:
        plain(res, 403, "this gateway has access keys: set server.admin-key to open its dashboard");
    }
  }

  /** The login form posts the key in its body (never the URL); the answer sets the cookie. */
  private void login(HttpServerRequest req) {
    HttpServerResponse res = req.response();
    if (!DashboardAccess.sameOrigin(req)) {
      plain(res, 403, "cross-site request refused");
      return;
    }
    if (access.mode() != DashboardAccess.Mode.ADMIN_KEY) {
      plain(res, 404, "no sign-in here: the gateway has no server.admin-key");
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] over = {false};
    req.handler(chunk -> {
      if (!over[0] && body.length() + chunk.length() > MAX_LOGIN_BODY) {
        over[0] = true;
        plain(res.putHeader("Connection", "close"), 413, "login form too large");
      } else if (!over[0]) {
        body.appendBuffer(chunk);
      }
    });
    req.endHandler(v -> {
      if (over[0]) {
        return;
      }
      String key = formField(body.toString(StandardCharsets.UTF_8), "key");
      if (access.isAdminKey(key)) {
        res.putHeader("Set-Cookie", access.newSession());
        res.setStatusCode(303).putHeader("Location", PATH).end();
      } else {
        refuse(req, "", DashboardAccess.Verdict.NEEDS_LOGIN, "That is not the admin key.");
      }
    });
  }

  static String formField(String form, String field) {
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(field)) {
        try {
          return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).trim();
        } catch (IllegalArgumentException e) {
          return "";
        }
      }
    }
    return "";
  }

  private void asset(HttpServerResponse res, String name, String cacheControl) {
    var file = assets.file(name);
    if (file.isEmpty()) {
      plain(res, 404, "no such dashboard file: " + name);
      return;
    }
    res.putHeader("Content-Type", file.get().contentType()).putHeader("Cache-Control", cacheControl)
        .end(Buffer.buffer(file.get().bytes()));
  }

  private static void plain(HttpServerResponse res, int status, String message) {
    if (res.ended() || res.headWritten()) {
      return;
    }
    res.setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Cache-Control", "no-store").end(message + "\n");
  }
}
