package io.sluice.core.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Every way a test splits input into feeds: whole, one byte at a time, every single split point,
 * and seeded random splits. A parser must give the same result for each.
 */
public final class Chunkings {
  private static final long SEED = 0x5e_1c_e5_eedL;

  private Chunkings() {}

  /** A named split of the input into consecutive pieces. */
  public record Chunking(String name, List<byte[]> pieces) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** All chunkings of {@code input}; every split point only while the input is small. */
  public static List<Chunking> of(byte[] input) {
    return of(input, 4096, 25);
  }

  public static List<Chunking> of(byte[] input, int maxSplitPoints, int randomSplits) {
    List<Chunking> all = new ArrayList<>();
    all.add(new Chunking("whole", List.of(input)));
    all.add(new Chunking("byte-by-byte", split(input, 1)));
    if (input.length <= maxSplitPoints) {
      for (int i = 1; i < input.length; i++) {
        all.add(new Chunking("split@" + i,
            List.of(Arrays.copyOfRange(input, 0, i), Arrays.copyOfRange(input, i, input.length))));
      }
    }
    Random random = new Random(SEED ^ input.length);
    for (int r = 0; r < randomSplits; r++) {
      List<byte[]> pieces = new ArrayList<>();
      int pos = 0;
      while (pos < input.length) {
        int n = 1 + random.nextInt(Math.max(1, Math.min(input.length, 64 << random.nextInt(6))));
        n = Math.min(n, input.length - pos);
        pieces.add(Arrays.copyOfRange(input, pos, pos + n));
        pos += n;
      }
      all.add(new Chunking("random#" + r, pieces));
    }
    return all;
  }

  /** Pieces as given (the test author's own chunks), joined by nothing. */
  public static Chunking given(List<byte[]> pieces) {
    return new Chunking("as-given", pieces);
  }

  public static List<byte[]> split(byte[] input, int size) {
    List<byte[]> pieces = new ArrayList<>();
    for (int i = 0; i < input.length; i += size) {
      pieces.add(Arrays.copyOfRange(input, i, Math.min(input.length, i + size)));
    }
    return pieces;
  }

  public static void feed(Chunking chunking, Consumer<byte[]> sink) {
    chunking.pieces().forEach(sink);
  }
}
