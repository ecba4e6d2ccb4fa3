package io.sluice.gateway.internal.accounting;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Writes the request log line and the usage file's JSON line off the event loop, on one thread of
 * its own with a bounded queue: a slow disk drops (and counts) entries rather than stall streams.
 *
 * <p>The event loops only add to the queue; the writer takes what has gathered every
 * {@value #BUSY_MILLIS} ms (every {@value #IDLE_MILLIS} ms while there is nothing) and writes it in
 * one go. Waking the writer for every entry cost the event loop a system call per request, and
 * the writer a wake-up and a write per line: together a fifth of the gateway's CPU at one request
 * at a time (BENCHMARKS.md, profile notes).
 */
public final class UsageLog implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int QUEUE = 10_000;
  private static final int BATCH = 1_000;
  static final long BUSY_MILLIS = 10;
  static final long IDLE_MILLIS = 50;

  private final OutputStream file;
  private final boolean includeContent;
  private final Consumer<String> requestLog;
  private final ArrayBlockingQueue<UsageEntry> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Thread writer;
  private volatile boolean closing;
  final AtomicLong dropped = new AtomicLong();
  /** Sees every entry as it is written, on the writing event loop (the dashboard's recorder). */
  private volatile Consumer<UsageEntry> observer = e -> {};

  public UsageLog(String path, boolean includeContent, Consumer<String> requestLog) {
    this.includeContent = includeContent;
    this.requestLog = requestLog;
    try {
      this.file = path.isEmpty() ? null : Files.newOutputStream(Path.of(path),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new io.sluice.gateway.GatewayException(
          "cannot open the usage log " + path + ": " + e.getMessage(), e);
    }
    this.writer = new Thread(this::run, "sluice-usage-log");
    writer.setDaemon(true);
    writer.start();
  }

  /** Entries dropped so far because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Queues one entry; never blocks (a full queue drops it, counted). */
  public void write(UsageEntry entry) {
    observer.accept(entry);
    // offer signals only a thread waiting on the queue, and the writer never does: it parks.
    if (closing || !queue.offer(entry)) {
      dropped.incrementAndGet();
    }
  }

  public void observe(Consumer<UsageEntry> value) {
    observer = value;
  }

  private void run() {
    List<UsageEntry> batch = new ArrayList<>(BATCH);
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    while (true) {
      boolean last = closing; // read before draining: nothing is queued once closing is seen
      queue.drainTo(batch, BATCH);
      if (!batch.isEmpty()) {
        writeAll(batch, json);
        batch.clear();
        if (queue.size() >= BATCH) {
          continue;
        }
      } else if (last) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(
          batch.isEmpty() && queue.isEmpty() ? IDLE_MILLIS : BUSY_MILLIS));
    }
  }

  private void writeAll(List<UsageEntry> batch, ByteArrayOutputStream json) {
    for (UsageEntry entry : batch) {
      requestLog.accept(entry.logLine());
    }
    if (requestLog instanceof Flushable) {
      try {
        ((Flushable) requestLog).flush();
      } catch (IOException e) {
        // The request log is best effort, like standard error itself.
      }
    }
    if (file != null) {
      json.reset();
      for (UsageEntry entry : batch) {
        json.writeBytes(json(entry).getBytes(StandardCharsets.UTF_8));
      }
      try {
        json.writeTo(file);
        file.flush();
      } catch (IOException e) {
        dropped.addAndGet(batch.size());
      }
    }
  }

  String json(UsageEntry e) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("time", Instant.ofEpochMilli(e.timeMillis()).toString());
      g.writeStringField("key_id", e.clientKeyId());
      g.writeStringField("route", e.route());
      g.writeStringField("upstream", e.upstream());
      g.writeStringField("upstream_key", e.upstreamKey());
      g.writeStringField("model", e.model());
      g.writeNumberField("status", e.status());
      g.writeNumberField("ttft_ms", e.firstTokenMillis());
      g.writeNumberField("duration_ms", e.durationMillis());
      g.writeNumberField("tokens_in", e.tokensIn());
      g.writeNumberField("tokens_out", e.tokensOut());
      g.writeNumberField("tokens_cache_read", e.cacheReadTokens());
      g.writeNumberField("tokens_cache_write", e.cacheWriteTokens());
      g.writeNumberField("tokens_reasoning", e.reasoningTokens());
      g.writeStringField("finish_reason", e.finishReason());
      g.writeStringField("error_class", e.errorClass());
      if (e.costUsd().isEmpty()) {
        g.writeNullField("cost_usd"); // unknown price: unknown cost, never 0
      } else {
        g.writeNumberField("cost_usd", new java.math.BigDecimal(e.costUsd()));
      }
      g.writeStringField("usage_source", e.usageSource());
      if (includeContent) {
        g.writeStringField("output", e.outputText());
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
    return w + "\n";
  }

  /** Writes what is queued, then stops the writer: within 5 s, else the rest is dropped. */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(writer);
    try {
      writer.join(5_000);
      if (file != null) {
        file.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // Closing after the last flush: nothing is lost.
    }
  }
}
