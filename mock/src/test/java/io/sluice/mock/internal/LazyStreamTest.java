package io.sluice.mock.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A stream of fifty million tokens on a real server: its first token leaves at once, and the
 * script behind it has made only what the connection took when the client leaves. Before the
 * script was made lazily the mock built all fifty million events (gigabytes) before the first byte.
 */
class LazyStreamTest {
  private static final String CHAT =
      "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"long\"}]}";
  private static final String ANTHROPIC = "{\"model\":\"m\",\"max_tokens\":2000000000,"
      + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"long\"}]}";

  private Vertx vertx;
  private HttpServer server;
  private final List<ResponseScript> scripts = new CopyOnWriteArrayList<>();
  private final BlockingQueue<String> log = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer()
        .requestHandler(new MockServer(vertx, log::add, scripts::add))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /**
   * Paced at one token per 1,000 s, the second token waits on its timer: the script has made the
   * start, the text block's start, the first token (sent) and the second (waiting), nothing more.
   */
  @Test
  void aPacedStreamHasMadeOnlyWhatItSentAndTheTokenItWaitsFor() throws Exception {
    try (Socket socket = post("/v1/chat/completions", CHAT, "tokens=50000000, tps=0.001")) {
      String seen = readUntil(socket.getInputStream(), "\"content\":\"");
      assertThat(seen).contains("chat.completion.chunk");
    }
    assertThat(log.poll(20, TimeUnit.SECONDS)).as("the mock's log line").endsWith(" cut");

    assertThat(scripts).hasSize(1);
    assertThat(scripts.get(0).produced()).isEqualTo(4);
    assertThat(scripts.get(0).hasNext()).isTrue();
  }

  /**
   * Unpaced, the mock writes as fast as the connection takes the stream; a client that reads one
   * event and leaves has let through what the socket buffers hold, far from fifty million.
   */
  @ParameterizedTest
  @CsvSource({"/v1/chat/completions, chat, '\"content\":\"'",
      "/v1/messages, anthropic, text_delta"})
  void anUnpacedStreamMakesNoMoreThanTheConnectionTakes(String path, String kind, String marker)
      throws Exception {
    try (Socket socket = post(path, kind.equals("chat") ? CHAT : ANTHROPIC, "tokens=50000000")) {
      readUntil(socket.getInputStream(), marker);
    }
    assertThat(log.poll(20, TimeUnit.SECONDS)).as("the mock's log line").endsWith(" cut");

    assertThat(scripts).hasSize(1);
    long made = scripts.get(0).produced();
    assertThat(made).isBetween(3L, 1_000_000L);
    assertThat(scripts.get(0).hasNext()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({"/v1/responses, '{\"model\":\"m\",\"stream\":true,\"input\":\"long\"}'",
      "/v1/chat/completions, '{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}'"})
  void anAnswerThatRepeatsItsWholeTextIsLimitedToAMillionTokens(String path, String body)
      throws Exception {
    try (Socket socket = post(path, body, "tokens=999999, reasoning=2")) {
      String answer = readUntil(socket.getInputStream(), "the whole text");
      assertThat(answer).startsWith("HTTP/1.1 400")
          .contains("asks for 1000001 tokens of text and reasoning; at most 1000000 are allowed");
    }
    assertThat(scripts).isEmpty();
  }

  private Socket post(String path, String body, String behaviour) throws IOException {
    Socket socket = new Socket("127.0.0.1", server.actualPort());
    socket.setSoTimeout(20_000);
    byte[] payload = body.getBytes(StandardCharsets.UTF_8);
    socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + payload.length + "\r\n"
        + MockServer.HEADER + ": " + behaviour + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().write(payload);
    return socket;
  }

  /** Reads a few bytes at a time until {@code marker} has arrived; what arrived by then. */
  private static String readUntil(InputStream in, String marker) throws IOException {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    byte[] buffer = new byte[256];
    while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
      int n = in.read(buffer);
      assertThat(n).as("the stream ended before " + marker).isPositive();
      assertThat(seen.size()).as("bytes before " + marker).isLessThan(64 * 1024);
      seen.write(buffer, 0, n);
    }
    return seen.toString(StandardCharsets.UTF_8);
  }
}
