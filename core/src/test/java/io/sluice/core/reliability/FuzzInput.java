package io.sluice.core.reliability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * How a fuzz target reads its input: two header bytes, then the payload. The first byte picks a
 * size limit, the second seeds the split of the payload into feeds. Seeds stay readable text: a
 * two-character prefix such as {@code z3} before an ordinary SSE transcript.
 */
record FuzzInput(int header, int splitSeed, byte[] payload) {

  static FuzzInput of(byte[] input) {
    if (input.length < 2) {
      return new FuzzInput(0, 0, new byte[0]);
    }
    return new FuzzInput(input[0] & 0xff, input[1], Arrays.copyOfRange(input, 2, input.length));
  }

  /** The payload in consecutive pieces of 1 to 32 bytes, chosen by the split seed. */
  List<byte[]> pieces() {
    Random random = new Random(splitSeed);
    List<byte[]> pieces = new ArrayList<>();
    int pos = 0;
    while (pos < payload.length) {
      int n = Math.min(payload.length - pos, 1 + random.nextInt(1 << random.nextInt(6)));
      pieces.add(Arrays.copyOfRange(payload, pos, pos + n));
      pos += n;
    }
    return pieces;
  }
}
