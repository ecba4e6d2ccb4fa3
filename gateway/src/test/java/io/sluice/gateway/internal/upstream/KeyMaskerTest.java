package io.sluice.gateway.internal.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyMaskerTest {
  private static final String KEY = "sk-live-0123456789";

  private static String run(String key, String text, int... cuts) {
    KeyMasker masker = new KeyMasker(key);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int from = 0;
    for (int cut : cuts) {
      out.writeBytes(masker.apply(java.util.Arrays.copyOfRange(bytes, from, cut)));
      from = cut;
    }
    out.writeBytes(masker.apply(java.util.Arrays.copyOfRange(bytes, from, bytes.length)));
    out.writeBytes(masker.flush());
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void passesBytesWithoutTheKeyThroughUnchangedAndUncopied() {
    KeyMasker masker = new KeyMasker(KEY);
    byte[] chunk = "data: {\"a\":1}\n\n".getBytes(StandardCharsets.UTF_8);
    assertThat(masker.apply(chunk)).isSameAs(chunk);
  }

  @Test
  void aBufferWithoutTheKeyPassesUnchanged() {
    assertThat(new KeyMasker(KEY).passesUnchanged(
        io.vertx.core.buffer.Buffer.buffer("data: {\"a\":\"sk-live-01 sk\"}\n\n"))).isTrue();
    assertThat(new KeyMasker("").passesUnchanged(io.vertx.core.buffer.Buffer.buffer(KEY)))
        .isTrue();
  }

  @Test
  void aBufferWithTheKeyOrItsBeginningAtTheEndDoesNotPass() {
    KeyMasker masker = new KeyMasker(KEY);
    assertThat(masker.passesUnchanged(io.vertx.core.buffer.Buffer.buffer("a " + KEY + " b")))
        .isFalse();
    assertThat(masker.passesUnchanged(io.vertx.core.buffer.Buffer.buffer("data: sk-live-01")))
        .isFalse();
    assertThat(masker.passesUnchanged(io.vertx.core.buffer.Buffer.buffer("data: s"))).isFalse();
  }

  @Test
  void aDirectBufferIsSearchedAsAHeapOneIs() {
    // The stream relay gathers a read's output off the heap: the key must be found there too,
    // at the start, in the middle, after an 's' that begins no key, and cut off at the end.
    KeyMasker masker = new KeyMasker(KEY);
    for (String text : new String[] {KEY + " a", "ss " + KEY, "data: sss sk-live-01"}) {
      io.netty.buffer.ByteBuf direct = io.netty.buffer.Unpooled.directBuffer(64);
      try {
        direct.writeCharSequence(text, StandardCharsets.UTF_8);
        assertThat(masker.passesUnchanged(
            io.vertx.core.internal.buffer.BufferInternal.buffer(direct))).as(text).isFalse();
      } finally {
        direct.release();
      }
    }
    io.netty.buffer.ByteBuf clean = io.netty.buffer.Unpooled.directBuffer(64);
    try {
      clean.writeCharSequence("data: {\"a\":\"sk-live-01 sk\"}\n\n", StandardCharsets.UTF_8);
      assertThat(masker.passesUnchanged(io.vertx.core.internal.buffer.BufferInternal.buffer(clean)))
          .isTrue();
    } finally {
      clean.release();
    }
  }

  @Test
  void nothingPassesUnchangedWhileBytesAreHeldBack() {
    KeyMasker masker = new KeyMasker(KEY);
    masker.apply("data: sk-li".getBytes(StandardCharsets.UTF_8)); // may yet become the key
    assertThat(masker.passesUnchanged(io.vertx.core.buffer.Buffer.buffer("fe\n\n"))).isFalse();
  }

  @Test
  void masksTheKeyInOneChunk() {
    assertThat(run(KEY, "data: {\"error\":\"key " + KEY + " revoked\"}\n\n"))
        .isEqualTo("data: {\"error\":\"key *** revoked\"}\n\n");
  }

  @Test
  void masksTheKeyAtEveryCutThatSplitsIt() {
    String text = "data: {\"error\":\"" + KEY + " and " + KEY + "\"}\n\n";
    String expected = "data: {\"error\":\"*** and ***\"}\n\n";
    for (int cut = 1; cut < text.length(); cut++) {
      assertThat(run(KEY, text, cut)).as("cut at %d", cut).isEqualTo(expected);
    }
    Random random = new Random(7);
    for (int r = 0; r < 200; r++) {
      int a = 1 + random.nextInt(text.length() - 2);
      int b = a + 1 + random.nextInt(text.length() - a - 1);
      assertThat(run(KEY, text, a, b)).isEqualTo(expected);
    }
  }

  @Test
  void releasesAHeldPrefixThatNeverBecomesTheKey() {
    assertThat(run(KEY, "ends with sk-li", 12)).isEqualTo("ends with sk-li");
  }

  @Test
  void masksAPeriodicKeyWithoutLeakingItsHalf() {
    assertThat(run("abab", "xxabab", 6)).isEqualTo("xx***");
    assertThat(run("abab", "xxababab", 4, 7)).doesNotContain("abab");
  }

  @Test
  void anEmptyKeyChangesNothing() {
    assertThat(run("", "data: x\n\n", 3)).isEqualTo("data: x\n\n");
  }
}
