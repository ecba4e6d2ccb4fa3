package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ChatCommandTest {
  private static final String STREAM = """
      data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

      data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}

      data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":" there"},"finish_reason":null}]}

      data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}}

      data: [DONE]

      """;

  private HttpServer server;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private String seenBody = "";
  private final java.util.Map<String, String> seenHeaders = new java.util.concurrent.ConcurrentHashMap<>();
  private io.sluice.mock.MockProvider mock;

  private String serve(int status, String contentType, String body) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      seenBody = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      exchange.getRequestHeaders().forEach((k, v) -> seenHeaders.put(k.toLowerCase(), v.get(0)));
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("content-type", contentType);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream o = exchange.getResponseBody()) {
        o.write(bytes);
      }
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    if (mock != null) {
      mock.close();
    }
  }

  private String mockUrl() {
    mock = io.sluice.mock.MockProvider.start(io.sluice.mock.MockOptions.defaults());
    return "http://127.0.0.1:" + mock.port() + "/v1";
  }

  private int run(String... args) {
    CommandLine cli = new CommandLine(new ChatCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setParameterExceptionHandler((e, a) -> Main.EXIT_USAGE);
    return cli.execute(args);
  }

  @Test
  void streamsTheAnswerThenOneSummaryLine() throws IOException {
    String url = serve(200, "text/event-stream", STREAM);
    int status = run("--base-url", url, "--api-key", "k", "--model", "m", "--system", "Be brief",
        "Say", "hello");
    assertThat(status).isZero();
    assertThat(out.toString()).isEqualTo("Hello there" + System.lineSeparator());
    assertThat(err.toString().strip()).startsWith("[first token ").contains("4 in, 2 out")
        .endsWith("stop]").doesNotContain("\n");
    assertThat(seenBody).contains("Be brief").contains("Say hello").contains("\"model\":\"m\"");
  }

  @Test
  void jsonPrintsOneEventPerLine() throws IOException {
    String url = serve(200, "text/event-stream", STREAM);
    assertThat(run("--json", "--base-url", url, "--api-key", "k", "hi")).isZero();
    String[] lines = out.toString().strip().split("\\R");
    assertThat(lines[0]).startsWith("{\"type\":\"response_started\"");
    assertThat(lines[lines.length - 1]).startsWith("{\"type\":\"done\"");
  }

  @Test
  void anErrorAnswerExitsWithTwoAndOneLine() throws IOException {
    String url = serve(400, "application/json",
        "{\"error\":{\"message\":\"model not found\",\"type\":\"invalid_request_error\"}}");
    assertThat(run("--base-url", url, "--api-key", "k", "hi")).isEqualTo(Main.EXIT_STREAM_FAILED);
    assertThat(err.toString().strip()).isEqualTo(
        "sluice chat: HTTP 400 invalid_request_error: model not found").doesNotContain("\n");
  }

  @Test
  void aFailedStreamExitsWithTwo() throws IOException {
    String url = serve(200, "text/event-stream",
        "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n");
    assertThat(run("--base-url", url, "--api-key", "k", "hi")).isEqualTo(Main.EXIT_STREAM_FAILED);
    assertThat(err.toString()).contains("sluice chat: the stream failed: server_error")
        .contains("overloaded");
  }

  @Test
  void anUnknownProviderIsAUsageError() {
    assertThat(run("--provider", "bard", "hi")).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString().strip()).startsWith("sluice chat: unknown provider 'bard'");
  }

  @Test
  void aMissingKeyForAnOfficialHostIsAConfigurationError() {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("MISTRAL_API_KEY") == null
        && System.getenv("MISTRAL_BASE_URL") == null, "skipped: MISTRAL_API_KEY is set");
    assertThat(run("--provider", "mistral", "hi")).isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString().strip())
        .isEqualTo("sluice chat: no API key for mistral at https://api.mistral.ai/v1: pass"
            + " --api-key or set MISTRAL_API_KEY");
  }

  @Test
  void anUnreachableServerExitsWithTwo() throws IOException {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    assertThat(run("--provider", "openai-compatible", "--base-url",
        "http://127.0.0.1:" + port + "/v1", "hi")).isEqualTo(Main.EXIT_STREAM_FAILED);
    assertThat(err.toString().strip()).startsWith("sluice chat: cannot reach 127.0.0.1:" + port);
  }

  @Test
  void everyHeaderOptionGoesWithTheRequest() throws IOException {
    String url = serve(200, "text/event-stream", STREAM);
    assertThat(run("--base-url", url, "--api-key", "k", "--header", "x-sluice-mock: tokens=3",
        "-H", "X-Trace:abc", "hi")).isZero();
    assertThat(seenHeaders).containsEntry("x-sluice-mock", "tokens=3")
        .containsEntry("x-trace", "abc");
  }

  @Test
  void aHeaderThatIsNotNameColonValueIsAUsageError() {
    assertThat(run("--header", "novalue", "--base-url", "http://127.0.0.1:9/v1", "hi"))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString().strip()).isEqualTo("sluice chat: --header novalue is not NAME:VALUE");
  }

  @Test
  void theIdleTimeoutOptionEndsAStreamTheMockStalls() {
    String url = mockUrl();
    assertThat(run("--provider", "openai-compatible", "--base-url", url, "--idle-timeout",
        "300ms", "--header", "x-sluice-mock: tps=1000, fault=stall-after:2", "hi"))
        .isEqualTo(Main.EXIT_STREAM_FAILED);
    assertThat(err.toString()).contains("sluice chat: the stream failed: timeout");
  }

  @Test
  void aTimeoutThatIsNoDurationIsAUsageError() {
    assertThat(run("--first-event-timeout", "soon", "--base-url", "http://127.0.0.1:9/v1", "hi"))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString().strip()).isEqualTo(
        "sluice chat: --first-event-timeout soon is not a duration (e.g. 500ms, 30s, 2m)");
  }

  @Test
  void theTransportAutoFallsBackToSseWhereNoWebSocketIsServed() {
    String url = mockUrl();
    assertThat(run("--provider", "openai-responses", "--api-key", "k", "--base-url", url,
        "--transport", "auto", "--header", "x-sluice-mock: tokens=3", "hi")).isZero();
    assertThat(out.toString()).isNotBlank();
  }

  @Test
  void theTransportWebsocketFailsWhereNoWebSocketIsServed() {
    String url = mockUrl();
    assertThat(run("--provider", "openai-responses", "--api-key", "k", "--base-url", url,
        "--transport", "websocket", "hi")).isEqualTo(Main.EXIT_STREAM_FAILED);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void theTransportIsForOpenAiResponsesOnly() {
    assertThat(run("--transport", "websocket", "--base-url", "http://127.0.0.1:9/v1", "hi"))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(err.toString().strip()).isEqualTo(
        "sluice chat: --transport applies to --provider openai-responses, not openai-chat");
  }

  @Test
  void chatIsASubcommandOfSluice() {
    assertThat(new CommandLine(new Main()).getSubcommands()).containsKey("chat");
  }
}
