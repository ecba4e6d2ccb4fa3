package io.sluice.cli;

import io.sluice.client.ClientException;
import io.sluice.client.EventStream;
import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import io.sluice.client.SluiceClient;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.ChatRequest;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice chat}: streams one answer to the terminal as it arrives, then one summary line on
 * standard error. With {@code --json}, prints the model events as JSON lines instead.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
    description = {"Stream a chat answer from a provider, a sluice gateway or a sluice mock.",
        "Exit status: 0 success, 2 the call or the stream failed, 1 usage or configuration error."})
final class ChatCommand implements Callable<Integer> {

  @Option(names = "--provider", defaultValue = "openai-chat", paramLabel = "KIND",
      description = "openai-chat, openai-responses, anthropic, mistral or openai-compatible "
          + "(default: openai-chat).")
  String provider;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "The provider's base URL (default: the provider's, or $*_BASE_URL).")
  String baseUrl;

  @Option(names = "--model", paramLabel = "M", description = "The model (default: per provider).")
  String model;

  @Option(names = "--api-key", paramLabel = "K",
      description = "The API key (default: $OPENAI_API_KEY, $ANTHROPIC_API_KEY or $MISTRAL_API_KEY).")
  String apiKey;

  @Option(names = "--system", paramLabel = "TEXT", description = "A system prompt.")
  String system;

  @Option(names = "--json", description = "Print the model events as JSON lines.")
  boolean json;

  @Parameters(paramLabel = "PROMPT", arity = "1..*", description = "The prompt.")
  List<String> prompt;

  @Spec
  CommandSpec spec;

  /** Whether stdout is a terminal, for dimmed reasoning; tests set it. */
  boolean terminal = System.console() != null;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProviderSettings settings;
    try {
      settings = settings();
    } catch (IllegalArgumentException e) {
      err.println("sluice chat: " + e.getMessage());
      err.flush();
      return Main.EXIT_USAGE;
    }
    ChatRequest.Builder request = ChatRequest.builder(model != null ? model
        : ChatDefaults.model(settings.kind()));
    if (system != null) {
      request.system(system);
    }
    request.user(String.join(" ", prompt));
    ChatPrinter printer = new ChatPrinter(out, json, terminal);
    try (SluiceClient client = SluiceClient.create(settings);
        EventStream events = client.stream(request.build())) {
      for (StreamEvent event : events) {
        printer.accept(event);
      }
    } catch (ClientException e) {
      printer.endLine();
      err.println("sluice chat: " + e.getMessage());
      err.flush();
      return Main.EXIT_STREAM_FAILED;
    }
    printer.endLine();
    if (!json) {
      err.println(printer.summary());
    }
    err.flush();
    Failed failed = printer.failure();
    if (failed != null) {
      err.println("sluice chat: the stream failed: " + failed.type() + ": " + failed.message()
          + (failed.retryable() ? " (retrying could help)" : " (retrying will not help)"));
      err.flush();
      return Main.EXIT_STREAM_FAILED;
    }
    return 0;
  }

  private ProviderSettings settings() {
    ProviderKind kind = ProviderKind.of(provider);
    ProviderSettings.Builder b = ProviderSettings.builder(kind);
    if (baseUrl != null) {
      b.baseUrl(baseUrl);
    }
    if (apiKey != null) {
      b.apiKey(apiKey);
    }
    ProviderSettings settings = b.build();
    boolean official = settings.baseUrl().toString().equals(kind.defaultBaseUrl())
        && kind != ProviderKind.OPENAI_COMPATIBLE;
    if (settings.apiKey().isEmpty() && official) {
      throw new IllegalArgumentException("no API key for " + kind.id() + ": pass --api-key or set "
          + kind.apiKeyVariable());
    }
    return settings;
  }
}
