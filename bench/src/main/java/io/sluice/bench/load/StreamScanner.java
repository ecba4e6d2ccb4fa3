package io.sluice.bench.load;

/**
 * Finds, in the raw bytes of an OpenAI Chat Completions stream, where each SSE event ends, whether
 * it carried a token ({@code "content":"} followed by at least one character) and whether it was
 * {@code [DONE]}. It allocates nothing per byte or per event, so the load generator measures the
 * servers and not itself. It is not a parser: it only has to tell the events of well-formed streams
 * apart, and every stream it reads comes from the simulated provider, sluice or Portkey.
 */
final class StreamScanner {

  /** What the scanner reports at the end of each event (a blank line). */
  interface Listener {
    void onEvent(boolean token, boolean done);
  }

  private static final byte[] CONTENT =
      "\"content\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] DONE = "[DONE]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Listener listener;
  private int lineLength;
  private int contentMatched;
  private boolean afterContent;
  private int doneMatched;
  private boolean token;
  private boolean done;
  private boolean anyLine;

  StreamScanner(Listener listener) {
    this.listener = listener;
  }

  void accept(byte b) {
    if (b == '\r') {
      return;
    }
    if (b == '\n') {
      if (lineLength == 0) {
        if (anyLine) {
          listener.onEvent(token, done);
        }
        token = false;
        done = false;
        anyLine = false;
      } else {
        anyLine = true;
      }
      lineLength = 0;
      contentMatched = 0;
      doneMatched = 0;
      afterContent = false;
      return;
    }
    lineLength++;
    if (afterContent) {
      afterContent = false;
      if (b != '"') {
        token = true;
      }
    }
    contentMatched = step(CONTENT, contentMatched, b);
    if (contentMatched == CONTENT.length) {
      afterContent = true;
      contentMatched = 0;
    }
    doneMatched = step(DONE, doneMatched, b);
    if (doneMatched == DONE.length) {
      done = true;
      doneMatched = 0;
    }
  }

  /** On a mismatch, restarts at 1 if the byte begins the pattern: enough for these two patterns in JSON text. */
  private static int step(byte[] pattern, int matched, byte b) {
    if (pattern[matched] == b) {
      return matched + 1;
    }
    return pattern[0] == b ? 1 : 0;
  }
}
