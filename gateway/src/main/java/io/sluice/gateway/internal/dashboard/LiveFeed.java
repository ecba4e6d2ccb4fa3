package io.sluice.gateway.internal.dashboard;

import io.sluice.core.sse.SseWriter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The dashboard's event stream: one update a second, computed once for all viewers and only while
 * at least one is connected. Each update is a delta (new chart points, new requests); a viewer that
 * is new, or that missed one, gets a full update instead.
 *
 * <p>Back-pressure: a viewer whose connection still holds more than {@value #VIEWER_BUFFER} bytes
 * unsent (a slow or stalled browser) skips updates rather than queuing them, so it holds at most
 * that plus one update of gateway memory, and it catches up with a full update once it drains.
 */
final class LiveFeed {
  static final int VIEWER_BUFFER = 64 * 1024;
  static final int MAX_VIEWERS = 256;
  static final long PERIOD_MILLIS = 1000;

  private final Vertx vertx;
  private final Recorder rec;
  private final GatewayView view;
  private final BooleanSupplier keepsContent;
  private final Set<Viewer> viewers = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean computing = new AtomicBoolean();
  private long timer = -1;
  /** What the last delta covered; read and written by one update at a time. */
  private long sentSeq = -1;
  private long sentSecond = -1;
  final AtomicLong updates = new AtomicLong();
  final AtomicLong skipped = new AtomicLong();

  LiveFeed(Vertx vertx, Recorder rec, GatewayView view, BooleanSupplier keepsContent) {
    this.vertx = vertx;
    this.rec = rec;
    this.view = view;
    this.keepsContent = keepsContent;
  }

  /** Streams updates to {@code response} until it closes; false when too many already watch. */
  boolean join(HttpServerResponse response) {
    if (viewers.size() >= MAX_VIEWERS) {
      return false;
    }
    Viewer v = new Viewer(response, vertx.getOrCreateContext());
    response.setStatusCode(200).setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no")
        .setWriteQueueMaxSize(VIEWER_BUFFER);
    response.write(Buffer.buffer(sse(w -> w.retry(2000))));
    response.closeHandler(x -> leave(v));
    response.exceptionHandler(x -> leave(v));
    viewers.add(v);
    synchronized (this) {
      if (timer < 0) {
        timer = vertx.setPeriodic(1, PERIOD_MILLIS, id -> tick());
      }
    }
    return true;
  }

  /** Whether updates are being made: only while somebody watches. */
  synchronized boolean running() {
    return timer >= 0;
  }

  int viewers() {
    return viewers.size();
  }

  private void leave(Viewer v) {
    v.closed = true;
    viewers.remove(v);
    synchronized (this) {
      if (viewers.isEmpty() && timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }

  /** On the timer's event loop: hands the work to a worker, one update at a time. */
  private void tick() {
    if (viewers.isEmpty() || !computing.compareAndSet(false, true)) {
      return; // the last update is still being written: this one is skipped, not queued
    }
    vertx.executeBlocking(() -> {
      try {
        update();
      } finally {
        computing.set(false);
      }
      return null;
    }, false);
  }

  /** One update: the JSON is built once, then each viewer's own event loop writes it. */
  private void update() {
    long now = System.currentTimeMillis();
    long second = now / 1000;
    long head = rec.recent.head();
    boolean content = keepsContent.getAsBoolean();
    int count = viewers.size();
    byte[] delta = null;
    if (sentSeq >= 0) {
      delta = event("update", Snapshot.write(rec, view, content, now, count, false,
          rec.traffic.points(sentSecond, second), rec.recent.between(sentSeq, head)));
    }
    byte[] full = null;
    for (Viewer v : viewers) {
      if (!v.synced) {
        full = event("update", Snapshot.write(rec, view, content, now, count, true,
            rec.traffic.points(second - TrafficWindow.SECONDS, second),
            rec.recent.between(0, head)));
        break;
      }
    }
    sentSeq = head;
    sentSecond = second;
    updates.incrementAndGet();
    byte[] d = delta;
    byte[] f = full;
    for (Viewer v : viewers) {
      v.context.runOnContext(x -> v.push(d, f));
    }
  }

  private final class Viewer {
    final HttpServerResponse response;
    final Context context;
    volatile boolean synced;
    volatile boolean closed;

    Viewer(HttpServerResponse response, Context context) {
      this.response = response;
      this.context = context;
    }

    /** On the viewer's event loop. */
    void push(byte[] delta, byte[] full) {
      if (closed || response.closed()) {
        return;
      }
      if (response.writeQueueFull()) {
        synced = false; // it misses this one, so the next it gets must be whole
        skipped.incrementAndGet();
        return;
      }
      if (synced && delta != null) {
        response.write(Buffer.buffer(delta));
      } else if (full != null) {
        response.write(Buffer.buffer(full));
        synced = true;
      }
    }
  }

  private static byte[] event(String name, String json) {
    return sse(w -> w.event(name, json));
  }

  private static byte[] sse(java.util.function.Consumer<SseWriter> write) {
    byte[][] out = new byte[1][];
    write.accept(SseWriter.create((b, off, len) -> out[0] = Arrays.copyOfRange(b, off, off + len)));
    return out[0];
  }

  /** A full update now, for {@code GET /dashboard/state}. */
  String state() {
    long now = System.currentTimeMillis();
    long head = rec.recent.head();
    List<RequestRecord> all = rec.recent.between(0, head);
    return Snapshot.write(rec, view, keepsContent.getAsBoolean(), now, viewers.size(), true,
        rec.traffic.points(now / 1000 - TrafficWindow.SECONDS, now / 1000), all);
  }
}
