package io.sluice.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.sse.SseEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** A raw SSE event as {@code {"event","data","id","retry"}}, absent fields omitted. */
final class SseEventJson {
  private static final JsonFactory JSON = new JsonFactory();

  private SseEventJson() {}

  static String of(SseEvent event, long retry) {
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text)) {
      g.writeStartObject();
      if (!event.name().isEmpty()) {
        g.writeStringField("event", event.name());
      }
      g.writeStringField("data", event.data());
      if (!event.lastEventId().isEmpty()) {
        g.writeStringField("id", event.lastEventId());
      }
      if (retry >= 0) {
        g.writeNumberField("retry", retry);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
