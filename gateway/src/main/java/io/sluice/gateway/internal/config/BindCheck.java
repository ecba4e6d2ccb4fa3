package io.sluice.gateway.internal.config;

import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Whether a gateway may bind where it was told. Without access keys, every caller that reaches
 * the port is let in and spends the upstream keys, so such a gateway binds loopback only, unless
 * {@code server.public-without-keys: true} says otherwise (and the banner and log say so loudly).
 */
public final class BindCheck {
  private BindCheck() {}

  /** Refuses a non-loopback {@code host} for a gateway without access keys, unless opted in. */
  public static void check(GatewayConfig config, String host) {
    if (!config.accessKeys().isEmpty() || config.publicWithoutKeys() || loopback(host)) {
      return;
    }
    throw new GatewayException("server.host is " + host + ", which is not a loopback address,"
        + " and no access-keys are configured, so anyone who reaches it could spend the upstream"
        + " keys: configure access-keys, bind 127.0.0.1, or set server.public-without-keys: true");
  }

  /** True for a loopback address or a name that resolves to one; false for 0.0.0.0 and the rest. */
  public static boolean loopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1) : host;
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false; // listening will fail and name the host
    }
  }

  /** The line the gateway logs when it serves beyond loopback without access keys. */
  public static String warning(String host, int port) {
    return "WARNING: no access keys and listening on " + host + ":" + port + ", beyond loopback"
        + " (server.public-without-keys: true): anyone who can reach this port can use every"
        + " upstream key";
  }
}
