package io.sluice.examples;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import io.sluice.client.SluiceClient;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Part;
import io.sluice.jackson.TypedJson;
import io.sluice.langchain4j.SluiceStreamingChatModel;
import io.sluice.spring.boot.SluiceFlux;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/** docs/integrations.md; DocSnippetsTest checks that each snippet appears here as printed. */
final class IntegrationSnippets {

  interface Assistant {
    TokenStream chat(String message);
  }

  static final class WeatherTools {
    @Tool("The current weather in a city")
    String weather(String city) {
      return "sunny";
    }
  }

  static boolean userLeft() {
    return false;
  }

  void typedTools(SluiceClient client) {
    record Weather(@JsonPropertyDescription("city name") String city, Optional<String> unit) {}

    TypedJson json = TypedJson.create();
    ChatRequest request = ChatRequest.builder("gpt-4o-mini")
        .user("Weather in Paris?")
        .tool(json.tool("get_weather", "Current weather in a city", Weather.class))
        .build();
    FinalMessage message = client.complete(request);
    for (Part.ToolCall call : message.message().toolCalls()) {
      Weather args = json.arguments(call, Weather.class);   // TypedJsonException if cut off or wrong
    }
  }

  void langchain4j() {
    SluiceClient client = SluiceClient.create(ProviderSettings.fromEnvironment(ProviderKind.ANTHROPIC));
    StreamingChatModel model = SluiceStreamingChatModel.builder(client)
        .defaultModel("claude-sonnet-4-5").build();
    Assistant assistant = AiServices.builder(Assistant.class).streamingChatModel(model)
        .tools(new WeatherTools()).build();
    assistant.chat("Weather in Paris?")
        .onPartialResponseWithContext((partial, context) -> {
          System.out.print(partial.text());
          if (userLeft()) context.streamingHandle().cancel();   // closes the upstream connection
        })
        .onCompleteResponse(response -> System.out.println())
        .onError(Throwable::printStackTrace)
        .start();
  }

  @RestController
  class ChatController {
    private final SluiceClient client;

    ChatController(SluiceClient client) {
      this.client = client;
    }

    @GetMapping(value = "/chat", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<String> chat(@RequestParam String q) {
      return SluiceFlux.text(client, ChatRequest.builder("claude-sonnet-4-5").user(q).build());
    }
  }
}
