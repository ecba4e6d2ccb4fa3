package io.sluice.bench;

import java.io.IOException;
import okhttp3.internal.sse.ServerSentEventReader;
import okio.Buffer;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reads the stream with okhttp-sse's reader, the one behind {@code EventSources}. It pulls from an
 * okio {@code BufferedSource}; in OkHttp that is the response body's buffer, here a Buffer that
 * already holds the bytes.
 */
final class OkHttpSseDriver {

  private final Buffer stream = new Buffer();

  OkHttpSseDriver(byte[] bytes) {
    stream.write(bytes);
  }

  long read(Blackhole blackhole) throws IOException {
    // copyTo shares the segments instead of copying bytes, so each pass starts from a full
    // buffer at the cost of one small object per 8 KiB segment.
    Buffer source = new Buffer();
    stream.copyTo(source, 0, stream.size());
    CountingCallback callback = new CountingCallback(blackhole);
    ServerSentEventReader reader = new ServerSentEventReader(source, callback);
    while (reader.processNextEvent()) {
      // Each call reads one event; false means no line end is left.
    }
    return callback.events;
  }

  private static final class CountingCallback implements ServerSentEventReader.Callback {
    private final Blackhole blackhole;
    long events;

    CountingCallback(Blackhole blackhole) {
      this.blackhole = blackhole;
    }

    @Override
    public void onEvent(String id, String type, String data) {
      blackhole.consume(data);
      events++;
    }

    @Override
    public void onRetryChange(long timeMs) {}
  }
}
