package io.sluice.mock;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import io.sluice.client.SluiceClient;
import io.sluice.core.RetryPolicy;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.message.ChatRequest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The sluice client against the mock's {@code drop-after:N}, which closes the connection right after
 * its last write: every event written before the close reaches the client (a report had the JDK
 * HttpClient lose some). What was written is read with a bare socket.
 */
class ClientDropTest {
  private static final String HEADER = "tokens=10, fault=drop-after:3";
  private static final String BODY =
      "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"drop\"}]}";
  private static MockProvider mock;
  private static SluiceClient client;
  private static String written;

  @BeforeAll
  static void start() throws Exception {
    mock = MockProvider.start(MockOptions.defaults());
    client = SluiceClient.builder(ProviderSettings.builder(ProviderKind.OPENAI_COMPATIBLE)
            .baseUrl(mock.baseUrl()).header("x-sluice-mock", HEADER).build())
        .retryPolicy(RetryPolicy.none())
        // a hang shows as a failed run at once, not as the test's timeout
        .timeouts(io.sluice.client.ClientTimeouts.defaults().withIdle(java.time.Duration.ofSeconds(2)))
        .build();
    written = textOf(rawRead());
  }

  @AfterAll
  static void stop() {
    client.close();
    mock.close();
  }

  private static String rawRead() throws Exception {
    try (Socket s = new Socket("127.0.0.1", mock.port())) {
      byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
      OutputStream out = s.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nx-sluice-mock: " + HEADER + "\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8); // until the mock closes
    }
  }

  private static String textOf(String wire) {
    Matcher m = Pattern.compile("\"content\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(wire);
    StringBuilder text = new StringBuilder();
    while (m.find()) {
      text.append(m.group(1));
    }
    return text.toString();
  }

  @RepeatedTest(40)
  void everyEventWrittenBeforeTheDropArrives() {
    assertThat(written).isNotEmpty();
    List<StreamEvent> events = new ArrayList<>();
    client.stream(ChatRequest.builder("m").user("drop").build()).forEach(events::add);
    StringBuilder text = new StringBuilder();
    events.stream().filter(e -> e instanceof TextDelta)
        .forEach(e -> text.append(((TextDelta) e).text()));
    assertThat(text.toString()).isEqualTo(written);
    assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(Failed.class,
        f -> assertThat(f.type()).isEqualTo(Failed.TRANSPORT));
    assertThat(events.stream().filter(e -> e instanceof StreamEvent.Terminal)).hasSize(1);
  }
}
