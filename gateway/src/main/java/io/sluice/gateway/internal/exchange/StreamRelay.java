package io.sluice.gateway.internal.exchange;

import io.sluice.core.SluiceException;
import io.sluice.core.codec.DecoderOptions;
import io.sluice.core.codec.EncoderOptions;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.sse.SseEnd;
import io.sluice.core.sse.SseEvent;
import io.sluice.core.sse.SseListener;
import io.sluice.core.sse.SseReader;
import io.sluice.core.sse.SseWriter;
import io.sluice.gateway.internal.upstream.UpstreamAttempt;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;

/**
 * Carries a 2xx upstream stream to the client as it arrives, on the exchange's event loop.
 *
 * <p>Pass-through: each upstream buffer is written unchanged and fed to the SSE reader and, for
 * the books, to a {@link BooksReader} (the upstream format's decoder, but for the plain text
 * chunks of a Chat stream, which it books from a byte scan). When the gateway added
 * {@code stream_options.include_usage} for its own books, the events are re-framed instead (same
 * data) so that the extra {@code choices: []} usage chunk can be dropped.
 * Translation: the upstream's decoder feeds the client format's encoder.
 *
 * <p>Everything one upstream read produces (the response head, raw bytes, re-framed or translated
 * events) is gathered and written to the client once, by a task that runs when the event loop has
 * delivered the whole read: Netty hands a chunked body over one HTTP chunk at a time, and a write
 * to the client is flushed at once (it is not the channel being read), so writing as chunks come
 * would cost a system call per chunk, and the head a packet of its own, when the upstream sends
 * several in one packet.
 *
 * <p>Allocation: over HTTP/1.1 the body is read below Vert.x ({@link UpstreamTap}), in Netty's
 * pooled buffers rather than a heap copy of each; what a read produces is gathered in a pooled
 * buffer ({@link ReadOutput}), and the flush task is one object per relay, so that a relayed
 * event costs no copy of its bytes on the heap and no object per read.
 *
 * <p>Back-pressure: when the client's write queue passes {@code limits.stream-buffer-bytes} the
 * upstream read pauses, and resumes on drain, so a slow reader holds a bounded buffer.
 *
 * <p>Failure: whatever the gateway's own reading of the stream fails on (an event over
 * {@code limits.max-event-bytes}, a line that never ends, an event a translation cannot decode)
 * ends the exchange at once, in {@link #readFailed}: the upstream is cancelled, and the client's
 * stream ends with the terminal error of its format. A failure is never taken for an end.
 * Every byte goes out through the exchange, which masks the upstream's key.
 */
