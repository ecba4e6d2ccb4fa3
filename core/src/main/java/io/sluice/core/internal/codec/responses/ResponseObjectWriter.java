package io.sluice.core.internal.codec.responses;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.event.Failed;
import io.sluice.core.event.Usage;
import java.io.IOException;
import java.util.List;

/**
 * Writes a response object: the payload of the lifecycle events and the non-streaming body. Only
 * the fields sluice knows; clients (the official SDKs) tolerate the absent ones.
 */
final class ResponseObjectWriter {
  private ResponseObjectWriter() {}

  /**
   * @param usage null for none
   * @param incompleteReason empty unless the status is {@code incomplete}
   * @param error null unless the status is {@code failed}
   */
  static void write(JsonGenerator g, String id, long createdAt, String model, String status,
      List<ResponsesItems.Out> output, Usage usage, String incompleteReason, Failed error)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("id", id);
    g.writeStringField("object", "response");
    g.writeNumberField("created_at", createdAt);
    g.writeStringField("status", status);
    g.writeStringField("model", model);
    g.writeArrayFieldStart("output");
    for (ResponsesItems.Out item : output) {
      item.write(g, true);
    }
    g.writeEndArray();
    if (error == null) {
      g.writeNullField("error");
    } else {
      writeError(g, error);
    }
    if (incompleteReason.isEmpty()) {
      g.writeNullField("incomplete_details");
    } else {
      g.writeObjectFieldStart("incomplete_details");
      g.writeStringField("reason", incompleteReason);
      g.writeEndObject();
    }
    if (usage == null) {
      g.writeNullField("usage");
    } else {
      ResponsesJson.writeUsage(g, usage);
    }
    g.writeEndObject();
  }

  /**
   * {@code response.error} is {code, message}; {@code code} is required, so a failure without one
   * gives its type. The type travels too when it differs, so that decoding gives it back.
   */
  static void writeError(JsonGenerator g, Failed error) throws IOException {
    String code = error.code().isEmpty() ? error.type() : error.code();
    g.writeObjectFieldStart("error");
    g.writeStringField("code", code);
    g.writeStringField("message", error.message());
    if (!error.type().equals(code)) {
      g.writeStringField("type", error.type());
    }
    g.writeEndObject();
  }
}
