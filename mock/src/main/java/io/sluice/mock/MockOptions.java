package io.sluice.mock;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where the simulated provider listens, and where its one line per request goes.
 *
 * @param host the interface to bind; loopback unless asked otherwise, because the mock checks no
 *     key
 * @param port the port, or 0 for any free one
 * @param requestLog receives one line per finished request (method, path, status, time and the
 *     {@code x-sluice-mock} header; never credentials), ending with {@code cut} when the caller
 *     left before the answer ended
 */
public record MockOptions(String host, int port, Consumer<String> requestLog) {

  public static final String LOOPBACK = "127.0.0.1";

  public MockOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(requestLog, "requestLog");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
    }
  }

  /** Loopback, any free port, no request log. */
  public static MockOptions defaults() {
    return new MockOptions(LOOPBACK, 0, line -> { });
  }

  public MockOptions withHost(String value) {
    return new MockOptions(value, port, requestLog);
  }

  public MockOptions withPort(int value) {
    return new MockOptions(host, value, requestLog);
  }

  public MockOptions withRequestLog(Consumer<String> value) {
    return new MockOptions(host, port, value);
  }

  /** Whether the host is a loopback address, the only kind that is safe without keys. */
  public boolean loopback() {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1")
        || host.equals("[::1]");
  }
}
