package io.sluice.cli;

import io.sluice.client.ProviderKind;

/** The model {@code sluice chat} asks for when {@code --model} is not given. */
final class ChatDefaults {
  private ChatDefaults() {}

  static String model(ProviderKind kind) {
    switch (kind) {
      case ANTHROPIC:
        return "claude-sonnet-4-5";
      case MISTRAL:
        return "mistral-small-latest";
      case OPENAI_COMPATIBLE:
        return "default";
      default:
        return "gpt-4o-mini";
    }
  }
}
