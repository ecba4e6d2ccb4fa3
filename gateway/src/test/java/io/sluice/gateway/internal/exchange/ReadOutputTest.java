package io.sluice.gateway.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The output of a read is gathered in a buffer of the pool, and every buffer taken from it goes
 * back to it exactly once, whichever way it leaves: written (once the write completed, whether it
 * succeeded or failed; kept for the next read until the output closes), dropped, copied out, or a
 * write that threw.
 */
class ReadOutputTest {
  /** An allocator that keeps every buffer it made, to check that each was given back. */
  private final List<ByteBuf> made = new ArrayList<>();
  private final AbstractByteBufAllocator allocator = new AbstractByteBufAllocator(false) {
    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      ByteBuf b = Unpooled.buffer(initialCapacity, maxCapacity);
      made.add(b);
      return b;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      throw new AssertionError("the output of a read is gathered in heap buffers of the pool");
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  };
  /** What the sink was asked to write (read at once, as the client would get it). */
  private final List<String> writes = new ArrayList<>();
  private final List<Promise<Void>> completions = new ArrayList<>();
  private final ReadOutput output = new ReadOutput(allocator, this::write, out -> false);

  private Future<Void> write(Buffer out) {
    writes.add(out.toString(StandardCharsets.UTF_8));
    Promise<Void> done = Promise.promise();
    completions.add(done);
    return done.future();
  }

  private void append(String text) {
    output.buffer(text.length()).writeCharSequence(text, StandardCharsets.UTF_8);
  }

  @AfterEach
  void everyBufferWentBackExactlyOnce() {
    output.close();
    assertThat(made).allSatisfy(b -> assertThat(b.refCnt()).isZero());
  }

  @Test
  void whatAReadProducedIsWrittenOnceInOrder() {
    append("data: a\n\n");
    append("data: b\n\n");
    assertThat(output.hasPending()).isTrue();
    assertThat(output.flush()).isTrue();
    assertThat(writes).containsExactly("data: a\n\ndata: b\n\n");
    assertThat(made).hasSize(1);
    assertThat(output.hasPending()).isFalse();
    completions.get(0).complete();
  }

  @Test
  void aWrittenBufferGoesBackOnlyOnceItsWriteCompleted() {
    append("data: a\n\n");
    output.flush();
    append("data: b\n\n");
    output.flush();
    assertThat(made).hasSize(2).allSatisfy(b -> assertThat(b.refCnt()).isOne());
    assertThat(output.inFlight()).isEqualTo(2);
    completions.get(0).complete();
    assertThat(made.get(0).refCnt()).isOne(); // kept for the next read
    assertThat(made.get(1).refCnt()).isOne();
    completions.get(1).complete();
    assertThat(made.get(1).refCnt()).isZero(); // one is kept, the next goes back
    assertThat(output.inFlight()).isZero();
    output.close();
    assertThat(made.get(0).refCnt()).isZero();
  }

  @Test
  void theNextReadReusesTheBufferWhoseWriteCompleted() {
    append("data: a\n\n");
    output.flush();
    completions.get(0).complete();
    assertThat(output.keeps()).isTrue();
    append("data: b\n\n");
    output.flush();
    assertThat(made).hasSize(1);
    assertThat(writes).containsExactly("data: a\n\n", "data: b\n\n");
    completions.get(1).complete();
  }

  @Test
  void aBufferStillBeingWrittenIsNotReused() {
    append("data: a\n\n");
    output.flush();
    append("data: b\n\n");
    output.flush();
    assertThat(made).hasSize(2);
    assertThat(writes).containsExactly("data: a\n\n", "data: b\n\n");
    completions.get(0).complete();
    completions.get(1).complete();
  }

  @Test
  void aKeptBufferTooSmallForTheNextReadGoesBackAndALargerOneIsTaken() {
    append("data: a\n\n");
    output.flush();
    completions.get(0).complete();
    String big = "x".repeat(ReadOutput.MIN_CAPACITY * 2);
    output.buffer(big.length()).writeCharSequence(big, StandardCharsets.UTF_8);
    assertThat(made).hasSize(2);
    assertThat(made.get(0).refCnt()).isZero();
    output.flush();
    completions.get(1).complete();
    assertThat(writes).containsExactly("data: a\n\n", big);
  }

  @Test
  void aBufferLargerThanTheLimitIsNotKept() {
    String big = "x".repeat(ReadOutput.MAX_SPARE + 1);
    output.buffer(big.length()).writeCharSequence(big, StandardCharsets.UTF_8);
    output.flush();
    completions.get(0).complete();
    assertThat(output.keeps()).isFalse();
    assertThat(made.get(0).refCnt()).isZero();
  }

  @Test
  void aWriteCompletingAfterCloseGivesItsBufferBack() {
    append("data: a\n\n");
    output.flush();
    output.close();
    completions.get(0).complete();
    assertThat(output.keeps()).isFalse();
    assertThat(made.get(0).refCnt()).isZero();
  }

