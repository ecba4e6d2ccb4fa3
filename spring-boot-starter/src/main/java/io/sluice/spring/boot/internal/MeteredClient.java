package io.sluice.spring.boot.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.client.ClientException;
import io.sluice.client.EventStream;
import io.sluice.client.ProviderSettings;
import io.sluice.client.RequestOptions;
import io.sluice.client.SluiceClient;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;

/**
 * A client whose calls are recorded in Micrometer (see {@link CallMeter} for the meters). It
 * decorates the public client API: the client's own listener, once it has one, can replace it.
 */
public final class MeteredClient implements SluiceClient {

  private final SluiceClient delegate;
  private final MeterRegistry registry;

  public MeteredClient(SluiceClient delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.registry = registry;
  }

  @Override
  public ProviderSettings settings() {
    return delegate.settings();
  }

  @Override
  public EventStream stream(ChatRequest request, RequestOptions options) {
    CallMeter meter = new CallMeter(registry, delegate.settings().kind(), request.model());
    try {
      return new MeteredEventStream(delegate.stream(request, options), meter);
    } catch (ClientException e) {
      meter.error(e);
      throw e;
    }
  }

  @Override
  public FinalMessage complete(ChatRequest request, RequestOptions options) {
    CallMeter meter = new CallMeter(registry, delegate.settings().kind(), request.model());
    try {
      FinalMessage message = delegate.complete(request, options);
      meter.usage(message.usage());
      meter.terminal(message.outcome());
      return message;
    } catch (ClientException e) {
      meter.error(e);
      throw e;
    }
  }

  @Override
  public void close() {
    delegate.close();
  }
}
