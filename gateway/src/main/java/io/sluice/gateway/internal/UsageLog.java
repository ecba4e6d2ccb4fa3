package io.sluice.gateway.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Writes the request log line and the usage file's JSON line off the event loop, on one thread of
 * its own with a bounded queue: a slow disk drops (and counts) entries rather than stall streams.
 */
final class UsageLog implements AutoCloseable {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int QUEUE = 10_000;

  private final OutputStream file;
  private final boolean includeContent;
  private final Consumer<String> requestLog;
  private final ThreadPoolExecutor writer;
  final AtomicLong dropped = new AtomicLong();

  UsageLog(String path, boolean includeContent, Consumer<String> requestLog) {
    this.includeContent = includeContent;
    this.requestLog = requestLog;
    try {
      this.file = path.isEmpty() ? null : Files.newOutputStream(Path.of(path),
          StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new io.sluice.gateway.GatewayException(
          "cannot open the usage log " + path + ": " + e.getMessage(), e);
    }
    this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE), r -> {
          Thread t = new Thread(r, "sluice-usage-log");
          t.setDaemon(true);
          return t;
        }, (r, pool) -> dropped.incrementAndGet());
  }

  void write(UsageEntry entry) {
    writer.execute(() -> {
      requestLog.accept(entry.logLine());
      if (file != null) {
        try {
          file.write(json(entry).getBytes(StandardCharsets.UTF_8));
          file.flush();
        } catch (IOException e) {
          dropped.incrementAndGet();
        }
      }
    });
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
      if (includeContent) {
        g.writeStringField("output", e.outputText());
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
    return w + "\n";
  }

  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
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
