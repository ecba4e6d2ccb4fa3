package io.sluice.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageBuildersTest {

  @Test
  void aUserMessageWithImagesPutsTheTextFirst() {
    Message m = Message.user("What is this?", Part.Image.url("https://example.com/a.png"),
        Part.Image.url("https://example.com/b.png"));
    assertThat(m).isEqualTo(new Message(Role.USER, List.of(new Part.Text("What is this?"),
        new Part.Image("https://example.com/a.png", ""),
        new Part.Image("https://example.com/b.png", ""))));
  }

  @Test
  void imageBytesBecomeABase64DataUrl() {
    Part.Image image = Part.Image.bytes("PNG".getBytes(StandardCharsets.US_ASCII), "image/png");
    assertThat(image).isEqualTo(new Part.Image("data:image/png;base64,UE5H", "image/png"));
  }

  @Test
  void imageBytesRefuseAMediaTypeThatIsNotAnImage() {
    assertThatThrownBy(() -> Part.Image.bytes(new byte[1], "text/plain"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("text/plain");
  }

  @Test
  void aToolErrorIsAToolResultMarkedAsError() {
    assertThat(Message.toolError("call_1", "no such city")).isEqualTo(new Message(Role.TOOL,
        List.of(new Part.ToolResult("call_1", "no such city", true))));
  }

  @Test
  void ofTakesAnyRoleAndParts() {
    assertThat(Message.of(Role.ASSISTANT, new Part.Text("a"), new Part.Refusal("b")))
        .isEqualTo(new Message(Role.ASSISTANT, List.of(new Part.Text("a"), new Part.Refusal("b"))));
  }
}
