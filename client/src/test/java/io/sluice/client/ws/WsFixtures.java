package io.sluice.client.ws;

import io.sluice.client.EventStream;
import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import io.sluice.client.SluiceClient;
import io.sluice.core.RetryPolicy;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.core.message.Tool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Clients, requests and small helpers for the WebSocket tests. */
final class WsFixtures {
  static final Tool LOOKUP = new Tool("lookup", "Looks a number up.",
      "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"integer\"}}}");

  private WsFixtures() {}

  static SluiceClient http(ResponsesUpstream upstream) {
    return SluiceClient.builder(ProviderSettings.builder(ProviderKind.OPENAI_RESPONSES)
        .baseUrl(upstream.baseUrl()).apiKey("sk-test-secret").build())
        .retryPolicy(RetryPolicy.none()).build();
  }

  static ChatRequest.Builder request(List<Message> messages) {
    return ChatRequest.builder("gpt-test").messages(messages).tool(LOOKUP);
  }

  static List<Message> start(String userText) {
    List<Message> m = new ArrayList<>();
    m.add(Message.system("Be brief."));
    m.add(Message.user(userText));
    return m;
  }

  /** The events of a stream, read to the end. */
  static List<StreamEvent> drain(EventStream events) {
    List<StreamEvent> all = new ArrayList<>();
    try (events) {
      for (StreamEvent e : events) {
        all.add(e);
      }
    }
    return all;
  }

  static FinalMessage assemble(List<StreamEvent> events) {
    return MessageAccumulator.assemble(events);
  }

  /** Waits (bounded) for a condition that another thread makes true. */
  static void until(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