  @Test
  void aFailedWriteGivesItsBufferBackToo() {
    append("data: a\n\n");
    output.flush();
    completions.get(0).fail(new IllegalStateException("client gone"));
    assertThat(output.inFlight()).isZero();
  }

  @Test
  void aBufferGrowsPastItsFirstCapacity() {
    String big = "x".repeat(ReadOutput.MIN_CAPACITY * 3);
    append("data: ");
    append(big);
    output.flush();
    assertThat(writes).containsExactly("data: " + big);
    completions.get(0).complete();
  }

  @Test
  void nothingGatheredWritesNothing() {
    assertThat(output.flush()).isFalse();
    output.buffer(10); // taken, nothing appended
    assertThat(output.flush()).isFalse();
    assertThat(writes).isEmpty();
    assertThat(made).hasSize(1);
  }

  @Test
  void aDroppedReadIsNotWritten() {
    append("data: a\n\n");
    output.drop();
    assertThat(output.hasPending()).isFalse();
    assertThat(output.flush()).isFalse();
    assertThat(writes).isEmpty();
  }

  @Test
  void theLastReadIsHandedOverWithRoomForItsSizeLine() {
    assertThat(output.take()).isNull();
    append("data: [DONE]\n\n");
    ByteBuf last = output.take();
    assertThat(output.hasPending()).isFalse();
    assertThat(last.readerIndex()).isEqualTo(ChunkChannel.SIZE_LINE_ROOM);
    assertThat(last.refCnt()).isOne();
    assertThat(ReadOutput.copyOf(last).toString(StandardCharsets.UTF_8))
        .isEqualTo("data: [DONE]\n\n");
    assertThat(last.release()).isTrue(); // the caller's: nothing else holds it
    output.close();
    assertThat(last.refCnt()).isZero();
  }

  @Test
  void aWriteThatThrowsGivesItsBufferBack() {
    ReadOutput failing = new ReadOutput(allocator, out -> {
      throw new IllegalStateException("Response has already been written");
    }, out -> false);
    failing.buffer(8).writeCharSequence("data: a\n\n", StandardCharsets.UTF_8);
    assertThatThrownBy(failing::flush).isInstanceOf(IllegalStateException.class);
    assertThat(failing.inFlight()).isZero();
  }
  @Test
  void aChunkWrittenBelowTheResponseIsFramedInTheRoomBeforeItsBytesAndItsBufferKept() {
    List<String> chunks = new ArrayList<>();
    ReadOutput direct = new ReadOutput(allocator, this::write, out -> {
      // What ChunkChannel and the socket do: the bytes taken, the reference given back.
      assertThat(out.readerIndex()).isEqualTo(ChunkChannel.SIZE_LINE_ROOM);
      chunks.add(out.toString(StandardCharsets.UTF_8));
      out.release();
      return true;
    });
    direct.buffer(9).writeCharSequence("data: a\n\n", StandardCharsets.UTF_8);
    assertThat(direct.flush()).isTrue();
    direct.buffer(9).writeCharSequence("data: b\n\n", StandardCharsets.UTF_8);
    assertThat(direct.flush()).isTrue();
    assertThat(chunks).containsExactly("data: a\n\n", "data: b\n\n");
    assertThat(writes).isEmpty();
    assertThat(made).hasSize(1); // written at once, so kept and reused
    assertThat(direct.keeps()).isTrue();
    assertThat(direct.inFlight()).isZero();
    direct.close();
  }

  @Test
  void aChunkTheSocketStillHoldsIsNotReusedAndGoesBackWhenItLetsGo() {
    List<ByteBuf> held = new ArrayList<>();
    ReadOutput direct = new ReadOutput(allocator, this::write, out -> held.add(out));
    direct.buffer(9).writeCharSequence("data: a\n\n", StandardCharsets.UTF_8);
    direct.flush();
    assertThat(direct.keeps()).isFalse();
    assertThat(made.get(0).refCnt()).isOne(); // the write's reference only
    direct.buffer(9).writeCharSequence("data: b\n\n", StandardCharsets.UTF_8);
    direct.flush();
    assertThat(made).hasSize(2);
    direct.close();
    held.forEach(ByteBuf::release); // the socket took the bytes
  }

  @Test
  void whenNoChunkCanBeWrittenTheResponseGetsTheBytesWithoutTheRoom() {
    ReadOutput refused = new ReadOutput(allocator, this::write, out -> false);
    refused.buffer(9).writeCharSequence("data: a\n\n", StandardCharsets.UTF_8);
    assertThat(refused.flush()).isTrue();
    assertThat(writes).containsExactly("data: a\n\n");
    assertThat(made.get(0).refCnt()).isOne(); // until the response's write completes
    completions.get(0).complete();
    refused.close();
  }
}
