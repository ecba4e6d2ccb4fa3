package io.sluice.gateway.internal.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.gateway.GatewayConfig.Route;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@code GET /v1/models}: the routed model names, in a shape both SDKs read — OpenAI's
 * {@code object}/{@code owned_by} and Anthropic's {@code type}/{@code display_name} side by side.
 */
final class ModelList {
  private ModelList() {}

  static String json(List<Route> routes) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      for (Route r : routes) {
        g.writeStartObject();
        g.writeStringField("id", r.model());
        g.writeStringField("object", "model");
        g.writeNumberField("created", 0);
        g.writeStringField("owned_by", "sluice");
        g.writeStringField("type", "model");
        g.writeStringField("display_name", r.model());
        g.writeStringField("created_at", "1970-01-01T00:00:00Z");
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeBooleanField("has_more", false);
      String first = routes.isEmpty() ? null : routes.get(0).model();
      String last = routes.isEmpty() ? null : routes.get(routes.size() - 1).model();
      g.writeStringField("first_id", first);
      g.writeStringField("last_id", last);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}
