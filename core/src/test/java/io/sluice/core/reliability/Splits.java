package io.sluice.core.reliability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * The ways {@link ChunkingInvarianceTest} cuts a stream into feeds. Each strategy is one or more
 * named lists of pieces. The per-position strategies (two pieces cut at one boundary) are sampled
 * down to {@link #MAX_SINGLE_CUTS} positions per stream, chosen with the seed, to keep the suite
 * fast on the corpus's 100 KB+ files; the strategies that cut at every such position at once are
 * never sampled.
 */
final class Splits {
  static final int MAX_SINGLE_CUTS = 12;
  static final int RANDOM_SPLITS = 4;

  private Splits() {}

  record Split(String name, List<byte[]> pieces) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Split> all(byte[] wire, long seed) {
    Random random = new Random(seed);
    List<Split> splits = new ArrayList<>();
    splits.add(new Split("whole", List.of(wire)));
    splits.add(new Split("one byte at a time", cutAt(wire, range(1, wire.length))));

    TreeSet<Integer> eol = new TreeSet<>();
    TreeSet<Integer> crOnly = new TreeSet<>();
    for (int i = 0; i < wire.length; i++) {
      if (wire[i] == '\r' || wire[i] == '\n') {
        eol.add(i);
        eol.add(i + 1);
        if (wire[i] == '\r') {
          crOnly.add(i + 1);
        }
      }
    }
    splits.add(new Split("at and after every CR and LF", cutAt(wire, eol)));
    if (!crOnly.isEmpty()) {
      splits.add(new Split("just after every CR", cutAt(wire, crOnly)));
    }
    for (int at : sample(eol, wire.length, random)) {
      splits.add(new Split("once at CR/LF boundary " + at, cutAt(wire, List.of(at))));
    }

    TreeSet<Integer> inside = new TreeSet<>();
    for (int i = 0; i < wire.length; i++) {
      if ((wire[i] & 0xC0) == 0x80) {
        inside.add(i); // a continuation byte: cutting before it splits a character
      }
    }
    if (!inside.isEmpty()) {
      splits.add(new Split("inside every multi-byte character", cutAt(wire, inside)));
      for (int at : sample(inside, wire.length, random)) {
        splits.add(new Split("once inside the character at " + at, cutAt(wire, List.of(at))));
      }
    }

    for (int r = 0; r < RANDOM_SPLITS; r++) {
      TreeSet<Integer> cuts = new TreeSet<>();
      int pos = 0;
      while (true) {
        pos += 1 + random.nextInt(1 << random.nextInt(10));
        if (pos >= wire.length) {
          break;
        }
        cuts.add(pos);
      }
      splits.add(new Split("random #" + r, cutAt(wire, cuts)));
    }
    return splits;
  }

  /** The cuts that matter for line ends: one byte at a time, and at and after every CR and LF. */
  static List<Split> framing(byte[] wire) {
    TreeSet<Integer> eol = new TreeSet<>();
    for (int i = 0; i < wire.length; i++) {
      if (wire[i] == '\r' || wire[i] == '\n') {
        eol.add(i);
        eol.add(i + 1);
      }
    }
    return List.of(new Split("one byte at a time", cutAt(wire, range(1, wire.length))),
        new Split("at and after every CR and LF", cutAt(wire, eol)));
  }

  private static List<Integer> sample(TreeSet<Integer> positions, int length, Random random) {
    List<Integer> inRange = new ArrayList<>();
    for (int p : positions) {
      if (p > 0 && p < length) {
        inRange.add(p);
      }
    }
    if (inRange.size() <= MAX_SINGLE_CUTS) {
      return inRange;
    }
    List<Integer> picked = new ArrayList<>();
    for (int i = 0; i < MAX_SINGLE_CUTS; i++) {
      picked.add(inRange.get(random.nextInt(inRange.size())));
    }
    return picked;
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> all = new ArrayList<>();
    for (int i = from; i < to; i++) {
      all.add(i);
    }
    return all;
  }

  private static List<byte[]> cutAt(byte[] wire, Iterable<Integer> cuts) {
    List<byte[]> pieces = new ArrayList<>();
    int from = 0;
    for (int cut : cuts) {
      if (cut > from && cut < wire.length) {
        pieces.add(Arrays.copyOfRange(wire, from, cut));
        from = cut;
      }
    }
    pieces.add(Arrays.copyOfRange(wire, from, wire.length));
    return pieces;
  }
}
