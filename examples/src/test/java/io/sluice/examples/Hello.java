package io.sluice.examples;

// docs/client.md, "A first stream": the whole program, as printed there.
import io.sluice.client.*;
import io.sluice.core.event.*;
import io.sluice.core.message.ChatRequest;

public class Hello {
  public static void main(String[] args) {
    // OPENAI_API_KEY (and OPENAI_BASE_URL, if set) come from the environment.
    ProviderSettings settings = ProviderSettings.fromEnvironment(ProviderKind.OPENAI_CHAT);
    ChatRequest request = ChatRequest.builder("gpt-4o-mini").user("Say hello in five words").build();

    try (SluiceClient client = SluiceClient.create(settings);
         EventStream events = client.stream(request)) {
      for (StreamEvent event : events) {
        if (event instanceof TextDelta) {
          System.out.print(((TextDelta) event).text());
        } else if (event instanceof Failed) {
          System.err.println("\nfailed: " + ((Failed) event).message());
        }
      }
    } catch (ClientException e) {           // the call failed before its stream started
      System.err.println(e.getMessage());
    }
  }
}
