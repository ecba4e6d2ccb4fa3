package io.sluice.gateway.internal.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.codec.CodecException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the gateway reads of a client's body before routing, and the two edits a pass-through makes
 * to it — the model's name and {@code stream_options.include_usage} — done as a streaming copy so
 * that every other field goes upstream as the client wrote it.
 */
public final class RequestBody {
  private static final JsonFactory JSON = new JsonFactory();

  /**
   * The routing facts of a body; {@code streamOptions} tells whether it has that field at all;
   * {@code maxTokens} is the output cap it asks for ({@code max_tokens},
   * {@code max_completion_tokens} or {@code max_output_tokens}), 0 when none;
   * {@code previousResponseId} is a Responses continuation's {@code previous_response_id}, empty
   * when none: the gateway sends the continuation where that response was made.
   */
  public record Scan(String model, boolean stream, boolean includeUsage, boolean streamOptions,
      long maxTokens, String previousResponseId) {
    public Scan(String model, boolean stream, boolean includeUsage, boolean streamOptions) {
      this(model, stream, includeUsage, streamOptions, 0, "");
    }
  }

  private static final byte[] INCLUDE_USAGE =
      ",\"stream_options\":{\"include_usage\":true}".getBytes(StandardCharsets.US_ASCII);

  private RequestBody() {}

  public static Scan scan(byte[] body) {
    String model = null;
    boolean stream = false;
    boolean includeUsage = false;
    boolean streamOptions = false;
    long maxTokens = 0;
    String previous = "";
    java.util.Set<String> seen = new java.util.HashSet<>();
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new CodecException("the request body must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (!seen.add(name)) {
          // Parsers disagree on duplicates (first wins, last wins, error): the gateway would route
          // and check access on one model while the upstream serves another.
          throw new CodecException("the request body has a duplicate '" + name + "' key");
        }
        JsonToken value = p.nextToken();
        if (name.equals("model") && value == JsonToken.VALUE_STRING) {
          model = p.getText();
        } else if (name.equals("previous_response_id") && value == JsonToken.VALUE_STRING) {
          previous = p.getText();
        } else if ((name.equals("max_tokens") || name.equals("max_completion_tokens")
            || name.equals("max_output_tokens")) && value == JsonToken.VALUE_NUMBER_INT) {
          maxTokens = Math.max(0, p.getLongValue());
        } else if (name.equals("stream")) {
          stream = value == JsonToken.VALUE_TRUE;
        } else if (name.equals("stream_options") && value == JsonToken.START_OBJECT) {
          streamOptions = true;
          java.util.Set<String> options = new java.util.HashSet<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String option = p.currentName();
            if (!options.add(option)) {
              throw new CodecException("the request body has a duplicate 'stream_options."
                  + option + "' key");
            }
            JsonToken v = p.nextToken();
            if (option.equals("include_usage")) {
              includeUsage = v == JsonToken.VALUE_TRUE;
            }
            p.skipChildren();
          }
        } else {
          streamOptions |= name.equals("stream_options");
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new CodecException("unexpected content after the request's JSON object");
      }
    } catch (CodecException e) {
      throw e;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CodecException("the request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new CodecException("the request body could not be read");
    }
    if (model == null || model.isEmpty()) {
      throw new CodecException("the request has no 'model'");
    }
    return new Scan(model, stream, includeUsage, streamOptions, maxTokens, previous);
  }

  /**
   * {@link #rewrite(byte[], String, boolean)} for a scanned body. The common edit — adding
   * {@code stream_options} to a body without one — is a splice before the closing brace, with no
   * copy through a JSON generator: request bodies of long conversations are large.
   */
  public static byte[] rewrite(byte[] body, Scan scan, String rename, boolean addIncludeUsage) {
    if (!rename.isEmpty() || !addIncludeUsage || scan.streamOptions()) {
      return rewrite(body, rename, addIncludeUsage);
    }
    int end = body.length - 1;
    while (body[end] != '}') {
      end--; // whitespace after the object: scan() accepted nothing else there
    }
    byte[] out = new byte[body.length + INCLUDE_USAGE.length];
    System.arraycopy(body, 0, out, 0, end);
    System.arraycopy(INCLUDE_USAGE, 0, out, end, INCLUDE_USAGE.length);
    System.arraycopy(body, end, out, end + INCLUDE_USAGE.length, body.length - end);
    return out;
  }

  /**
   * The body with {@code model} replaced by {@code rename} (unless empty) and, when
   * {@code addIncludeUsage}, {@code stream_options.include_usage} set to true. Returns the original
   * array when there is nothing to change.
   */
  static byte[] rewrite(byte[] body, String rename, boolean addIncludeUsage) {
    if (rename.isEmpty() && !addIncludeUsage) {
      return body;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
    try (JsonParser p = JSON.createParser(body); JsonGenerator g = JSON.createGenerator(out)) {
      p.nextToken();
      g.writeStartObject();
      boolean sawOptions = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("model") && !rename.isEmpty()) {
          g.writeStringField("model", rename);
        } else if (name.equals("stream_options") && addIncludeUsage
            && value == JsonToken.START_OBJECT) {
          sawOptions = true;
          g.writeFieldName(name);
          g.writeStartObject();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String option = p.currentName();
            p.nextToken();
            if (option.equals("include_usage")) {
              p.skipChildren();
            } else {
              g.writeFieldName(option);
              g.copyCurrentStructureExact(p);
            }
          }
          g.writeBooleanField("include_usage", true);
          g.writeEndObject();
        } else if (name.equals("stream_options") && addIncludeUsage) {
          p.skipChildren(); // null or a non-object: replaced below
        } else {
          g.writeFieldName(name);
          g.copyCurrentStructureExact(p);
        }
      }
      if (addIncludeUsage && !sawOptions) {
        g.writeObjectFieldStart("stream_options");
        g.writeBooleanField("include_usage", true);
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new CodecException("the request body is not valid JSON: " + e.getMessage());
    }
    return out.toByteArray();
  }
}
