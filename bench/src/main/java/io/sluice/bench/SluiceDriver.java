package io.sluice.bench;

import io.sluice.core.sse.SseEvent;
import io.sluice.core.sse.SseListener;
import io.sluice.core.sse.SseReader;
import org.openjdk.jmh.infra.Blackhole;

/** Reads the stream with sluice's {@link SseReader}, pushed in slices as a socket would hand them. */
final class SluiceDriver {

  /** A typical socket read: what a transport's 8 KiB read buffer delivers per call. */
  static final int CHUNK_BYTES = 8 * 1024;

  private final byte[] stream;

  SluiceDriver(byte[] stream) {
    this.stream = stream;
  }

  long read(Blackhole blackhole) {
    return read(new CountingListener(blackhole));
  }

  /**
   * The same read by a listener that takes each event's data as bytes, as sluice's decoders do
   * ({@link SseListener#onEventBytes}): no data {@code String} and no event object is made.
   */
  long readBytes(Blackhole blackhole) {
    return read(new ByteCountingListener(blackhole));
  }

  private long read(CountingListener listener) {
    SseReader reader = SseReader.create(listener);
    for (int offset = 0; offset < stream.length; offset += CHUNK_BYTES) {
      reader.feed(stream, offset, Math.min(CHUNK_BYTES, stream.length - offset));
    }
    reader.end();
    return listener.events;
  }

  private static class CountingListener implements SseListener {
    final Blackhole blackhole;
    long events;

    CountingListener(Blackhole blackhole) {
      this.blackhole = blackhole;
    }

    @Override
    public void onEvent(SseEvent event) {
      blackhole.consume(event.data());
      events++;
    }
  }

  private static final class ByteCountingListener extends CountingListener {
    ByteCountingListener(Blackhole blackhole) {
      super(blackhole);
    }

    @Override
    public boolean onEventBytes(
        String name, byte[] data, int offset, int length, String lastEventId) {
      blackhole.consume(data);
      blackhole.consume(offset + length);
      events++;
      return true;
    }
  }
}
