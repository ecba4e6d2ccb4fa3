package io.sluice.client.internal.ws;

import io.sluice.client.ClientTimeouts;
import io.sluice.client.ws.Transport;
import io.sluice.core.StreamLimits;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Everything the sessions were built with. */
public record WsConfig(
    Transport transport, ClientTimeouts timeouts, StreamLimits limits, Duration maxConnectionAge,
    Optional<Duration> warmUpTimeout, Clock clock) {}
