package io.sluice.gateway.internal.server;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * One event loop's HTTP/1.1 upstream clients, filled one after the other.
 *
 * <p>To hand out a pooled connection, Vert.x looks at every connection of the pool, busy or
 * idle. With a thousand streams in flight on a loop, each request paid for a walk over a
 * thousand connections (about 40 µs at 1,000 streams on two loops, BENCHMARKS.md profile note
 * 24), and the walk grows with the load. Here a request goes to the first client that has fewer
 * than {@link #STREAMS} requests in flight, so no client's pool holds more connections than that,
 * and a quiet gateway keeps to its first client and that client's warm connections.
 *
 * <p>Not thread-safe: one event loop owns it, and calls it and its futures' callbacks on that
 * loop only.
 */
final class Http1Shards {
  /** Requests in flight per client: the most connections its pool walks through. */
  static final int STREAMS = 64;

  private final Supplier<HttpClientAgent> newClient;
  private final int maxClients;
  private final List<HttpClientAgent> clients = new ArrayList<>();
  private int[] inFlight = new int[4];

  /**
   * @param maxClients the most clients made; when all are full a request goes to the least
   *     busy one
   */
  Http1Shards(Supplier<HttpClientAgent> newClient, int maxClients) {
    this.newClient = newClient;
    this.maxClients = maxClients;
    clients.add(newClient.get());
  }

  /** The first client, for the gateway's own calls that are not counted. */
  HttpClientAgent first() {
    return clients.get(0);
  }

  /**
   * A request on the first client with room, counted as in flight until its answer has ended
   * or failed, or until no request could be made.
   */
  Future<HttpClientRequest> request(RequestOptions options) {
    int shard = take();
    return clients.get(shard).request(options).andThen(made -> {
      if (made.failed()) {
        release(shard);
      } else {
        made.result().response().compose(HttpClientResponse::end)
            .onComplete(done -> release(shard));
      }
    });
  }

  /** Requests in flight on each client made so far. */
  int[] inFlight() {
    return Arrays.copyOf(inFlight, clients.size());
  }

  /** Counts a request on the first client with room, making one when all have none. */
  int take() {
    int least = 0;
    for (int i = 0; i < clients.size(); i++) {
      if (inFlight[i] < STREAMS) {
        inFlight[i]++;
        return i;
      }
      if (inFlight[i] < inFlight[least]) {
        least = i;
      }
    }
    if (clients.size() < maxClients) {
      int i = clients.size();
      clients.add(newClient.get());
      if (i == inFlight.length) {
        inFlight = Arrays.copyOf(inFlight, i * 2);
      }
      inFlight[i] = 1;
      return i;
    }
    inFlight[least]++;
    return least;
  }

  void release(int shard) {
    if (inFlight[shard] > 0) {
      inFlight[shard]--;
    }
  }
}
