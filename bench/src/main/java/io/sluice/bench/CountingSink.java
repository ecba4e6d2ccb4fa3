package io.sluice.bench;

import io.sluice.core.sse.SseWriter;

/**
 * The translate benchmark's reused output: it takes each write as a socket write would, without
 * keeping it, and counts the bytes. It also sums each write's last byte, so the bytes written are
 * read and the result depends on them (the sum goes to the Blackhole with the count).
 */
final class CountingSink implements SseWriter.Sink {

  long bytes;
  long check;

  @Override
  public void write(byte[] data, int offset, int length) {
    bytes += length;
    if (length > 0) {
      check += data[offset + length - 1];
    }
  }

  void reset() {
    bytes = 0;
    check = 0;
  }
}
