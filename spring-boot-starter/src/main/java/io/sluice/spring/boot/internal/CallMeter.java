package io.sluice.spring.boot.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sluice.client.ApiException;
import io.sluice.client.ClientException;
import io.sluice.client.ProviderKind;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.Usage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The meters of one call.
 *
 * <ul>
 *   <li>{@code sluice.client.calls} (timer): from the call to its end, tagged {@code provider},
 *       {@code model} and {@code outcome}: {@code done}, {@code cancelled}, the {@code Failed}
 *       type of a stream that failed, {@code error} for a call that failed before its stream
 *       (with {@code status}).
 *   <li>{@code sluice.client.first.event} (timer): from the call to its first model event.
 *   <li>{@code sluice.client.tokens} (counter): tokens by {@code type}, {@code input} or
 *       {@code output}, from the reported usage.
 * </ul>
 *
 * Model names are tags, so their count is the count of models an application uses.
 */
final class CallMeter {

  private final MeterRegistry registry;
  private final String provider;
  private final String model;
  private final long start = System.nanoTime();
  private final AtomicBoolean firstEvent = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();

  CallMeter(MeterRegistry registry, ProviderKind provider, String model) {
    this.registry = registry;
    this.provider = provider.toString();
    this.model = model;
  }

  void event(StreamEvent event) {
    if (event instanceof io.sluice.core.event.BlockEvent && firstEvent.compareAndSet(false, true)) {
      Timer.builder("sluice.client.first.event").tag("provider", provider).tag("model", model)
          .register(registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    } else if (event instanceof Usage u) {
      usage(u);
    } else if (event instanceof StreamEvent.Terminal t) {
      terminal(t);
    }
  }

  void usage(Usage usage) {
    tokens("input", usage.inputTokens());
    tokens("output", usage.outputTokens());
  }

  void terminal(StreamEvent.Terminal terminal) {
    end(terminal instanceof Done ? "done" : ((Failed) terminal).type(), "");
  }

  void error(ClientException e) {
    end("error", e instanceof ApiException api ? Integer.toString(api.status()) : "");
  }

  void cancelled() {
    end("cancelled", "");
  }

  private void end(String outcome, String status) {
    if (ended.compareAndSet(false, true)) {
      Timer.builder("sluice.client.calls").tag("provider", provider).tag("model", model)
          .tag("outcome", outcome).tag("status", status).register(registry)
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private void tokens(String type, long count) {
    if (count > 0) {
      Counter.builder("sluice.client.tokens").tag("provider", provider).tag("model", model)
          .tag("type", type).register(registry).increment(count);
    }
  }
}