final class StreamRelay implements UpstreamTap.Sink {
  private final Exchange ex;
  private final UpstreamAttempt attempt;
  private final HttpClientResponse upstream;
  /** What reads the upstream's body below Vert.x, when it does: null when the response does. */
  private UpstreamTap tap;
  private final StreamDecoder decoder;
  /** What reads the upstream's events for the books: the decoder, or a {@link BooksReader}. */
  private final SseListener forBooks;
  private final SseReader reader;
  private final StreamEncoder encoder;
  private final boolean raw;
  private long idleTimer = -1;
  /** When the upstream was last read, or last asked to resume: idle time counts from here. */
  private long lastReadNanos;
  /** The upstream is paused for a slow client, which is never an idle upstream. */
  private boolean paused;
  /** The idle timer found the limit passed once and gave the loop a turn to read first. */
  private boolean idleRechecked;
  /** Output not yet written to the client: what the current upstream read has produced. */
  private final ReadOutput pending;
  /** A flush of {@link #pending} is queued on the event loop, behind the rest of the read. */
  private boolean flushQueued;
  /** Runs {@link #flush} on the exchange's context; one object for every read of the stream. */
  private final Runnable flushTask;
  private final ContextInternal context;
  /** {@link #read}, as the tap's calls run it on the exchange's context. */
  private final io.vertx.core.Handler<ByteBuf> readPiece = this::read;
  private String responseId = "";
  /** What ended the stream, when it failed; the exchange names it in the log. */
  private String errorClass = "";
  private boolean ended;
  /** The upstream's response ended: nothing left to cancel. */
  private boolean upstreamEnded;
  /** A model event (a content block, or the end) passed: an error after it ends the stream. */
  private boolean contentSeen;
  /** The last bytes passed through raw, to tell whether the upstream stopped mid-event. */
  private final byte[] tail = new byte[4];
  private int tailLength;
  /**
   * The array an off-heap piece is read through, a part at a time: one per event loop, not one
   * per stream (its own was about 3 % of what a paced stream allocated), since a piece is read
   * from start to end on its loop before the next is.
   */
  private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[8 * 1024];
    }
  };

  public StreamRelay(Exchange ex, UpstreamAttempt attempt, HttpClientResponse upstream) {
    this.ex = ex;
    this.attempt = attempt;
    this.upstream = upstream;
    ContextInternal context = (ContextInternal) ex.context;
    this.context = context;
    Runnable flushNow = () -> {
      flushQueued = false;
      flush();
    };
    // What Context.runOnContext does, less the task object it makes on every call.
    this.flushTask = () -> context.dispatch(flushNow);
    this.pending = new ReadOutput(ByteBufAllocator.DEFAULT, ex::write, ex::writeChunk);
    if (!attempt.passThrough()) {
      decoder = attempt.codec().decoder(this::onEvent, DecoderOptions.DEFAULTS);
      forBooks = decoder;
    } else {
      // The client's own reader meets a broken event in the bytes; the books count on past it.
      BooksReader books = new BooksReader(attempt.codec(),
          DecoderOptions.skipMalformed(ex.accounting::malformedSkipped), this::onEvent,
          this::onText, ex.accounting.keepsText());
      decoder = books.decoder();
      forBooks = books;
    }
    if (!attempt.passThrough()) {
      raw = false;
      // Only a Chat stream's usage chunk is optional; the other formats ignore the option.
      encoder = ex.door.codec().encoder(SseWriter.create(this::write),
          new EncoderOptions(ex.scan.includeUsage()));
      reader = EventLimit.reader(decoder, ex.gw.limits, this::readFailed);
    } else if (attempt.stripsUsage()) {
      raw = false;
      encoder = null;
      reader = EventLimit.reader(new UsageChunkFilter(), ex.gw.limits, this::readFailed);
    } else {
      raw = true; // no SseWriter: the bytes go out as they came
      encoder = null;
      reader = EventLimit.reader(forBooks, ex.gw.limits, this::readFailed);
    }
  }

  public void start() {
    // Now or never: the response's head is being handed over, and no piece of its body yet.
    tap = UpstreamTap.attach(upstream, this);
    // The head leaves with the first bytes of the body when they came in the same read, else
    // alone once the read is done: a client sees the stream begin when the upstream's began.
    ex.streamStarted(this, attempt.passThrough() ? upstream.headers() : null);
    queueFlush();
    if (!attempt.passThrough()) {
      ex.passHeaders(upstream.headers(), false);
    }
    ex.response.drainHandler(v -> {
      if (!ended && paused) {
        paused = false;
        lastReadNanos = System.nanoTime(); // the upstream is read again: its silence counts from now
        upstream.resume();
        if (tap != null) {
          tap.resume(this);
        }
      }
    });
    upstream.handler(this::onChunk);
    upstream.exceptionHandler(this::onError);
    upstream.endHandler(v -> onEnd());
    lastReadNanos = System.nanoTime();
    armIdle(ex.gw.limits.idleTimeout().toMillis());
  }

  /** A piece of the body through the response (HTTP/2, or no tap on the connection). */
  private void onChunk(Buffer chunk) {
    read(chunk instanceof BufferInternal ? ((BufferInternal) chunk).unwrap()
        : Unpooled.wrappedBuffer(chunk.getBytes()));
  }

  /** A piece of the body from the tap, which runs below Vert.x: on the exchange's context. */
  @Override
  public void onBytes(ByteBuf in) {
    context.dispatch(in, readPiece);
  }

  /** A piece of the body, from the tap or the response; the caller keeps {@code in}. */
  private void read(ByteBuf in) {
    if (ended) {
      return;
    }
    lastReadNanos = System.nanoTime();
    int n = in.readableBytes();
    ex.readFromUpstream(n);
    int at = in.readerIndex();
    if (in.hasArray()) {
      // On the heap (Vert.x's copy of what Netty read): read in place. Nothing keeps the array
      // past the read: the reader copies what it holds back, and the writes copy what they gather.
      reader.feed(in.array(), in.arrayOffset() + at, n);
    } else {
      // Off the heap (Netty's pooled buffer, through the tap): read through the loop's array, a
      // part at a time; the reader takes an event in any parts.
      byte[] scratch = SCRATCH.get();
      for (int i = 0; i < n && !ended; i += scratch.length) {
        int k = Math.min(scratch.length, n - i);
        in.getBytes(at + i, scratch, 0, k);
        reader.feed(scratch, 0, k);
      }
    }
    // Read first, forwarded after: a read that failed (readFailed ended the relay) is not sent,
    // so that the client gets its terminal error after whole events, not after an event that
    // was over the limit and whatever followed it in the same read.
    if (raw && !ended) {
      pendingBuffer(n).writeBytes(in, at, n);
      remember(in, at, n);
    }
  }

  private void onEvent(StreamEvent event) {
    if (ended) {
      return; // handed back to the exchange: the rest of the read is the failed attempt's
    }
    if (event instanceof Failed) {
      event = attempt.mask((Failed) event); // an in-stream error may repeat the upstream's key
      if (!contentSeen && ex.mayFailOver((Failed) event)) {
        handBack((Failed) event);
        return;
      }
    }
    // Text deltas, nearly every event, are told by their final class first, and the end by its
    // two: a test against an interface (BlockEvent, Terminal) on JDK 17 scans the class's
    // secondary supertypes on a miss, and on a hit rewrites the class's one-entry cache, a line
    // that both event loops then pull from each other when they relay the same kind of event.
    boolean terminal = event instanceof Done || event instanceof Failed;
    if (event instanceof TextDelta || terminal
        || event instanceof io.sluice.core.event.BlockEvent) {
      contentSeen = true;
      attempt.firstToken();
    }
    if (event instanceof io.sluice.core.event.ResponseStarted) {
      responseId = ((io.sluice.core.event.ResponseStarted) event).id();
      ex.responseMade(responseId);
    }
    ex.accounting.accept(event);
    if (encoder != null && !ended) {
      encoder.encode(event);
      if (event instanceof Failed) {
        // The client's stream is over, in its format: nothing the upstream sends next can reach
        // it, so the upstream is not read on (an error it sent, or one the decoder found).
        stopReading();
      }
    }
    if (!ended && !terminal) {
      ex.overAllowance();
    }
  }

  /**
   * A passed-through text delta of choice 0 that {@link BooksReader} booked without decoding: what
   * {@link #onEvent} does for the {@code TextDelta} the decoder would have emitted.
   */
  private void onText(long utf8Bytes, String text) {
    if (ended) {
      return;
    }
    contentSeen = true;
    attempt.firstToken();
    ex.accounting.textDelta(utf8Bytes, text);
    ex.overAllowance();
  }

  /**
   * The gateway's reader failed (it named the limit): the failure was told to the decoder, for
   * the books and, on a translation, the client; on a pass-through the client hears it here.
   */
  private void readFailed(SluiceException failure) {
    if (ended || ex.done()) {
      return;
    }
    errorClass = ex.accounting.failure != null ? ex.accounting.failure.type() : Failed.MALFORMED;
    if (encoder == null) {
      Failed told = ex.accounting.failure != null ? ex.accounting.failure
          : new Failed(Failed.MALFORMED, "", failure.getMessage(), 0, false);
      if (raw && !atEventBoundary()) {
        byte[] blank = {'\n', '\n'}; // the broken event's bytes went out: close it first
        write(blank, 0, blank.length);
      }
      writeTerminal(told);
    }
    stopReading();
  }

  /** Cancels the upstream at once and ends the client's response with what is pending. */
  private void stopReading() {
    if (ended) {
      return;
    }
    if (errorClass.isEmpty() && ex.accounting.failure != null) {
      errorClass = ex.accounting.failure.type();
    }
    if (!upstreamEnded) {
      ex.cancelUpstream();
    }
    close();
  }

  /**
   * The stream's first model event is an error (overloaded, a server error) and nothing of it
   * reached the client: what it produced is dropped, the upstream cancelled, and the exchange
   * treats it as a failed attempt, so that another key or target may serve, as for a 5xx.
   */
  private void handBack(Failed failure) {
    ended = true;
    pending.close();
    if (idleTimer >= 0) {
      ex.gw.vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
    ex.failOver(this, attempt, failure);
  }

  private void onEnd() {
    if (ended) {
      return;
    }
    upstreamEnded = true;
    boolean upstreamTerminated = decoder.finished();
    if (raw && !upstreamTerminated && !atEventBoundary()) {
      // The upstream stopped inside an event (some servers omit the last blank line). Close it
      // for the client and the decoder alike, so that our terminal event is not glued onto it.
      byte[] blank = {'\n', '\n'};
      write(blank, 0, blank.length);
      reader.feed(blank);
      upstreamTerminated = decoder.finished() && ex.accounting.failure == null;
    }
    reader.end(); // a missing terminal marker becomes a Failed(stream_truncated) event
    if (attempt.passThrough() && !upstreamTerminated && ex.accounting.failure != null) {
      writeTerminal(ex.accounting.failure);
    }
    close();
  }

  private void onError(Throwable cause) {
    if (ended || attempt.cancelled() || ex.done()) {
      return;
    }
    fail(new Failed(Failed.TRANSPORT, "", "the upstream connection failed mid-stream: "
        + UpstreamAttempt.safeMessage(cause), 502, true));
  }

  private void armIdle(long delayMillis) {
    idleTimer = ex.gw.vertx.setTimer(Math.max(1, delayMillis), id -> checkIdle());
  }

  /** One timer per stream, moved on by reads: cheaper than a new timer for every chunk. */
  private void checkIdle() {
    idleTimer = -1;
    if (ended) {
      return;
    }
    long limit = ex.gw.limits.idleTimeout().toNanos();
    long quiet = System.nanoTime() - lastReadNanos;
    // Until the first model event the first-token timeout governs alone: a reasoning model may
    // send its head (or a message_start) and think for longer than the idle timeout.
    if (paused || quiet < limit || attempt.awaitsFirstToken()) {
      idleRechecked = false;
      armIdle(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(
          paused || quiet >= limit ? limit : limit - quiet));
      return;
    }
    if (!idleRechecked) {
      // A timer that falls due while the loop is held up (a long GC pause, a starved CPU) runs
      // before the reads of the same turn: the upstream's bytes may be waiting in the socket. One
      // more turn, in which the loop reads first, before the silence is taken for the upstream's
      // (found by SoakTest on a loaded machine: a stream that was not silent timed out).
      idleRechecked = true;
      armIdle(1);
      return;
    }
    timeout("the upstream sent nothing for " + ex.gw.limits.idleTimeout().toMillis()
        + " ms (limits.idle-timeout)");
  }

  /** A timeout once the stream started: cancel the upstream, end the client's stream with it. */
  public void timeout(String message) {
    abort(new Failed(Failed.TIMEOUT, "", message, 504, true));
  }

  /** The gateway ends the stream (a limit, a drain): upstream cancelled, the client told. */
  void abort(Failed failure) {
    if (ended || ex.done()) {
      return;
    }
    ex.cancelUpstream();
    fail(failure);
  }

  /**
   * A hard-mode limit reached mid-stream: cancel the upstream, end the client's stream with
   * {@code failure}. What came until now is booked.
   */
  void cut(Failed failure) {
    if (ended || ex.done()) {
      return;
    }
    ex.cancelUpstream();
    fail(failure);
  }

  /** Ends the client's stream with a terminal error in its own format. */
  private void fail(Failed failure) {
    errorClass = failure.type();
    if (decoder.finished()) {
      close();
      return;
    }
    ex.accounting.accept(failure);
    if (encoder != null) {
      encoder.encode(failure);
    } else {
      writeTerminal(failure);
    }
    close();
  }

  private void writeTerminal(Failed failure) {
    Buffer event = ClientErrors.terminalEvent(ex.door.format, failure, responseId,
        ex.accounting.responseModel.isEmpty() ? ex.scan.model() : ex.accounting.responseModel);
    byte[] bytes = event.getBytes();
    write(bytes, 0, bytes.length);
  }

  /**
   * The exchange is over: what the last read produced goes out (the caller ends the response
   * after it), and the relay stops reading for the client and lets go of the idle timer.
   */
  void stop() {
    flush();
    ended = true;
    pending.close(); // its kept buffer goes back to the pool; writes still under way follow
    if (idleTimer >= 0) {
      ex.gw.vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }

  private void close() {
    // Goes out with the end of the response, in one write: the exchange's to release.
    ByteBuf last = pending.take();
    ended = true;
    attempt.end();
    if (encoder != null) {
      ex.gw.metrics.translationDropped(ex.door.path, encoder.dropped());
    }
    if (idleTimer >= 0) {
      ex.gw.vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
    ex.endStream(errorClass, last); // what the last read produced goes with the end
  }

  /** The SSE writer's sink, and every other output: gathered until the read is processed. */
  private void write(byte[] bytes, int offset, int length) {
    if (ended) {
      return; // the rest of a read handed back to the exchange, or after the end
    }
    pendingBuffer(length).writeBytes(bytes, offset, length);
  }

  private ByteBuf pendingBuffer(int length) {
    if (!pending.hasPending()) {
      queueFlush();
    }
    return pending.buffer(length);
  }

  private void queueFlush() {
    if (!flushQueued) {
      flushQueued = true;
      // Queued, never run at once: the rest of the read comes first (as runOnContext would).
      context.executor().execute(flushTask);
    }
  }

  /** Writes what is pending in one write (the head with it, if it has not gone yet). */
  private void flush() {
    if (ex.response.closed() || ex.response.ended()) {
      pending.drop();
      return;
    }
    if (!pending.flush()) {
      if (!ended && !ex.response.headWritten()) {
        ex.response.writeHead();
      }
      return;
    }
    ex.bodyStarted();
    if (ex.response.writeQueueFull() && !ended && !paused) {
      upstream.pause();
      if (tap != null) {
        tap.pause(this);
      }
      paused = true;
    }
  }

  /**
   * Keeps the last bytes of what passed, those of {@code in}'s {@code [from, from + n)} after the
   * earlier ones.
   */
  private void remember(ByteBuf in, int from, int n) {
    int take = Math.min(n, tail.length);
    int keep = Math.min(tailLength, tail.length - take);
    System.arraycopy(tail, tailLength - keep, tail, 0, keep);
    in.getBytes(from + n - take, tail, keep, take);
    tailLength = keep + take;
  }

  /** True when the bytes so far end with a blank line (or there were none): WHATWG §9.2.6. */
  private boolean atEventBoundary() {
    int n = tailLength;
    if (n == 0) {
      return true;
    }
    if (tail[n - 1] != '\n' && tail[n - 1] != '\r') {
      return false;
    }
    n -= (n >= 2 && tail[n - 2] == '\r' && tail[n - 1] == '\n') ? 2 : 1;
    return n == 0 || tail[n - 1] == '\n' || tail[n - 1] == '\r';
  }

  /**
   * Re-frames a Chat stream event by event, dropping the {@code choices: []} usage chunk the
   * client did not ask for; the decoder still sees it, so the books have the usage. Events come as
   * bytes and go out as bytes, framed here (the exchange masks the upstream's key).
   */
  private final class UsageChunkFilter implements SseListener {
    /**
     * For what does not come as bytes (a comment, an event the reader decoded): made when first
     * needed, since its buffer was a tenth of what a paced stream allocated and most streams
     * never need it ({@link #writeEvent} frames the byte events).
     */
    private SseWriter writer;

    private SseWriter writer() {
      if (writer == null) {
        writer = SseWriter.create(StreamRelay.this::write);
      }
      return writer;
    }

    @Override
    public boolean onEventBytes(String name, byte[] data, int offset, int length,
        String lastEventId) {
      forBooks.onEventBytes(name, data, offset, length, lastEventId);
      if (!ChatUsageChunk.isUsageOnly(data, offset, length)) {
        writeEvent(name, data, offset, length);
      }
      return true;
    }

    @Override
    public void onEvent(SseEvent event) {
      forBooks.onEvent(event);
      if (!ChatUsageChunk.isUsageOnly(event.data())) {
        writer().event(event.name(), event.data());
      }
    }

    @Override
    public void onComment(String text) {
      writer().comment(text);
    }

    @Override
    public void onUnterminatedEvent(SseEvent event) {
      // A [DONE] without its blank line ends the stream: the client gets it framed whole.
      boolean before = decoder.finished();
      forBooks.onUnterminatedEvent(event);
      if (!before && decoder.finished()) {
        writer().event(event.name(), attempt.mask(event.data()));
      }
    }

    @Override
    public void onEnd(SseEnd end) {
      forBooks.onEnd(end);
    }

    @Override
    public void onFailure(SluiceException failure) {
      forBooks.onFailure(failure);
    }
  }

  private static final byte[] EVENT_FIELD = {'e', 'v', 'e', 'n', 't', ':', ' '};
  private static final byte[] DATA_FIELD = {'d', 'a', 't', 'a', ':', ' '};

  /** Frames one event whose data is LF-joined lines, as {@link SseWriter} would. */
  private void writeEvent(String name, byte[] data, int offset, int length) {
    if (ended) {
      return;
    }
    ByteBuf out = pendingBuffer(length + 16);
    if (!name.isEmpty()) {
      out.writeBytes(EVENT_FIELD);
      out.writeCharSequence(name, StandardCharsets.UTF_8);
      out.writeByte('\n');
    }
    int end = offset + length;
    int line = offset;
    for (int i = offset; i <= end; i++) {
      if (i == end || data[i] == '\n') {
        out.writeBytes(DATA_FIELD).writeBytes(data, line, i - line).writeByte('\n');
        line = i + 1;
      }
    }
    out.writeByte('\n');
  }
}
