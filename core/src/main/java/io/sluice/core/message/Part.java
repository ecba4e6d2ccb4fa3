package io.sluice.core.message;

import io.sluice.core.event.Citation;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.TokenLogprob;
import io.sluice.core.event.ToolKind;
import io.sluice.core.internal.json.JsonChecks;
import java.util.List;
import java.util.Objects;

/**
 * One piece of a message, in order. A finished response's choice is an assistant {@link Message}
 * made of these, ready to be sent back as history on the next turn.
 */
public sealed interface Part {

  /**
   * Text, with the sources it cites and, when the request asked for them, its tokens' log
   * probabilities.
   */
  record Text(String text, List<Citation> citations, List<TokenLogprob> logprobs)
      implements Part {
    /** Checks that no component is null. */
    public Text {
      Objects.requireNonNull(text, "text");
      citations = List.copyOf(citations);
      logprobs = List.copyOf(logprobs);
    }

    /** Text without citations or log probabilities. */
    public Text(String text) {
      this(text, List.of(), List.of());
    }
  }

  /**
   * An image: {@code url} is an http(s) URL or a {@code data:} URL; {@code mediaType} is given
   * when known ({@code image/png}), else empty.
   */
  record Image(String url, String mediaType) implements Part {
    /** Checks that no component is null. */
    public Image {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(mediaType, "mediaType");
    }

    /**
     * An image the provider fetches, or a {@code data:} URL.
     *
     * @param url an http(s) or {@code data:} URL
     * @return the image, its media type unknown
     */
    public static Image url(String url) {
      return new Image(url, "");
    }

    /**
     * An image sent inline, as a base64 {@code data:} URL.
     *
     * @param bytes the encoded image (PNG, JPEG, GIF or WebP, as the provider accepts)
     * @param mediaType its media type, such as {@code image/png}
     * @return the image
     */
    public static Image bytes(byte[] bytes, String mediaType) {
      if (!mediaType.startsWith("image/")) {
        throw new IllegalArgumentException("an image's media type starts with image/, was '"
            + mediaType + "'");
      }
      return new Image("data:" + mediaType + ";base64,"
          + java.util.Base64.getEncoder().encodeToString(bytes), mediaType);
    }
  }

  /** A refusal the model streamed instead of content (OpenAI structured outputs). */
  record Refusal(String text, List<TokenLogprob> logprobs) implements Part {
    /** Checks that no component is null. */
    public Refusal {
      Objects.requireNonNull(text, "text");
      logprobs = List.copyOf(logprobs);
    }

    /** A refusal without log probabilities. */
    public Refusal(String text) {
      this(text, List.of());
    }
  }

  /**
   * Reasoning, with the opaque signature (or redacted data, or encrypted content) that must go back
   * verbatim on a later turn; {@code id} is the provider's item id where it has one.
   */
  record Reasoning(ReasoningKind kind, String text, String signature, String id) implements Part {
    /** Checks that no component is null. */
    public Reasoning {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(signature, "signature");
      Objects.requireNonNull(id, "id");
    }
  }

  /** A call of a tool; {@code arguments} is the JSON text as the model produced it. */
  record ToolCall(String id, String name, ToolKind kind, String arguments) implements Part {
    /** Checks that no component is null. */
    public ToolCall {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(arguments, "arguments");
    }

    /**
     * A call of a function tool.
     *
     * @param id the call's id
     * @param name the function's name
     * @param arguments the arguments, as JSON text
     * @return the call
     */
    public static ToolCall function(String id, String name, String arguments) {
      return new ToolCall(id, name, ToolKind.FUNCTION, arguments);
    }

    /** Whether the arguments parse as one JSON value; a call cut off by a limit does not. */
    public boolean argumentsValid() {
      return JsonChecks.isValid(arguments);
    }
  }

  /**
   * A tool the provider ran itself (web search, code execution, an MCP tool): history to send
   * back to the same provider, never a call for the client to answer.
   *
   * @param type the provider's block or item type ({@code server_tool_use}, {@code web_search_call})
   * @param input the input as a JSON text
   * @param json the block or item as the provider sent it, results included where it holds them
   */
  record ServerTool(String id, String name, String type, String input, String json)
      implements Part {
    /** Checks that no component is null. */
    public ServerTool {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(json, "json");
    }
  }

  /** The result of a server tool as the provider sent it ({@code web_search_tool_result}, …). */
  record ServerToolResult(String toolUseId, String type, String json) implements Part {
    /** Checks that no component is null. */
    public ServerToolResult {
      Objects.requireNonNull(toolUseId, "toolUseId");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(json, "json");
    }
  }

  /** The answer to a tool call, as text. */
  record ToolResult(String callId, String content, boolean isError) implements Part {
    /** Checks that no component is null. */
    public ToolResult {
      Objects.requireNonNull(callId, "callId");
      Objects.requireNonNull(content, "content");
    }
  }

  /** A provider block sluice does not model, kept as raw JSON so nothing is lost. */
  record Opaque(String type, String json) implements Part {
    /** Checks that no component is null. */
    public Opaque {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(json, "json");
    }
  }
}
