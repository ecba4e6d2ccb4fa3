package io.sluice.core.internal.codec.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.codec.CodecException;
import io.sluice.core.event.Citation;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.ToolKind;
import io.sluice.core.internal.codec.Annotations;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.internal.json.JsonFields;
import io.sluice.core.message.Part;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic content blocks ↔ message parts, shared by requests and non-streaming responses.
 *
 * <p>{@code text}, {@code image} (base64 source ↔ a {@code data:} URL, url source ↔ the URL),
 * {@code thinking}, {@code redacted_thinking} (its data is the part's signature),
 * {@code tool_use}/{@code server_tool_use}/{@code mcp_tool_use} (input as raw JSON text) and
 * {@code tool_result} map to parts; any other block is kept whole as {@link Part.Opaque}.
 */
final class AnthropicContent {
  private AnthropicContent() {}

  /** Reads a block array (the parser is on START_ARRAY) of the JSON text {@code json}. */
  static List<Part> readBlocks(JsonParser p, String json) throws IOException {
    List<Part> parts = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      parts.add(readBlock(p, json));
    }
    return parts;
  }

  /** Reads one block; the parser is on its START_OBJECT. */
  static Part readBlock(JsonParser p, String json) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new CodecException("a content block must be a JSON object, found "
          + p.currentToken() + " at " + where(p));
    }
    int from = (int) p.currentTokenLocation().getCharOffset();
    String type = "";
    String id = "";
    String name = "";
    String text = null;
    String signature = "";
    String input = null;
    Source source = Source.NONE;
    String toolUseId = "";
    boolean isError = false;
    List<Citation> citations = List.of();
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "type" -> type = JsonFields.text(p, "");
        case "id" -> id = JsonFields.text(p, "");
        case "name" -> name = JsonFields.text(p, "");
        case "text", "thinking" -> text = JsonFields.text(p, "");
        case "signature", "data" -> signature = JsonFields.text(p, "");
        case "tool_use_id" -> toolUseId = JsonFields.text(p, "");
        case "is_error" -> isError = p.currentToken() == JsonToken.VALUE_TRUE;
        case "input" -> input = JsonFields.raw(p, json);
        case "content" -> text = resultText(p);
        case "citations" -> citations = readCitations(p);
        case "source" -> source = readSource(p);
        default -> p.skipChildren();
      }
    }
    int to = (int) p.currentLocation().getCharOffset();
    switch (type) {
      case "text":
        return new Part.Text(text == null ? "" : text, citations, List.of());
      case "thinking":
        return new Part.Reasoning(ReasoningKind.THINKING, text == null ? "" : text, signature, "");
      case "redacted_thinking":
        return new Part.Reasoning(ReasoningKind.REDACTED, "", signature, "");
      case "tool_use":
        return new Part.ToolCall(id, name, ToolKind.FUNCTION, input == null ? "{}" : input);
      case "server_tool_use":
      case "mcp_tool_use":
        return new Part.ServerTool(id, name, type, input == null ? "{}" : input,
            json.substring(from, to));
      case "tool_result":
        return new Part.ToolResult(toolUseId, text == null ? "" : text, isError);
      case "image":
        if ("base64".equals(source.type())) {
          return new Part.Image("data:" + source.mediaType() + ";base64," + source.data(),
              source.mediaType());
        }
        if ("url".equals(source.type())) {
          return new Part.Image(source.url(), "");
        }
        return new Part.Opaque(type, json.substring(from, to));
      default:
        if (type.endsWith("_tool_result")) {
          return new Part.ServerToolResult(toolUseId, type, json.substring(from, to));
        }
        return new Part.Opaque(type, json.substring(from, to));
    }
  }

  /** An image block's {@code source}. */
  private record Source(String type, String mediaType, String data, String url) {
    static final Source NONE = new Source("", "", "", "");
  }

  private static Source readSource(JsonParser p) throws IOException {
    String type = "";
    String mediaType = "";
    String data = "";
    String url = "";
    if (!JsonFields.isObject(p)) {
      return Source.NONE;
    }
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "type" -> type = JsonFields.text(p, "");
        case "media_type" -> mediaType = JsonFields.text(p, "");
        case "data" -> data = JsonFields.text(p, "");
        case "url" -> url = JsonFields.text(p, "");
        default -> p.skipChildren();
      }
    }
    return new Source(type, mediaType, data, url);
  }

  /** A tool result's content: a string, or blocks whose text is joined (others are dropped). */
  private static String resultText(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (!JsonFields.isArray(p)) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (JsonFields.isObject(p)) {
        while (JsonFields.next(p)) {
          if ("text".equals(p.currentName())) {
            sb.append(JsonFields.text(p, ""));
          } else {
            p.skipChildren();
          }
        }
      }
    }
    return sb.toString();
  }

  /** Writes one part as a block. A refusal goes as text: Anthropic has no refusal block. */
  static void writePart(JsonGenerator g, Part part) throws IOException {
    if (part instanceof Part.Text || part instanceof Part.Refusal) {
      g.writeStartObject();
      g.writeStringField("type", "text");
      g.writeStringField("text", part instanceof Part.Text ? ((Part.Text) part).text()
          : ((Part.Refusal) part).text());
      if (part instanceof Part.Text text && !text.citations().isEmpty()) {
        writeCitations(g, text.citations());
      }
      g.writeEndObject();
    } else if (part instanceof Part.Image) {
      writeImage(g, (Part.Image) part);
    } else if (part instanceof Part.Reasoning) {
      Part.Reasoning r = (Part.Reasoning) part;
      g.writeStartObject();
      if (r.kind() == ReasoningKind.REDACTED) {
        g.writeStringField("type", "redacted_thinking");
        g.writeStringField("data", r.signature());
      } else {
        g.writeStringField("type", "thinking");
        g.writeStringField("thinking", r.text());
        g.writeStringField("signature", r.signature());
      }
      g.writeEndObject();
    } else if (part instanceof Part.ToolCall) {
      Part.ToolCall c = (Part.ToolCall) part;
      g.writeStartObject();
      g.writeStringField("type", "tool_use");
      g.writeStringField("id", c.id());
      g.writeStringField("name", c.name());
      g.writeFieldName("input");
      // The API wants an object: arguments cut by a limit (not JSON) cannot go back as they are.
      String args = c.arguments().isBlank() || !JsonChecks.isValid(c.arguments()) ? "{}"
          : c.arguments();
      g.writeRawValue(args);
      g.writeEndObject();
    } else if (part instanceof Part.ToolResult) {
      Part.ToolResult r = (Part.ToolResult) part;
      g.writeStartObject();
      g.writeStringField("type", "tool_result");
      g.writeStringField("tool_use_id", r.callId());
      g.writeStringField("content", r.content());
      if (r.isError()) {
        g.writeBooleanField("is_error", true);
      }
      g.writeEndObject();
    } else if (part instanceof Part.ServerTool s) {
      // Anthropic's own server tools go back as they came; a Responses built-in tool item has no
      // form here and is left out.
      if (isAnthropicServerTool(s.type())) {
        g.writeStartObject();
        g.writeStringField("type", s.type());
        g.writeStringField("id", s.id());
        g.writeStringField("name", s.name());
        g.writeFieldName("input");
        g.writeRawValue(JsonChecks.isValid(s.input()) ? s.input() : "{}");
        g.writeEndObject();
      }
    } else if (part instanceof Part.ServerToolResult r) {
      if (r.type().endsWith("_tool_result")) {
        g.writeRawValue(r.json());
      }
    } else if (part instanceof Part.Opaque) {
      g.writeRawValue(((Part.Opaque) part).json());
    }
  }

  private static List<Citation> readCitations(JsonParser p) throws IOException {
    if (!JsonFields.isArray(p)) {
      return List.of();
    }
    List<Citation> list = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() == JsonToken.START_OBJECT) {
        list.add(Annotations.citation(JsonChecks.copyToString(p)));
      } else {
        p.skipChildren();
      }
    }
    return list;
  }

  /** Anthropic's own citation types go back as they came; others have no Anthropic form. */
  private static void writeCitations(JsonGenerator g, List<Citation> citations)
      throws IOException {
    boolean any = false;
    for (Citation c : citations) {
      if (AnthropicStreamEncoder.ANTHROPIC_CITATIONS.contains(c.type())) {
        if (!any) {
          g.writeArrayFieldStart("citations");
          any = true;
        }
        g.writeRawValue(c.json());
      }
    }
    if (any) {
      g.writeEndArray();
    }
  }

  /** Whether a server tool's type is one Anthropic's Messages API has a block for. */
  static boolean isAnthropicServerTool(String type) {
    return "server_tool_use".equals(type) || "mcp_tool_use".equals(type);
  }

  private static void writeImage(JsonGenerator g, Part.Image image) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "image");
    g.writeObjectFieldStart("source");
    String url = image.url();
    int comma = url.indexOf(',');
    if (url.startsWith("data:") && comma > 0 && url.substring(0, comma).endsWith(";base64")) {
      String mediaType = image.mediaType().isEmpty()
          ? url.substring(5, comma - ";base64".length()) : image.mediaType();
      g.writeStringField("type", "base64");
      g.writeStringField("media_type", mediaType);
      g.writeStringField("data", url.substring(comma + 1));
    } else {
      g.writeStringField("type", "url");
      g.writeStringField("url", url);
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  static String where(JsonParser p) {
    return "line " + p.currentTokenLocation().getLineNr() + ", column "
        + p.currentTokenLocation().getColumnNr();
  }
}
