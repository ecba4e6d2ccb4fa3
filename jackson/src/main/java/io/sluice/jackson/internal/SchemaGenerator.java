package io.sluice.jackson.internal;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Writes the JSON Schema of a Java type from the properties Jackson itself would read and write,
 * so the schema and the parsing agree on names. The subset is the one every provider's strict
 * mode accepts: object, array, string, integer, number, boolean, enum, nullable via a type list.
 */
public final class SchemaGenerator {

  /** Deep enough for any reasonable arguments type, bounded so a pathological one fails fast. */
  private static final int MAX_DEPTH = 32;

  private final ObjectMapper mapper;

  public SchemaGenerator(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public ObjectNode schemaOf(Class<?> type) {
    JavaType javaType = mapper.constructType(type);
    ObjectNode schema = schema(javaType, new ArrayDeque<>());
    // The top level must be an object for tool parameters and strict response formats.
    if (!"object".equals(schema.path("type").asText())) {
      throw new IllegalArgumentException(type.getName() + " has no properties: a tool's"
          + " parameters and a response format need a record or a class with properties");
    }
    return schema;
  }

  private ObjectNode schema(JavaType type, Deque<Class<?>> path) {
    if (path.size() >= MAX_DEPTH) {
      throw new IllegalArgumentException("types nest deeper than " + MAX_DEPTH + " at " + path);
    }
    ObjectNode node = mapper.createObjectNode();
    Class<?> raw = type.getRawClass();
    if (raw == String.class || raw == char.class || raw == Character.class || raw == UUID.class
        || java.time.temporal.Temporal.class.isAssignableFrom(raw)) {
      return node.put("type", "string");
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return node.put("type", "boolean");
    }
    if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class
        || raw == short.class || raw == Short.class || raw == byte.class || raw == Byte.class
        || raw == BigInteger.class || raw == OptionalInt.class || raw == OptionalLong.class) {
      return node.put("type", "integer");
    }
    if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class
        || raw == BigDecimal.class || raw == OptionalDouble.class) {
      return node.put("type", "number");
    }
    if (raw.isEnum()) {
      node.put("type", "string");
      ArrayNode values = node.putArray("enum");
      for (Object constant : raw.getEnumConstants()) {
        values.add(mapper.convertValue(constant, String.class));
      }
      return node;
    }
    if (raw == Optional.class) {
      return schema(type.containedTypeOrUnknown(0), path);
    }
    if (type.isArrayType() || type.isCollectionLikeType()) {
      node.put("type", "array");
      node.set("items", schema(type.getContentType(), path));
      return node;
    }
    if (type.isMapLikeType()) {
      if (type.getKeyType().getRawClass() != String.class) {
        throw new IllegalArgumentException("a map key must be a String for JSON, was "
            + type.getKeyType() + " in " + path);
      }
      node.put("type", "object");
      node.set("additionalProperties", schema(type.getContentType(), path));
      return node;
    }
    if (raw.isPrimitive() || raw == Object.class || raw.isInterface()) {
      throw new IllegalArgumentException("no JSON Schema for " + type + " (in " + path
          + "): use a concrete record or class");
    }
    return object(type, path);
  }

  private ObjectNode object(JavaType type, Deque<Class<?>> path) {
    Class<?> raw = type.getRawClass();
    if (path.contains(raw)) {
      throw new IllegalArgumentException(raw.getName() + " contains itself (" + path
          + "): strict JSON schemas cannot describe recursive types");
    }
    path.push(raw);
    ObjectNode node = mapper.createObjectNode();
    BeanDescription bean = mapper.getDeserializationConfig().introspect(type);
    String classDescription = bean.getClassInfo().getAnnotation(
        com.fasterxml.jackson.annotation.JsonClassDescription.class) == null ? null
        : bean.getClassInfo().getAnnotation(
            com.fasterxml.jackson.annotation.JsonClassDescription.class).value();
    node.put("type", "object");
    if (classDescription != null && !classDescription.isEmpty()) {
      node.put("description", classDescription);
    }
    ObjectNode properties = node.putObject("properties");
    ArrayNode required = node.putArray("required");
    for (BeanPropertyDefinition property : bean.findProperties()) {
      if (!property.couldDeserialize()) {
        continue;
      }
      JavaType propertyType = property.getPrimaryType();
      ObjectNode schema = schema(propertyType, path);
      if (isOptional(propertyType.getRawClass())) {
        // Strict mode wants every property required: absence is spelled as null.
        schema.set("type", mapper.createArrayNode().add(schema.path("type").asText()).add("null"));
      }
      String description = property.getMetadata().getDescription();
      if (description != null && !description.isEmpty()) {
        schema.put("description", description);
      }
      properties.set(property.getName(), schema);
      required.add(property.getName());
    }
    node.put("additionalProperties", false);
    path.pop();
    return node;
  }

  private static boolean isOptional(Class<?> raw) {
    return raw == Optional.class || raw == OptionalInt.class || raw == OptionalLong.class
        || raw == OptionalDouble.class;
  }
}
