package io.sluice.gateway.internal.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * What one upstream read produces for the client (raw bytes, re-framed or translated events),
 * gathered in one buffer of the allocator's pool and written once ({@link StreamRelay} says when).
 * No new array then holds a relayed event's bytes on the gateway's side: a new heap buffer per
 * read, grown by doubling as events were appended, was most of what a pass-through allocated per
 * event. The pool's heap buffers, not its direct ones: with direct ones, Netty's leak detector
 * (paranoid) reported the upstream client's read buffers as leaked after a slow reader's stream,
 * which heap ones do not cause; the copy into direct memory for the socket is Netty's, off the
 * heap.
 *
 * <p>Ownership: the buffer being gathered is this object's until {@link #flush} hands it to the
 * write. Vert.x writes a buffer that is not its own without taking it over, so each written buffer
 * waits in {@link #inFlight} and goes back to the pool when its write completes, whether it
 * succeeded or failed (a client gone). Writes to one connection complete in the order they were
 * made, so the oldest one is the one that completed. Every other way out ({@link #drop},
 * {@link #takeCopy}) gives the buffer back at once. One instance per stream, on its event loop.
 */
final class ReadOutput {
  /** The smallest buffer taken for a read: a paced stream's read is one event, about this size. */
  static final int MIN_CAPACITY = 256;

  private final ByteBufAllocator allocator;
  private final Function<Buffer, Future<Void>> sink;
  private ByteBuf pending;
  private final ArrayDeque<ByteBuf> inFlight = new ArrayDeque<>(4);
  /** One listener for every write: no object per write beyond Vert.x's own. */
  private final Completable<Void> written = (v, failure) -> {
    ByteBuf sent = inFlight.poll();
    if (sent != null) {
      sent.release();
    }
  };

  /**
   * @param sink writes a buffer to the client; its future completes when the write did (or
   *     failed), after which the buffer is no longer read
   */
  ReadOutput(ByteBufAllocator allocator, Function<Buffer, Future<Void>> sink) {
    this.allocator = allocator;
    this.sink = sink;
  }

  /** True when something is being gathered: a flush is due. */
  boolean hasPending() {
    return pending != null;
  }

  /** The buffer to append to, made room for {@code length} more bytes (it grows as needed). */
  ByteBuf buffer(int length) {
    if (pending == null) {
      pending = allocator.heapBuffer(Math.max(MIN_CAPACITY, length + 64));
    }
    return pending;
  }

  /**
   * Writes what was gathered, in one write; false when there was nothing (an empty buffer goes
   * back to the pool at once).
   */
  boolean flush() {
    ByteBuf out = pending;
    pending = null;
    if (out == null) {
      return false;
    }
    if (!out.isReadable()) {
      out.release();
      return false;
    }
    inFlight.add(out);
    Future<Void> sent;
    try {
      sent = sink.apply(BufferInternal.buffer(out));
    } catch (RuntimeException e) {
      inFlight.pollLast();
      out.release();
      throw e;
    }
    sent.onComplete(written);
    return true;
  }

  /** What was gathered, copied to the heap, and the buffer given back; null when nothing was. */
  Buffer takeCopy() {
    if (pending == null) {
      return null;
    }
    // One copy, wrapped: Buffer.buffer(byte[]) would copy the copy.
    Buffer copy = BufferInternal.buffer(Unpooled.wrappedBuffer(ByteBufUtil.getBytes(pending)));
    drop();
    return copy;
  }

  /** Gives what was gathered back to the pool, unwritten. */
  void drop() {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }

  /** Buffers written and not yet completed; for tests. */
  int inFlight() {
    return inFlight.size();
  }
}
