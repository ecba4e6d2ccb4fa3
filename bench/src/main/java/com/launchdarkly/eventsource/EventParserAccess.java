package com.launchdarkly.eventsource;

import com.launchdarkly.logging.LDLogger;
import java.io.InputStream;
import java.net.URI;
import java.util.function.Consumer;

/**
 * Benchmark access to okhttp-eventsource's {@code EventParser}, which is package-private: this
 * class sits in its package (in the bench module only) to drive it the way {@code EventSource}
 * does, without a connection.
 */
public final class EventParserAccess {

  private static final URI ORIGIN = URI.create("http://localhost/bench");

  private EventParserAccess() {}

  /** Parses the whole input and hands each message's data to {@code data}; returns the count. */
  public static long readAll(InputStream input, Consumer<String> data) throws StreamException {
    // EventSource's defaults: its read buffer size, data buffered (not streamed), no expected
    // fields. It passes the HTTP response headers last; the parser only stores them in events.
    EventParser parser = new EventParser(
        input, ORIGIN, EventSource.DEFAULT_READ_BUFFER_SIZE, false, null, LDLogger.none(), null);
    long events = 0;
    while (true) {
      StreamEvent event;
      try {
        event = parser.nextEvent();
      } catch (StreamClosedByServerException end) {
        return events; // how the parser reports the end of its input
      }
      if (event instanceof MessageEvent) {
        data.accept(((MessageEvent) event).getData());
        events++;
      }
    }
  }
}
