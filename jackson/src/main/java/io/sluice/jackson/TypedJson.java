package io.sluice.jackson;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Part;
import io.sluice.core.message.Tool;
import io.sluice.jackson.internal.SchemaGenerator;
import java.util.Objects;

/**
 * Java types on both sides of a model: a {@link Tool} or a JSON-schema response format built from
 * a record or class, and the model's JSON (tool-call arguments, a structured answer) read back into
 * one. Schema and parsing use the same {@link ObjectMapper}, so a naming strategy or a
 * {@code @JsonProperty} rename holds on both sides.
 *
 * <pre>{@code
 * record Weather(@JsonPropertyDescription("city name") String city, Unit unit) {}
 * TypedJson json = TypedJson.create();
 * Tool tool = json.tool("get_weather", "Current weather in a city", Weather.class);
 * // ... the model calls it ...
 * Weather args = json.arguments(call, Weather.class);
 * }</pre>
 *
 * <p>Schemas follow what OpenAI's strict mode accepts, which the other providers accept too: every
 * property is listed in {@code required} ({@link java.util.Optional} ones may be {@code null}),
 * and objects forbid additional properties. In a named module, open the package of your records to
 * {@code com.fasterxml.jackson.databind}. Thread-safe once created.
 */
public final class TypedJson {

  private final ObjectMapper mapper;
  private final SchemaGenerator schemas;

  private TypedJson(ObjectMapper mapper) {
    this.mapper = mapper;
    this.schemas = new SchemaGenerator(mapper);
  }

  /**
   * Uses a plain {@link ObjectMapper} that reads {@link java.util.Optional} properties.
   *
   * @return the helper
   */
  public static TypedJson create() {
    return new TypedJson(new ObjectMapper().registerModule(new Jdk8Module()));
  }

  /**
   * Uses {@code mapper} (its naming strategy and modules) for schemas and parsing alike; register
   * {@code Jdk8Module} on it to read {@link java.util.Optional} properties.
   *
   * @param mapper the mapper
   * @return the helper
   */
  public static TypedJson using(ObjectMapper mapper) {
    return new TypedJson(Objects.requireNonNull(mapper, "mapper"));
  }

  /**
   * The JSON Schema of {@code type}, as JSON text.
   *
   * @param type a record, a class with properties, or an enum
   * @return the schema
   * @throws IllegalArgumentException when the type has no JSON Schema (a recursive type, a map
   *     with non-string keys)
   */
  public String schema(Class<?> type) {
    return write(schemas.schemaOf(type));
  }

  /**
   * A tool whose parameters are {@code type}'s properties.
   *
   * @param name the function name the model calls
   * @param description what the tool does, for the model
   * @param parameters the arguments' type: a record or a class with properties
   * @return the tool, ready for {@code ChatRequest.Builder.tool}
   */
  public Tool tool(String name, String description, Class<?> parameters) {
    return new Tool(name, description, schema(parameters));
  }

  /**
   * An OpenAI Chat {@code response_format} asking for a JSON answer of {@code type}, in strict
   * mode, for {@code GenerationOptions.Builder.responseFormat} (the codecs translate it for the
   * Responses API).
   *
   * @param name the schema's name (letters, digits, {@code _} and {@code -})
   * @param type the answer's type
   * @return the response format as JSON text
   */
  public String responseFormat(String name, Class<?> type) {
    ObjectNode format = mapper.createObjectNode().put("type", "json_schema");
    ObjectNode jsonSchema = format.putObject("json_schema");
    jsonSchema.put("name", Objects.requireNonNull(name, "name"));
    jsonSchema.set("schema", schemas.schemaOf(type));
    jsonSchema.put("strict", true);
    return write(format);
  }

  /**
   * A tool call's arguments read into {@code type}.
   *
   * @param call the finished tool call
   * @param type the arguments' type, usually the one the tool was built from
   * @param <T> the arguments' type
   * @return the arguments
   * @throws TypedJsonException when the arguments are not valid JSON (a call cut off by a limit)
   *     or do not fit the type; the message names the tool and the call
   */
  public <T> T arguments(Part.ToolCall call, Class<T> type) {
    return read(call.arguments(), type, "the arguments of tool call " + call.id() + " ("
        + call.name() + ")");
  }

  /**
   * A structured answer (asked for with {@link #responseFormat}) read into {@code type}.
   *
   * @param message the finished message; its first choice's text is read
   * @param type the answer's type
   * @param <T> the answer's type
   * @return the answer
   * @throws TypedJsonException when the answer is not JSON of that type, or the stream failed
   */
  public <T> T answer(FinalMessage message, Class<T> type) {
    if (message.failed()) {
      throw new TypedJsonException("the answer cannot be read: the stream failed ("
          + message.error().map(f -> f.type() + ": " + f.message()).orElse("") + ")", null);
    }
    return read(message.text(), type, "the answer of response " + message.id());
  }

  /**
   * JSON text read into {@code type}.
   *
   * @param json the JSON text
   * @param type the target type
   * @param <T> the target type
   * @return the value
   * @throws TypedJsonException when the text is not JSON of that type
   */
  public <T> T read(String json, Class<T> type) {
    return read(json, type, "the JSON text");
  }

  private <T> T read(String json, Class<T> type, String what) {
    Objects.requireNonNull(type, "type");
    try {
      return mapper.readValue(json, type);
    } catch (JsonProcessingException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof java.lang.reflect.InaccessibleObjectException) {
          // A named module that does not open the type's package: say what to write.
          throw new TypedJsonException(type.getName() + " is not open to jackson-databind: add"
              + " \"opens " + type.getPackageName() + " to com.fasterxml.jackson.databind;\" to"
              + " the module-info of " + type.getModule().getName(), e);
        }
      }
      throw new TypedJsonException(what + " do not read as " + type.getSimpleName() + ": "
          + e.getOriginalMessage(), e);
    }
  }

  private String write(Object node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a schema node did not serialise", e);
    }
  }
}
