package io.sluice.client.internal;

import io.sluice.client.ClientTimeouts;
import io.sluice.client.RequestOptions;
import io.sluice.core.RetryPolicy;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One call's settings: the client's with the call's {@link RequestOptions} over them.
 *
 * @param headers the call's own headers, sent after (and over) the client's
 */
record CallConfig(ClientTimeouts timeouts, RetryPolicy retryPolicy, Map<String, String> headers) {

  static CallConfig of(ClientConfig client, RequestOptions options) {
    Map<String, String> headers = new LinkedHashMap<>(options.headers());
    options.idempotencyKey().ifPresent(key -> headers.put(RequestOptions.IDEMPOTENCY_HEADER, key));
    return new CallConfig(options.timeouts(client.timeouts()),
        options.retryPolicy().orElse(client.retryPolicy()), java.util.Collections.unmodifiableMap(headers));
  }
}
