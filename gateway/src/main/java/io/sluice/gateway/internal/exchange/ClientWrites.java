package io.sluice.gateway.internal.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.sluice.gateway.internal.upstream.KeyMasker;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * The answer's bytes on their way to the client, through the key masker of the attempt under way
 * and counted for the meters: through the response, or, once its head is out, as chunks below it
 * ({@link ChunkChannel}). One per exchange, on its event loop.
 */
final class ClientWrites {
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final ExchangeRecorder recorder;
  /** Where the chunks go below Vert.x, once looked for after the head went out. */
  private ChunkChannel chunks;
  private boolean chunksLooked;

  ClientWrites(HttpServerRequest request, ExchangeRecorder recorder) {
    this.request = request;
    this.response = request.response();
    this.recorder = recorder;
  }

  /**
   * Writes {@code out}'s readable bytes to the client at once as one chunk, below Vert.x's
   * response; false, with nothing written, when they must go through {@link #write} (the head
   * not written yet, a connection the chunks cannot reach, bytes the key masker would change).
   * Not flushed when {@code flush} is false: the response's end, written next, flushes it.
   */
  boolean chunk(ByteBuf out, KeyMasker masker, boolean flush) {
    if (chunks == null) {
      if (chunksLooked || !response.headWritten()) {
        return false;
      }
      chunksLooked = true; // once per exchange, after the head: it is HTTP/1.1 and chunked or not
      chunks = ChunkChannel.of(request);
      if (chunks == null) {
        return false;
      }
    }
    if (response.ended() || response.closed() || !masker.passesUnchanged(out)) {
      return false;
    }
    int n = out.readableBytes();
    if (!chunks.write(out, flush)) {
      return false;
    }
    recorder.sentToClient(n);
    return true;
  }

  /**
   * Ends the response with {@code last} (null: nothing more), masked and counted; nothing when
   * the response is already over. True when bytes went with the end.
   */
  boolean end(Buffer last, KeyMasker masker) {
    if (response.ended() || response.closed()) {
      return false;
    }
    Buffer rest = last != null && masker.passesUnchanged(last) ? last
        : Buffer.buffer(masker.last(last == null ? new byte[0] : last.getBytes()));
    if (rest.length() == 0) {
      response.end();
      return false;
    }
    recorder.sentToClient(rest.length());
    response.end(rest);
    return true;
  }

  /**
   * Ends the response with a stream's last read ({@code last}, null when nothing; released here,
   * whatever happens). Once the head is out it goes below the response as the last chunk, left
   * for the end to flush, so that both leave in one write; else through the response as a copy.
   */
  boolean end(ByteBuf last, KeyMasker masker) {
    if (last == null || !last.isReadable()) {
      ReferenceCountUtil.release(last);
      return end((Buffer) null, masker);
    }
    if (chunk(last, masker, false)) { // false, too, once the response is over
      response.end();
      return true;
    }
    Buffer copy = ReadOutput.copyOf(last);
    last.release();
    return end(copy, masker);
  }

  /**
   * Writes part of the answer through the response, masked; completes when the write did (or
   * failed), after which {@code out} is no longer read.
   */
  Future<Void> write(Buffer out, KeyMasker masker) {
    if (masker.passesUnchanged(out)) {
      recorder.sentToClient(out.length());
      return response.write(out);
    }
    byte[] bytes = out.getBytes();
    byte[] masked = masker.apply(bytes);
    recorder.sentToClient(masked.length);
    return response.write(masked == bytes ? out : Buffer.buffer(masked));
  }
}
