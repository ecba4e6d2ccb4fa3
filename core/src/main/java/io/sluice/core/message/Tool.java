package io.sluice.core.message;

import java.util.Objects;

/**
 * A function the model may call. {@code parametersSchema} is a JSON Schema as JSON text; it goes to
 * the provider as it is.
 */
public record Tool(String name, String description, String parametersSchema) {
  /** Checks that no component is null. */
  public Tool {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parametersSchema, "parametersSchema");
  }
}
