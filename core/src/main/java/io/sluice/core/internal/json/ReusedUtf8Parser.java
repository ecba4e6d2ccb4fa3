package io.sluice.core.internal.json;

import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.json.JsonReadContext;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer;

/**
 * Jackson's UTF-8 parser over a byte array, pointed at each new payload instead of built anew:
 * {@link #reset} puts it in the state its constructor leaves (input, offsets, token, root
 * context), and keeps what is worth keeping across payloads (the symbol table of field names,
 * the text buffer, the nested read contexts). {@link #close} hands it back to its thread's
 * {@link Utf8Parsers} slot. Only {@link Utf8Parsers} makes one.
 */
final class ReusedUtf8Parser extends UTF8StreamJsonParser {

  private final Utf8Parsers.Slot slot;

  ReusedUtf8Parser(IOContext context, int features, ByteQuadsCanonicalizer symbols,
      Utf8Parsers.Slot slot) {
    super(context, features, null, null, symbols, NO_BYTES, 0, 0, 0, false);
    this.slot = slot;
    _closed = true;
  }

  /** Starts reading {@code [offset, offset + length)} of {@code data} as a new document. */
  void reset(byte[] data, int offset, int length) {
    _inputBuffer = data;
    _inputPtr = offset;
    _inputEnd = offset + length;
    // As the constructor: offsets and columns count from the payload's first byte.
    _currInputProcessed = -offset;
    _currInputRow = 1;
    _currInputRowStart = offset;
    _tokenInputTotal = 0;
    _tokenInputRow = 1;
    _tokenInputCol = 0;
    _nameStartOffset = 0;
    _nameStartRow = 0;
    _nameStartCol = 0;
    // A payload that failed half way leaves the parser inside it: back to the root, whose child
    // contexts are reset as they are reused.
    JsonReadContext context = _parsingContext;
    while (context.getParent() != null) {
      context = context.getParent();
    }
    _parsingContext = context;
    _currToken = null;
    _nextToken = null;
    _lastClearedToken = null;
    _tokenCount = 0;
    _tokenIncomplete = false;
    _nameCopied = false;
    _binaryValue = null;
    _numTypesValid = NR_UNKNOWN;
    _numberString = null;
    _numberBigInt = null;
    _numberBigDecimal = null;
    _textBuffer.resetWithEmpty();
    _closed = false;
  }

  /** The number of distinct field names this parser has learnt. */
  int symbolCount() {
    return _symbols.size();
  }

  @Override
  public void close() {
    if (_closed) {
      return;
    }
    // As ParserBase.close: no input left to read.
    _inputPtr = Math.max(_inputPtr, _inputEnd);
    _closed = true;
    _currToken = null;
    // Drop the payload: it is the caller's buffer, and only valid during its call. The bytes at
    // and past _inputEnd are never read.
    _inputBuffer = NO_BYTES;
    slot.release(this);
  }
}
