package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Secrets stay out of every output, keys guard every route, and nothing an upstream or a client
 * writes can forge headers or SSE framing in the client's stream.
 */
class SecurityTest {
  static final String SECRET = AccessTest.SECRET;
  static final String UPSTREAM_SECRET = AccessTest.UPSTREAM_SECRET;

  private static GatewayHarness guarded(String upstreamUrl, UpstreamKind kind, Path usage)
      throws Exception {
    return new GatewayHarness(GatewayConfig.of(List.of(new GatewayConfig.Route("*", List.of(
            GatewayConfig.Target.of(kind, upstreamUrl, UPSTREAM_SECRET)))))
        .withHost("127.0.0.1")
        .withAccessKeys(List.of(new AccessKey("team-a", AccessTest.sha256(SECRET), List.of(), 0)))
        .withUsageLog(usage.toString(), false));
  }

  /** Every output of the gateway for one request: the response, the log and the usage file. */
  private static void assertNoSecretIn(HttpResponse<String> r, GatewayHarness gw, Path usage) {
    Awaits.until(() -> !gw.log.isEmpty());
    Awaits.until(() -> read(usage).contains("\n"));
    List<String> outputs = new ArrayList<>(gw.log);
    outputs.add(read(usage));
    outputs.add(r.body());
    outputs.add(r.headers().map().toString());
    for (String output : outputs) {
      assertThat(output).doesNotContain(SECRET, UPSTREAM_SECRET);
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static String chat(String model) {
    return "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hi\"}]}";
  }

  private static HttpRequest.Builder authorized(GatewayHarness gw, String path, String body) {
    return gw.post(path, body).header("Authorization", "Bearer " + SECRET);
  }

  // ---- secrets ----

  @Test
  void anUpstreamErrorThatRepeatsItsKeyDoesNotShowIt(@TempDir Path dir) throws Exception {
    Path usage = dir.resolve("usage.jsonl");
    String echo = "{\"error\":{\"message\":\"Incorrect API key provided: " + UPSTREAM_SECRET
        + "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";
    try (LoopbackUpstream up = new LoopbackUpstream(
            call -> call.answer(401, "application/json", echo));
        GatewayHarness gw = guarded(up.baseUrl(), UpstreamKind.OPENAI_CHAT, usage)) {
      HttpResponse<String> r = gw.send(authorized(gw, "/v1/chat/completions", chat("m")).build());
      assertThat(r.statusCode()).isEqualTo(401);
      assertNoSecretIn(r, gw, usage);
    }
  }

  @Test
  void anInStreamErrorThatRepeatsTheKeyDoesNotShowItToATranslatedClient(@TempDir Path dir)
      throws Exception {
    Path usage = dir.resolve("usage.jsonl");
    try (LoopbackUpstream up = LoopbackUpstream.streaming(
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"
                + "data: {\"error\":{\"message\":\"key " + UPSTREAM_SECRET + " revoked\","
                + "\"type\":\"server_error\"}}\n\n");
        GatewayHarness gw = guarded(up.baseUrl(), UpstreamKind.OPENAI_CHAT, usage)) {
      HttpResponse<String> r = gw.send(authorized(gw, "/v1/messages", FailuresTest.MESSAGES_STREAM)
          .build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertNoSecretIn(r, gw, usage);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anInStreamErrorThatRepeatsTheKeyDoesNotShowItOnAPassedThroughStream(boolean askUsage,
      @TempDir Path dir) throws Exception {
    // Passed through byte for byte (the client asked for usage) or re-framed event by event (the
    // gateway strips the usage chunk it added): the key is masked either way, even when the
    // upstream's write splits it.
    Path usage = dir.resolve("usage.jsonl");
    String error = "data: {\"error\":{\"message\":\"key " + UPSTREAM_SECRET + " revoked\","
        + "\"type\":\"server_error\"}}\n\n";
    int split = error.indexOf(UPSTREAM_SECRET) + UPSTREAM_SECRET.length() / 2;
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
          call.startStream();
          call.write("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":"
              + "{\"content\":\"a\"}}]}\n\n" + error.substring(0, split));
          call.write(error.substring(split));
          call.end();
        });
        GatewayHarness gw = guarded(up.baseUrl(), UpstreamKind.OPENAI_CHAT, usage)) {
      String body = askUsage
          ? chat("m").replace("\"stream\":true", "\"stream\":true,"
              + "\"stream_options\":{\"include_usage\":true}")
          : chat("m");
      HttpResponse<String> r = gw.send(authorized(gw, "/v1/chat/completions", body).build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("key *** revoked");
      assertNoSecretIn(r, gw, usage);
    }
  }

  @Test
  void aRefusedUpstreamAndAWrongKeyShowNoSecret(@TempDir Path dir) throws Exception {
    Path usage = dir.resolve("usage.jsonl");
    try (GatewayHarness gw = guarded("http://127.0.0.1:1/v1", UpstreamKind.OPENAI_CHAT, usage)) {
      HttpResponse<String> refused = gw.send(authorized(gw, "/v1/chat/completions", chat("m"))
          .build());
      assertThat(refused.statusCode()).isEqualTo(502);
      assertNoSecretIn(refused, gw, usage);
      HttpResponse<String> wrong = gw.send(gw.post("/v1/chat/completions", chat("m"))
          .header("Authorization", "Bearer " + SECRET + "x").build());
      assertThat(wrong.statusCode()).isEqualTo(401);
      Awaits.until(() -> gw.log.size() == 2);
      assertThat(gw.log.get(1) + wrong.body()).doesNotContain(SECRET);
    }
  }

  // ---- keys on every route ----

  @ParameterizedTest
  @ValueSource(strings = {"/v1/chat/completions", "/v1/messages", "/v1/responses", "/v1/models"})
  void everyApiRouteRefusesARequestWithoutAKey(String path) throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(PassThroughTest.CHAT);
        GatewayHarness gw = guarded(up.baseUrl(), UpstreamKind.OPENAI_CHAT,
            Files.createTempFile("usage", ".jsonl"))) {
      HttpResponse<String> r = path.equals("/v1/models") ? gw.get(path)
          : gw.send(gw.post(path, chat("m")).build());
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(up.calls).isEmpty();
    }
  }

  // ---- no injection ----

  /**
   * A model name with CR/LF and SSE framing is echoed only inside JSON strings (escaped): it adds
   * no header and no event to the client's stream.
   */
  @Test
  void aModelNameCannotInjectHeadersOrEvents() throws Exception {
    String model = "m\\r\\nX-Injected: yes\\r\\n\\r\\ndata: [DONE]\\n\\nevent: message_stop\\n\\n";
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.SAME_AS_CLIENT,
            mock.baseUrl())) {
      for (String path : List.of("/v1/chat/completions", "/v1/messages")) {
        String body = path.endsWith("messages")
            ? FailuresTest.MESSAGES_STREAM.replace("\"m\"", "\"" + model + "\"") : chat(model);
        HttpResponse<String> r = gw.send(gw.post(path, body)
            .header("x-sluice-mock", "tokens=3, fault=drop-after:2").build());
        assertThat(r.headers().firstValue("x-injected")).isEmpty();
        if (path.endsWith("messages")) {
          assertThat(count(r.body(), "\nevent: message_stop\n")).isZero();
          assertThat(FaultMatrixTest.lastEventLine(r.body())).isEqualTo("event: error");
        } else {
          assertThat(count(r.body(), "\ndata: [DONE]\n")).isEqualTo(1);
          assertThat(r.body()).endsWith("data: [DONE]\n\n");
        }
      }
    }
  }

  @Test
  void anUpstreamErrorMessageCannotInjectEventsIntoATranslatedStream() throws Exception {
    String evil = "boom\\n\\ndata: [DONE]\\n\\nevent: message_stop\\ndata: {}\\n\\n";
    try (LoopbackUpstream up = LoopbackUpstream.streaming(
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"
                + "data: {\"error\":{\"message\":\"" + evil + "\",\"type\":\"server_error\"}}\n\n");
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/messages", FailuresTest.MESSAGES_STREAM)
          .build());
      assertThat(count(r.body(), "\nevent: message_stop\n")).isZero();
      assertThat(count(r.body(), "\nevent: error\n")).isEqualTo(1);
      assertThat(FaultMatrixTest.lastEventLine(r.body())).isEqualTo("event: error");
      assertThat(r.body()).contains("boom");
    }
  }

  @Test
  void anUpstreamErrorBodyCannotInjectHeaders() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> call.answer(400, "text/plain",
            "bad\r\nX-Injected: yes\r\n\r\ndata: [DONE]\n\n"));
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/messages", FailuresTest.MESSAGES_STREAM)
          .build());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.headers().firstValue("x-injected")).isEmpty();
      // The text is inside a JSON string, escaped: no line break reaches the client's body.
      assertThat(r.body()).startsWith("{").doesNotContain("\n", "\r");
    }
  }

  // ---- binding ----

  @Test
  void theMockAndAGatewayWithoutKeysAnswerOnlyOnLoopback() throws Exception {
    Optional<InetAddress> external = externalAddress();
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        Gateway gw = Gateway.start(GatewayConfig.of(List.of()), line -> { })) {
      assertThat(URI.create(mock.origin()).getHost()).isEqualTo("127.0.0.1");
      assertThat(gw.host()).isEqualTo("127.0.0.1");
      if (external.isPresent()) { // a host with only loopback has nothing else to try
        for (int port : List.of(mock.port(), gw.port())) {
          assertThat(connects(external.get(), port)).as("port %d on %s", port, external.get())
              .isFalse();
        }
      }
    }
  }

  private static Optional<InetAddress> externalAddress() throws Exception {
    for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (n.isUp() && !n.isLoopback()) {
        for (InetAddress a : Collections.list(n.getInetAddresses())) {
          if (a instanceof java.net.Inet4Address) {
            return Optional.of(a);
          }
        }
      }
    }
    return Optional.empty();
  }

  private static boolean connects(InetAddress address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 1000);
      return true;
    } catch (java.io.IOException refused) {
      return false;
    }
  }

  private static int count(String body, String text) {
    int n = 0;
    for (int i = body.indexOf(text); i >= 0; i = body.indexOf(text, i + 1)) {
      n++;
    }
    return n;
  }
}
