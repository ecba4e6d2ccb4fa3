package io.sluice.gateway.internal.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The page's files, read from the jar once at start (about 40 KB together) so that serving them
 * never reads the disk on an event loop. No CDN, no build step: the page works offline.
 */
final class DashboardAssets {
  /** A file and its content type. */
  record Asset(byte[] bytes, String contentType) {}

  private static final String ROOT = "/io/sluice/gateway/dashboard/";
  private final Map<String, Asset> files;

  DashboardAssets() {
    this.files = Map.of(
        "index.html", load("index.html", "text/html; charset=utf-8"),
        "login.html", load("login.html", "text/html; charset=utf-8"),
        "dashboard.css", load("dashboard.css", "text/css; charset=utf-8"),
        "dashboard.js", load("dashboard.js", "text/javascript; charset=utf-8"),
        "charts.js", load("charts.js", "text/javascript; charset=utf-8"));
  }

  Optional<Asset> file(String name) {
    return Optional.ofNullable(files.get(name));
  }

  private static Asset load(String name, String type) {
    try (InputStream in = DashboardAssets.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + ROOT + name);
      }
      return new Asset(in.readAllBytes(), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
