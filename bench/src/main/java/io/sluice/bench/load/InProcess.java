package io.sluice.bench.load;

import io.sluice.gateway.Gateway;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;

/**
 * The simulated provider or the gateway in the harness's own JVM: quick to start, for the smoke
 * test. Its CPU and memory are the harness's too, so it reports none.
 */
final class InProcess implements Server {
  private final String name;
  private final int port;
  private final AutoCloseable server;

  private InProcess(String name, int port, AutoCloseable server) {
    this.name = name;
    this.port = port;
    this.server = server;
  }

  static InProcess mock() {
    MockProvider mock = MockProvider.start(MockOptions.defaults());
    return new InProcess("mock", mock.port(), mock);
  }

  static InProcess gateway(String mockBaseUrl, boolean upstreamHttp2) {
    Gateway gateway =
        Gateway.start(ServerMain.gatewayConfig(mockBaseUrl, 0, upstreamHttp2), line -> { });
    return new InProcess("sluice", gateway.port(), gateway);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public double cpuSeconds() {
    return Double.NaN;
  }

  @Override
  public double rssBytes() {
    return Double.NaN;
  }

  @Override
  public double liveHeapBytes() {
    return Double.NaN;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (Exception e) {
      // Closing: nothing left to do.
    }
  }
}
