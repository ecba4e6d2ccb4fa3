package io.sluice.client.internal;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a body into memory up to a limit; past it, the rest is not read (the connection is closed)
 * and the result says so.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<BoundedBody.Bytes> {

  /** What was read, and whether the body was longer. */
  record Bytes(byte[] bytes, boolean truncated) {}

  private final int limit;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CompletableFuture<Bytes> result = new CompletableFuture<>();
  private Flow.Subscription subscription;

  BoundedBody(int limit) {
    this.limit = limit;
  }

  @Override
  public CompletionStage<Bytes> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : item) {
      int n = Math.min(b.remaining(), limit - out.size());
      byte[] chunk = new byte[n];
      b.get(chunk);
      out.write(chunk, 0, n);
      if (b.hasRemaining()) {
        subscription.cancel();
        result.complete(new Bytes(out.toByteArray(), true));
        return;
      }
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable throwable) {
    // A body cut short still says something about the error; keep what arrived.
    result.complete(new Bytes(out.toByteArray(), true));
  }

  @Override
  public void onComplete() {
    result.complete(new Bytes(out.toByteArray(), false));
  }
}
