package io.sluice.jackson.closed;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.jackson.TypedJson;
import io.sluice.jackson.TypedJsonException;
import org.junit.jupiter.api.Test;

/** This package is not opened to databind (the build opens io.sluice.jackson only). */
class ClosedRecordTest {

  record Point(int x, int y) {}

  @Test
  void aPackageNotOpenToDatabindIsNamedWithTheLineToAdd() {
    assertThatThrownBy(() -> TypedJson.create().read("{\"x\":1,\"y\":2}", Point.class))
        .isInstanceOf(TypedJsonException.class)
        .hasMessageContaining(
            "\"opens io.sluice.jackson.closed to com.fasterxml.jackson.databind;\"")
        .hasMessageContaining("module-info of io.sluice.jackson");
  }
}
