package io.sluice.core.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Utf8#isWellFormed} agrees with the JDK's decoder on every input. */
class Utf8Test {

  @Test
  void agreesWithTheJdkDecoderOnRandomBytes() {
    // Bytes drawn mostly from lead and continuation ranges, so that edge cases are common.
    byte[] pool = {'a', '{', 0x7F, (byte) 0x80, (byte) 0x8F, (byte) 0x90, (byte) 0x9F, (byte) 0xA0,
        (byte) 0xBF, (byte) 0xC0, (byte) 0xC1, (byte) 0xC2, (byte) 0xDF, (byte) 0xE0, (byte) 0xE1,
        (byte) 0xEC, (byte) 0xED, (byte) 0xEE, (byte) 0xEF, (byte) 0xF0, (byte) 0xF1, (byte) 0xF3,
        (byte) 0xF4, (byte) 0xF5, (byte) 0xFF};
    Random random = new Random(42);
    for (int n = 0; n < 200_000; n++) {
      byte[] b = new byte[random.nextInt(12)];
      for (int i = 0; i < b.length; i++) {
        b[i] = pool[random.nextInt(pool.length)];
      }
      // Well-formed input, and only well-formed input, survives a decode and encode unchanged.
      boolean jdk = Arrays.equals(
          new String(b, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8), b);
      assertThat(Utf8.isWellFormed(b, 0, b.length)).as(Arrays.toString(b)).isEqualTo(jdk);
    }
  }

  @Test
  void agreesWithTheJdkDecoderOnLongAsciiRunsBetweenOtherBytes() {
    // Runs of ASCII longer than eight bytes between multi-byte characters, cut anywhere.
    byte[] pool = {'a', 'b', '{', '"', 'a', 'b', 'c', 'd', 'e', (byte) 0x80, (byte) 0xA0,
        (byte) 0xC3, (byte) 0xE2, (byte) 0xED, (byte) 0xF0, (byte) 0xFF};
    Random random = new Random(7);
    for (int n = 0; n < 100_000; n++) {
      byte[] b = new byte[random.nextInt(48)];
      for (int i = 0; i < b.length; i++) {
        b[i] = random.nextInt(5) == 0 ? pool[random.nextInt(pool.length)] : (byte) 'x';
      }
      boolean jdk = Arrays.equals(
          new String(b, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8), b);
      assertThat(Utf8.isWellFormed(b, 0, b.length)).as(Arrays.toString(b)).isEqualTo(jdk);
    }
  }

  @Test
  void checksOnlyTheGivenRangePastTheAsciiWords() {
    byte[] b = "0123456789abcdef€ghijk".getBytes(StandardCharsets.UTF_8);
    assertThat(Utf8.isWellFormed(b, 0, b.length)).isTrue();
    assertThat(Utf8.isWellFormed(b, 0, 17)).as("cut inside the euro sign").isFalse();
    assertThat(Utf8.isWellFormed(b, 17, 2)).as("starts on a continuation byte").isFalse();
    assertThat(Utf8.isWellFormed(b, 19, 3)).isTrue();
  }
}
