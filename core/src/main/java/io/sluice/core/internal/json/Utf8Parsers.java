package io.sluice.core.internal.json;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.ContentReference;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer;
import com.fasterxml.jackson.core.util.BufferRecycler;
import java.io.IOException;
import java.util.Objects;

/**
 * Parsers for the stream decoders' payloads: one small JSON document per SSE event. Making a
 * Jackson parser for each (parser, I/O context, text buffer, read contexts, symbol-table child)
 * was most of what decoding allocated per event, so each thread keeps one parser and points it
 * at the next payload ({@link ReusedUtf8Parser}). What {@link #open} returns reads exactly as
 * {@code JsonChecks.FACTORY.createParser(data, offset, length)} would: same tokens, offsets and
 * error messages.
 *
 * <p>Close it (try-with-resources) to give it back. A parser opened while the thread's one is in
 * use (a decoder called from another's sink) is a new one. The kept parser's table of field
 * names is bounded: past {@link #MAX_NAMES} distinct names it is dropped and a fresh one starts.
 * If the Jackson on the class path lacks what the reset needs (an older 2.x), every call makes a
 * new parser, as before.
 */
public final class Utf8Parsers {

  /** Distinct field names a kept parser may learn before it is replaced by a fresh one. */
  static final int MAX_NAMES = 2048;

  private static final JsonFactory FACTORY = JsonChecks.FACTORY;
  private static final ByteQuadsCanonicalizer ROOT_NAMES = ByteQuadsCanonicalizer.createRoot();
  private static final ThreadLocal<Slot> SLOTS = ThreadLocal.withInitial(Slot::new);
  private static final boolean REUSE = reuseWorks();

  private Utf8Parsers() {}

  /**
   * A parser over the UTF-8 JSON at {@code [offset, offset + length)} of {@code data}, which must
   * stay unchanged until the parser is closed.
   */
  public static JsonParser open(byte[] data, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, data.length);
    if (!REUSE || !plainUtf8(data, offset, length)) {
      return FACTORY.createParser(data, offset, length);
    }
    return SLOTS.get().take(data, offset, length);
  }

  /**
   * Whether the factory would read these bytes as UTF-8 from the first byte: it looks for a BOM
   * (first byte EF, FE, FF or 00) or UTF-16/32 (a zero among the first two bytes), and such
   * input, never seen in practice, is left to it.
   */
  private static boolean plainUtf8(byte[] data, int offset, int length) {
    if (length < 2) {
      return true;
    }
    int first = data[offset] & 0xFF;
    return first != 0 && first < 0xEF && data[offset + 1] != 0;
  }

  private static boolean reuseWorks() {
    if (FACTORY.isEnabled(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
        || !FACTORY.isEnabled(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)) {
      return false; // the factory's parser would differ: it quotes the source, or reads chars
    }
    try {
      Slot slot = new Slot();
      try (JsonParser p = slot.take(new byte[] {'{', '}'}, 0, 2)) {
        p.nextToken();
        p.nextToken();
        return p.nextToken() == null;
      }
    } catch (IOException | LinkageError e) {
      return false; // a jackson-core without the fields or constructor used: no reuse
    }
  }

  private static ReusedUtf8Parser create(Slot slot) {
    IOContext context = new IOContext(FACTORY.streamReadConstraints(),
        FACTORY.streamWriteConstraints(), ErrorReportConfiguration.defaults(),
        new BufferRecycler(), ContentReference.redacted(), true);
    return new ReusedUtf8Parser(context, FACTORY.getParserFeatures(),
        ROOT_NAMES.makeChild(FACTORY.getFactoryFeatures()), slot);
  }

  /** One thread's idle parser, or null while it is in use. */
  static final class Slot {
    private final Thread owner = Thread.currentThread();
    private ReusedUtf8Parser idle;

    ReusedUtf8Parser take(byte[] data, int offset, int length) {
      ReusedUtf8Parser p = idle;
      if (p == null) {
        p = create(this);
      } else {
        idle = null;
      }
      p.reset(data, offset, length);
      return p;
    }

    void release(ReusedUtf8Parser p) {
      if (idle == null && Thread.currentThread() == owner && p.symbolCount() <= MAX_NAMES) {
        idle = p;
      }
    }
  }
}
