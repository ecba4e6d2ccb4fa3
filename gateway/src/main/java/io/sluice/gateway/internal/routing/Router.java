package io.sluice.gateway.internal.routing;

import io.sluice.gateway.GatewayConfig.Route;
import java.util.List;
import java.util.Optional;

/** Maps a model name to its route: an exact name wins, then the first matching pattern. */
public final class Router {
  private final List<Route> routes;

  public Router(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  public Optional<Route> route(String model) {
    for (Route r : routes) {
      if (r.model().equals(model)) {
        return Optional.of(r);
      }
    }
    for (Route r : routes) {
      if (r.model().indexOf('*') >= 0 && matches(r.model(), model)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  public List<Route> routes() {
    return routes;
  }

  /** Glob match where {@code *} stands for any run of characters, the empty run included. */
  public static boolean matches(String pattern, String text) {
    int p = 0;
    int t = 0;
    int star = -1;
    int mark = 0;
    while (t < text.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = t;
      } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
        p++;
        t++;
      } else if (star >= 0) {
        p = star + 1;
        t = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
