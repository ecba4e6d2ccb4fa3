package io.sluice.gateway.internal.upstream;

import io.sluice.core.codec.WireFormat;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.internal.server.FrontDoor;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Where a target's requests in one wire format go: its base URL and the format's endpoint, parsed
 * once. Parsing the URL ({@link RequestOptions#setAbsoluteURI}) and building the server's address
 * on every request was a measurable part of the time from a client's request to the upstream's
 * (BENCHMARKS.md, profile notes); the options a request gets are the same as the URL's.
 *
 * @param origin what the upstream clients pool connections by ({@code scheme://host:port})
 */
public record UpstreamAddress(String host, int port, boolean ssl, String uri, SocketAddress server,
    String origin) {

  /** The address of {@code target}'s endpoint for {@code format}. */
  public static UpstreamAddress of(Target target, WireFormat format) {
    RequestOptions parsed = new RequestOptions().setAbsoluteURI(
        stripSlash(target.baseUrl()) + FrontDoor.of(format).upstreamSuffix());
    String host = parsed.getHost();
    int port = parsed.getPort();
    boolean ssl = Boolean.TRUE.equals(parsed.isSsl());
    return new UpstreamAddress(host, port, ssl, parsed.getURI(),
        SocketAddress.inetSocketAddress(port, host),
        (ssl ? "https://" : "http://") + host + ":" + port);
  }

  /** A POST to this address with no headers yet: what {@code setAbsoluteURI} would have set. */
  public RequestOptions post() {
    return new RequestOptions().setMethod(HttpMethod.POST)
        .setServer(server)
        .setHost(host)
        .setPort(port)
        .setSsl(ssl)
        .setURI(uri)
        .setHeaders(MultiMap.caseInsensitiveMultiMap());
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * One target's addresses, one per wire format, each parsed when first asked for. A race between
   * event loops parses twice and keeps either: the records are equal and immutable.
   */
  public static final class PerFormat {
    private final Target target;
    private final UpstreamAddress[] byFormat = new UpstreamAddress[WireFormat.values().length];

    public PerFormat(Target target) {
      this.target = target;
    }

    public UpstreamAddress of(WireFormat format) {
      UpstreamAddress a = byFormat[format.ordinal()];
      if (a == null) {
        a = UpstreamAddress.of(target, format);
        byFormat[format.ordinal()] = a;
      }
      return a;
    }
  }
}
