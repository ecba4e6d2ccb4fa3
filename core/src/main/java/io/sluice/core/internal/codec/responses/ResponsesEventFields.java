package io.sluice.core.internal.codec.responses;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.event.TokenLogprob;
import io.sluice.core.internal.codec.Annotations;
import io.sluice.core.internal.codec.responses.ResponsesJson.ContentPart;
import io.sluice.core.internal.codec.responses.ResponsesJson.Item;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.internal.json.JsonFields;
import io.sluice.core.internal.json.KnownStrings;
import java.io.IOException;
import java.util.List;

/** The fields of one Responses event that the decoder reads; one instance, reset per event. */
final class ResponsesEventFields {
  /** The event types the decoder maps, read without a new String per event. */
  private static final KnownStrings TYPES = new KnownStrings(
      "response.created", "response.queued", "response.in_progress",
      "response.output_item.added", "response.output_item.done",
      "response.content_part.added", "response.content_part.done",
      "response.output_text.delta", "response.output_text.done",
      "response.output_text.annotation.added",
      "response.refusal.delta", "response.refusal.done",
      "response.reasoning_text.delta", "response.reasoning_text.done",
      "response.reasoning_summary_part.added", "response.reasoning_summary_part.done",
      "response.reasoning_summary_text.delta", "response.reasoning_summary_text.done",
      "response.function_call_arguments.delta", "response.function_call_arguments.done",
      "response.custom_tool_call_input.delta", "response.custom_tool_call_input.done",
      "response.mcp_call_arguments.delta",
      "response.completed", "response.incomplete", "response.failed", "error");

  /** The last {@code item_id} read: consecutive events name the same item. */
  private String lastItemId;

  String type;
  long sequence;
  int outputIndex;
  int contentIndex;
  int summaryIndex;
  String itemId;
  String delta;
  String text;
  String code;
  String message;
  String param;
  int status;
  Item item;
  ContentPart part;
  /** The raw JSON of an {@code annotation}, or null. */
  String annotation;
  /** The {@code logprobs} of a text delta; empty when absent. */
  List<TokenLogprob> logprobs = List.of();
  ResponsesJson.Response response;
  ResponsesJson.Error error;

  void reset() {
    type = null;
    sequence = -1;
    outputIndex = -1;
    contentIndex = -1;
    summaryIndex = -1;
    itemId = "";
    delta = null;
    text = null;
    code = "";
    message = "";
    param = "";
    status = 0;
    item = null;
    part = null;
    annotation = null;
    logprobs = List.of();
    response = null;
    error = null;
  }

  void read(JsonParser p) throws IOException {
    while (JsonFields.next(p)) {
      JsonToken t = p.currentToken();
      switch (p.currentName()) {
        case "type" -> type = t == JsonToken.VALUE_STRING ? JsonFields.string(p, TYPES)
            : ResponsesJson.string(p);
        case "sequence_number" -> sequence = JsonFields.integer(p, -1);
        case "output_index" -> outputIndex = (int) ResponsesJson.number(p);
        case "content_index" -> contentIndex = (int) ResponsesJson.number(p);
        case "summary_index" -> summaryIndex = (int) ResponsesJson.number(p);
        case "item_id" -> itemId = lastItemId = t == JsonToken.VALUE_STRING
            ? JsonFields.repeated(p, lastItemId) : ResponsesJson.string(p);
        case "delta" -> delta = JsonFields.string(p);
        case "text", "arguments", "input", "refusal" -> text = JsonFields.string(p);
        case "code" -> code = ResponsesJson.string(p);
        case "message" -> message = ResponsesJson.string(p);
        case "param" -> param = ResponsesJson.string(p);
        case "status" -> status = (int) ResponsesJson.number(p);
        case "item" -> item = t == JsonToken.START_OBJECT ? ResponsesJson.readItem(p) : null;
        case "annotation" -> annotation = t == JsonToken.START_OBJECT
            ? JsonChecks.copyToString(p) : skip(p);
        case "logprobs" -> logprobs = Annotations.logprobs(p);
        case "part" -> part = t == JsonToken.START_OBJECT ? readPart(p) : null;
        case "response" -> response = t == JsonToken.START_OBJECT
            ? ResponsesJson.readResponse(p) : null;
        case "error" -> error = t == JsonToken.START_OBJECT ? ResponsesJson.readError(p) : null;
        default -> p.skipChildren();
      }
    }
  }

  private static String skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  private static ContentPart readPart(JsonParser p) throws IOException {
    String type = "";
    String text = null;
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "type" -> type = ResponsesJson.string(p);
        case "text", "refusal" -> text = JsonFields.string(p);
        default -> p.skipChildren();
      }
    }
    return new ContentPart(type, text);
  }

}
