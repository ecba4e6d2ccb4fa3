package io.sluice.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A gateway on loopback, its request log captured, and a plain JDK client to call it. */
final class GatewayHarness implements AutoCloseable {
  final Gateway gateway;
  final List<String> log = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  GatewayHarness(GatewayConfig config) {
    gateway = Gateway.start(config, log::add);
  }

  static GatewayHarness routingAllTo(UpstreamKind kind, String baseUrl, String... keys) {
    return new GatewayHarness(GatewayConfig.of(List.of(
        new GatewayConfig.Route("*", List.of(GatewayConfig.Target.of(kind, baseUrl, keys))))));
  }

  String url(String path) {
    return "http://127.0.0.1:" + gateway.port() + path;
  }

  HttpRequest.Builder post(String path, String json) {
    return HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url(path))).GET().build());
  }

  @Override
  public void close() {
    gateway.close();
  }
}
