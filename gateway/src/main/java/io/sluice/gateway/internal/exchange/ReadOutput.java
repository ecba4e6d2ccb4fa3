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
import java.util.function.Predicate;

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
 * made, so the oldest one is the one that completed. Every other way out gives the buffer back
 * at once ({@link #drop}) or hands it over ({@link #take}). One instance per stream, on its event
 * loop.
 *
 * <p>Reuse: a buffer whose write completed is kept for the next read ({@link #MAX_SPARE} at most),
 * so that a stream takes a buffer from the pool once, not once per read: at one event per read,
 * taking and giving back per read made the pool allocate and drop its chunks over and over.
 * {@link #close} gives the kept buffer back, and every buffer whose write completes after it.
 */
final class ReadOutput {
  /** The smallest buffer taken for a read: a paced stream's read is one event, about this size. */
  static final int MIN_CAPACITY = 256;
  /** Kept free before a read's bytes, for the size line of the chunk that may carry them. */
  private static final int ROOM = ChunkChannel.SIZE_LINE_ROOM;

  private final ByteBufAllocator allocator;
  private final Function<Buffer, Future<Void>> sink;
  private final Predicate<ByteBuf> chunks;
  private ByteBuf pending;
  private final ArrayDeque<ByteBuf> inFlight = new ArrayDeque<>(4);
  /** The largest buffer kept for the next read: a paced stream's read is an event or a few. */
  static final int MAX_SPARE = 4096;
  /** A buffer whose write completed, empty, for the next read; null when none. */
  private ByteBuf spare;
  private boolean closed;
  /** One listener for every write: no object per write beyond Vert.x's own. */
  private final Completable<Void> written = (v, failure) -> {
    ByteBuf sent = inFlight.poll();
    if (sent != null) {
      keepOrRelease(sent);
    }
  };

  /**
   * @param sink writes a buffer to the client; its future completes when the write did (or
   *     failed), after which the buffer is no longer read
   * @param chunks writes a buffer's readable bytes to the client at once as one HTTP/1.1 chunk
   *     framed in place ({@link ChunkChannel#write}), taking over one reference to it; false, with
   *     nothing written and no reference taken, when the client cannot be written that way now
   */
  ReadOutput(ByteBufAllocator allocator, Function<Buffer, Future<Void>> sink,
      Predicate<ByteBuf> chunks) {
    this.allocator = allocator;
    this.sink = sink;
    this.chunks = chunks;
  }

  /** True when something is being gathered: a flush is due. */
  boolean hasPending() {
    return pending != null;
  }

  /** The buffer to append to, made room for {@code length} more bytes (it grows as needed). */
  ByteBuf buffer(int length) {
    if (pending == null) {
      int wanted = Math.max(MIN_CAPACITY, length + 64 + ROOM);
      ByteBuf kept = spare;
      spare = null;
      if (kept != null && kept.capacity() >= wanted) {
        pending = kept;
      } else {
        if (kept != null) {
          kept.release(); // too small: the larger one taken now is kept after its write instead
        }
        pending = allocator.heapBuffer(wanted);
      }
      pending.setIndex(ROOM, ROOM);
    }
    return pending;
  }

  /** A buffer no longer read: kept for the next read when there is room, else given back. */
  private void keepOrRelease(ByteBuf b) {
    if (spare == null && !closed && b.capacity() <= MAX_SPARE) {
      b.clear();
      spare = b;
    } else {
      b.release();
    }
  }

  /**
   * The stream is over: the kept buffer goes back to the pool, as does what was gathered and
   * every buffer whose write completes from now on. Idempotent.
   */
  void close() {
    closed = true;
    drop();
    if (spare != null) {
      spare.release();
      spare = null;
    }
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
      keepOrRelease(out);
      return false;
    }
    if (writeChunk(out)) {
      return true;
    }
    inFlight.add(out);
    Future<Void> sent;
    try {
      // A slice: a Vert.x buffer reads from index 0, and the size line's room comes first.
      sent = sink.apply(BufferInternal.buffer(out.slice()));
    } catch (RuntimeException e) {
      inFlight.pollLast();
      out.release();
      throw e;
    }
    sent.onComplete(written);
    return true;
  }

  /**
   * Writes {@code out} as a chunk when the client can take one that way. The write holds a
   * reference of its own until the socket took the bytes, which on a plain connection is before
   * it returns (Netty copies a heap buffer to direct memory as it queues it): the buffer is then
   * kept for the next read as after any completed write; otherwise it goes back to the pool once
   * the write lets go of it.
   */
  private boolean writeChunk(ByteBuf out) {
    out.retain();
    boolean written;
    try {
      written = chunks.test(out);
    } catch (RuntimeException e) {
      out.release(2);
      throw e;
    }
    if (!written) {
      out.release();
      return false;
    }
    if (out.refCnt() == 1) {
      keepOrRelease(out);
    } else {
      out.release();
    }
    return true;
  }

  /**
   * What was gathered, handed over with the room for a size line still before its bytes
   * ({@link ChunkChannel#SIZE_LINE_ROOM}): the caller releases it. Null when nothing was.
   */
  ByteBuf take() {
    ByteBuf out = pending;
    pending = null;
    return out;
  }

  /** {@code out}'s readable bytes copied to the heap, wrapped once. */
  static Buffer copyOf(ByteBuf out) {
    // Buffer.buffer(byte[]) would copy the copy.
    return BufferInternal.buffer(Unpooled.wrappedBuffer(ByteBufUtil.getBytes(out)));
  }

  /** Gives what was gathered back to the pool, unwritten. */
  void drop() {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }

  /** Whether a buffer is kept for the next read; for tests. */
  boolean keeps() {
    return spare != null;
  }

  /** Buffers written and not yet completed; for tests. */
  int inFlight() {
    return inFlight.size();
  }
}
