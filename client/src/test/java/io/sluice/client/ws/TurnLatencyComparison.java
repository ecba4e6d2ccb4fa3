package io.sluice.client.ws;

import io.sluice.client.EventStream;
import io.sluice.client.SluiceClient;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.core.message.Part;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Time per turn of a 10-turn tool loop, WebSocket session against HTTP SSE, on the same loopback
 * server. Not part of the build: run it with
 *
 * <pre>
 * ./mvnw -B -ntp -pl client -am test -Dtest=TurnLatencyComparison \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dsluice.bench=true
 * </pre>
 *
 * <p>Each round is one conversation: a user message, then ten turns, each answered with a tool
 * call whose result the next turn sends. Over HTTP every turn posts the whole conversation on a
 * pooled connection; over the WebSocket every turn after the first sends the tool result and
 * {@code previous_response_id} on the session's connection. Warm-up rounds first, then the median
 * and the 90th percentile of the per-turn times of the measured rounds.
 */
class TurnLatencyComparison {
  static final int TURNS = 10;
  static final int WARMUP_ROUNDS = 30;
  static final int ROUNDS = 60;

  @Test
  @EnabledIfSystemProperty(named = "sluice.bench", matches = "true")
  void compare() throws Exception {
    main(new String[0]);
  }

  public static void main(String[] args) throws Exception {
    try (ResponsesUpstream upstream = new ResponsesUpstream();
        SluiceClient http = WsFixtures.http(upstream);
        ResponsesSessions sessions = ResponsesSessions.builder(http)
            .transport(Transport.WEBSOCKET).build()) {
      java.util.logging.Logger.getLogger("io.sluice.client.ws").setLevel(
          java.util.logging.Level.WARNING);
      int[] session = {0};
      Function<ChatRequest, EventStream> sse = http::stream;
      for (int i = 0; i < WARMUP_ROUNDS; i++) {
        round(sse);
        round(r -> sessions.stream("warm" + session[0], r));
        sessions.release("warm" + session[0]++);
      }
      long[] sseTimes = new long[ROUNDS * TURNS];
      long[] wsTimes = new long[ROUNDS * TURNS];
      for (int i = 0; i < ROUNDS; i++) {
        // Alternate so that drift (JIT, GC, the other load on the machine) hits both alike.
        System.arraycopy(round(sse), 0, sseTimes, i * TURNS, TURNS);
        String id = "round" + i;
        System.arraycopy(round(r -> sessions.stream(id, r)), 0, wsTimes, i * TURNS, TURNS);
        sessions.release(id);
      }
      report("HTTP SSE", sseTimes);
      report("WebSocket", wsTimes);
      long sseMedian = percentile(sseTimes, 50);
      long wsMedian = percentile(wsTimes, 50);
      System.out.printf(Locale.ROOT, "saved per turn (median): %.1f us (%.0f%%)%n",
          (sseMedian - wsMedian) / 1e3, 100.0 * (sseMedian - wsMedian) / sseMedian);
      System.out.printf(Locale.ROOT, "per-turn medians by turn number, SSE vs WS (us):%n");
      for (int t = 0; t < TURNS; t++) {
        System.out.printf(Locale.ROOT, "  turn %2d: %7.1f  %7.1f%n", t + 1,
            percentile(column(sseTimes, t), 50) / 1e3, percentile(column(wsTimes, t), 50) / 1e3);
      }
    }
  }

  /** One conversation of {@link #TURNS} turns; the nanoseconds of each, to its last event. */
  private static long[] round(Function<ChatRequest, EventStream> transport) {
    List<Message> m = new ArrayList<>(WsFixtures.start("tool loop"));
    long[] times = new long[TURNS];
    for (int t = 0; t < TURNS; t++) {
      ChatRequest request = WsFixtures.request(m).build();
      long begin = System.nanoTime();
      MessageAccumulator acc = MessageAccumulator.create();
      try (EventStream events = transport.apply(request)) {
        for (StreamEvent e : events) {
          acc.accept(e);
        }
      }
      times[t] = System.nanoTime() - begin;
      FinalMessage answer = acc.result();
      if (answer.failed() || answer.message().toolCalls().isEmpty()) {
        throw new IllegalStateException("turn " + t + " did not call the tool: " + answer);
      }
      Part.ToolCall call = answer.message().toolCalls().get(0);
      m.add(answer.message());
      m.add(Message.toolResult(call.id(), "result " + t));
    }
    return times;
  }

  private static long[] column(long[] times, int turn) {
    long[] c = new long[times.length / TURNS];
    for (int i = 0; i < c.length; i++) {
      c[i] = times[i * TURNS + turn];
    }
    return c;
  }

  private static void report(String name, long[] times) {
    System.out.printf(Locale.ROOT, "%-9s per turn: median %7.1f us, p90 %7.1f us (%d turns)%n",
        name, percentile(times, 50) / 1e3, percentile(times, 90) / 1e3, times.length);
  }

  private static long percentile(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
