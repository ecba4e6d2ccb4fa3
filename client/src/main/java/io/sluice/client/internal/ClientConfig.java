package io.sluice.client.internal;

import io.sluice.client.ClientTimeouts;
import io.sluice.client.ProviderSettings;
import io.sluice.core.RetryPolicy;
import io.sluice.core.StreamLimits;
import java.time.Clock;
import java.util.function.DoubleSupplier;

/** Everything a client was built with. */
public record ClientConfig(
    ProviderSettings settings, ClientTimeouts timeouts, RetryPolicy retryPolicy,
    StreamLimits limits, Clock clock, DoubleSupplier random,
    io.sluice.client.CallListener listener) {

  public ClientConfig(ProviderSettings settings, ClientTimeouts timeouts, RetryPolicy retryPolicy,
      StreamLimits limits, Clock clock, DoubleSupplier random) {
    this(settings, timeouts, retryPolicy, limits, clock, random, io.sluice.client.CallListener.NONE);
  }
}
