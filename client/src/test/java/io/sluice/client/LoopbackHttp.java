package io.sluice.client;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP server on loopback. Each request gets the next scripted answer (the last repeats). */
final class LoopbackHttp implements AutoCloseable {

  /** One answer: status, headers and body. */
  record Answer(int status, Map<String, String> headers, byte[] body) {
    static Answer sse(String body) {
      return new Answer(200, Map.of("content-type", "text/event-stream"),
          body.getBytes(StandardCharsets.UTF_8));
    }

    static Answer sse(byte[] body) {
      return new Answer(200, Map.of("content-type", "text/event-stream"), body);
    }

    static Answer json(int status, String body) {
      return json(status, body, Map.of());
    }

    static Answer json(int status, String body, Map<String, String> headers) {
      var all = new java.util.LinkedHashMap<String, String>(headers);
      all.put("content-type", "application/json");
      return new Answer(status, all, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** What the server received. */
  record Received(String method, String path, String query, Headers headers, String body,
      int clientPort) {}

  private final HttpServer server;
  private final List<Answer> script = new CopyOnWriteArrayList<>();
  final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger count = new AtomicInteger();

  LoopbackHttp(Answer... answers) throws IOException {
    script.addAll(List.of(answers));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "loopback-http");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  void answer(Answer... answers) {
    script.clear();
    script.addAll(List.of(answers));
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] request = exchange.getRequestBody().readAllBytes();
    received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
        exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(),
        new String(request, StandardCharsets.UTF_8), exchange.getRemoteAddress().getPort()));
    int n = count.getAndIncrement();
    Answer answer = script.get(Math.min(n, script.size() - 1));
    answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer.body());
    } catch (IOException clientWentAway) {
      // The client may close early; the test asserts on what it saw.
    }
  }

  int requests() {
    return count.get();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  String root() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
