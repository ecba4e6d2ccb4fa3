package io.sluice.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyingParserTest {

  private static final String ITEM = "{ \"type\" : \"message\", \"id\":\"m\\u0031\", \"n\": 1.50,"
      + " \"big\": 12345678901234567890, \"e\": 2E3, \"neg\": -0, \"content\": [ {\"type\":"
      + "\"output_text\", \"text\": \"caf\u00e9 \\n \\/ \\\"q\\\"\", \"annotations\": [ ] } ],"
      + " \"skip\": {\"deep\": [1, {\"x\": null}, true, false]}, \"last\": \"z\" }";

  /** Reads the object's fields through {@code q}: scalars as text, every object or array skipped. */
  private static List<String> read(JsonParser q) throws IOException {
    List<String> read = new ArrayList<>();
    while (JsonFields.next(q)) {
      JsonToken t = q.currentToken();
      read.add(q.currentName() + "=" + (t.isScalarValue() ? q.getText() : t));
      q.skipChildren();
    }
    return read;
  }

  @Test
  void theCopyIsWhatCopyToStringWritesWhateverTheReaderSkips() throws IOException {
    String expected;
    try (JsonParser p = JsonChecks.FACTORY.createParser(ITEM)) {
      p.nextToken();
      expected = JsonChecks.copyToString(p);
    }
    try (JsonParser p = JsonChecks.FACTORY.createParser(ITEM)) {
      p.nextToken();
      CopyingParser q = new CopyingParser(p);
      read(q);
      assertThat(q.copy()).isEqualTo(expected);
      assertThat(p.currentToken()).isEqualTo(JsonToken.END_OBJECT);
      assertThat(p.nextToken()).isNull();
    }
  }

  @Test
  void whatIsReadEqualsWhatAParseOfTheCopyReads() throws IOException {
    String copy;
    List<String> direct;
    try (JsonParser p = JsonChecks.FACTORY.createParser(ITEM)) {
      p.nextToken();
      CopyingParser q = new CopyingParser(p);
      direct = read(q);
      copy = q.copy();
    }
    try (JsonParser p = JsonChecks.FACTORY.createParser(copy)) {
      p.nextToken();
      // Numbers included: 1.50 is read as 1.5, -0 as 0, 2E3 as 2000.0, as the copy spells them.
      assertThat(direct).isEqualTo(read(p)).contains("n=1.5", "neg=0", "e=2000.0");
    }
  }
}
