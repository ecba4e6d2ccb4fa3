package io.sluice.gateway.internal.server;

import io.sluice.core.codec.CodecException;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import java.nio.charset.StandardCharsets;

class RequestBodyTest {
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void scanFindsModelStreamAndIncludeUsage() {
    RequestBody.Scan scan = RequestBody.scan(bytes("""
        {"messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true},
         "model":"gpt-x","stream":true}"""));
    assertThat(scan).isEqualTo(new RequestBody.Scan("gpt-x", true, true, true));
  }

  @Test
  void aBodyWithoutModelIsRejected() {
    assertThatThrownBy(() -> RequestBody.scan(bytes("{\"stream\":true}")))
        .isInstanceOf(CodecException.class).hasMessageContaining("'model'");
  }

  @Test
  void trailingContentIsRejected() {
    assertThatThrownBy(() -> RequestBody.scan(bytes("{\"model\":\"m\"} {}")))
        .isInstanceOf(CodecException.class);
  }

  @Test
  void nothingToChangeReturnsTheSameBytes() {
    byte[] body = bytes("{\"model\":\"m\",\"x\":1.50}");
    assertThat(RequestBody.rewrite(body, "", false)).isSameAs(body);
  }

  @Test
  void renameKeepsEveryOtherFieldAsWritten() {
    String out = new String(RequestBody.rewrite(bytes(
        "{\"model\":\"m\",\"temperature\":0.70,\"big\":12345678901234567890,"
            + "\"x_vendor\":{\"a\":[1,null,\"é\"]}}"), "m-2024", false), StandardCharsets.UTF_8);
    assertThat(out).isEqualTo("{\"model\":\"m-2024\",\"temperature\":0.70,"
        + "\"big\":12345678901234567890,\"x_vendor\":{\"a\":[1,null,\"é\"]}}");
  }

  @Test
  void includeUsageIsAddedOrSetKeepingOtherStreamOptions() {
    assertThat(new String(RequestBody.rewrite(bytes("{\"model\":\"m\",\"stream\":true}"), "",
        true), StandardCharsets.UTF_8))
        .isEqualTo("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    assertThat(new String(RequestBody.rewrite(bytes("{\"model\":\"m\",\"stream_options\":"
        + "{\"include_obfuscation\":false,\"include_usage\":false}}"), "", true),
        StandardCharsets.UTF_8)).isEqualTo("{\"model\":\"m\",\"stream_options\":"
        + "{\"include_obfuscation\":false,\"include_usage\":true}}");
  }

  @Test
  void theSplicedIncludeUsageIsWhatTheFullRewriteWrites() {
    for (String body : new String[] {"{\"model\":\"m\",\"stream\":true}",
        " {\"model\":\"m\",\"messages\":[{\"content\":\"}\"}]} \n",
        "{\"model\":\"m\",\"x\":{\"stream_options\":1}}"}) {
      byte[] bytes = bytes(body);
      RequestBody.Scan scan = RequestBody.scan(bytes);
      assertThat(scan.streamOptions()).isFalse();
      assertThat(new String(RequestBody.rewrite(bytes, scan, "", true), StandardCharsets.UTF_8)
          .strip()) // the splice keeps the whitespace around the object; the generator drops it
          .isEqualTo(new String(RequestBody.rewrite(bytes, "", true), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aBodyWithStreamOptionsOfAnyKindIsRewrittenNotSpliced() {
    byte[] bytes = bytes("{\"model\":\"m\",\"stream_options\":null}");
    RequestBody.Scan scan = RequestBody.scan(bytes);
    assertThat(scan.streamOptions()).isTrue();
    assertThat(new String(RequestBody.rewrite(bytes, scan, "", true), StandardCharsets.UTF_8))
        .isEqualTo("{\"model\":\"m\",\"stream_options\":{\"include_usage\":true}}");
  }
}
