package io.sluice.cli;

import io.sluice.client.ClientException;
import io.sluice.client.ClientTimeouts;
import io.sluice.client.EventStream;
import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import io.sluice.client.SluiceClient;
import io.sluice.client.ws.ResponsesSessions;
import io.sluice.client.ws.Transport;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.ChatRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

  @Option(names = {"-H", "--header"}, paramLabel = "NAME:VALUE",
      description = "A header sent with the request, repeatable (e.g. x-sluice-mock: fault="
          + "drop-after:3 against a sluice mock).")
  List<String> headers = new ArrayList<>();

  @Option(names = "--transport", paramLabel = "T",
      description = "openai-responses only: auto (a WebSocket, HTTP SSE when it cannot be used), "
          + "websocket or sse (default: sse, without a WebSocket session).")
  String transport;

  @Option(names = "--connect-timeout", paramLabel = "D",
      description = "Opening the connection, e.g. 10s, 500ms, 2m (default 10s).")
  String connectTimeout;

  @Option(names = "--response-headers-timeout", paramLabel = "D",
      description = "From sending the request to its response headers (default 600s).")
  String responseHeadersTimeout;

  @Option(names = "--first-event-timeout", paramLabel = "D",
      description = "From sending the request to the first model event (default 600s).")
  String firstEventTimeout;

  @Option(names = "--idle-timeout", paramLabel = "D",
      description = "The longest silence of a started stream (default 120s).")
  String idleTimeout;

  @Option(names = "--total-timeout", paramLabel = "D",
      description = "The whole call, retries included (default: none).")
  String totalTimeout;

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
    ClientTimeouts timeouts;
    Transport wsTransport;
    try {
      settings = settings();
      timeouts = timeouts();
      wsTransport = transport(settings.kind());
    } catch (IllegalArgumentException e) {
      err.println("sluice chat: " + e.getMessage());
      err.flush();
      return Main.EXIT_USAGE;
    }
    SluiceClient client;
    try {
      client = SluiceClient.builder(settings).timeouts(timeouts).build();
    } catch (IllegalArgumentException e) {
      // The client refuses a provider's own host without a key; the terminal's way to give one.
      err.println("sluice chat: " + (settings.apiKey().isEmpty()
          ? "no API key for " + settings.kind().id() + " at " + settings.baseUrl()
              + ": pass --api-key or set " + settings.kind().apiKeyVariable()
          : e.getMessage()));
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
    try (client;
        ResponsesSessions sessions = wsTransport == null ? null
            : ResponsesSessions.builder(client).timeouts(timeouts).build();
        EventStream events = sessions == null ? client.stream(request.build())
            : sessions.stream("chat", request.build(), wsTransport)) {
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
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("--header " + header + " is not NAME:VALUE");
      }
      b.header(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
    }
    return b.build();
  }

  /** The WebSocket sessions' transport, or null for a plain HTTP call. */
  private Transport transport(ProviderKind kind) {
    if (transport == null) {
      return null;
    }
    if (kind != ProviderKind.OPENAI_RESPONSES) {
      throw new IllegalArgumentException("--transport applies to --provider openai-responses, not "
          + kind.id());
    }
    return Transport.of(transport);
  }

  private ClientTimeouts timeouts() {
    ClientTimeouts t = ClientTimeouts.defaults();
    if (connectTimeout != null) {
      t = t.withConnect(duration("--connect-timeout", connectTimeout));
    }
    if (responseHeadersTimeout != null) {
      t = t.withResponseHeaders(duration("--response-headers-timeout", responseHeadersTimeout));
    }
    if (firstEventTimeout != null) {
      t = t.withFirstEvent(duration("--first-event-timeout", firstEventTimeout));
    }
    if (idleTimeout != null) {
      t = t.withIdle(duration("--idle-timeout", idleTimeout));
    }
    if (totalTimeout != null) {
      t = t.withTotal(duration("--total-timeout", totalTimeout));
    }
    return t;
  }

  /** {@code 500ms}, {@code 30s}, {@code 2m}, or a number of seconds; positive. */
  static Duration duration(String option, String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (v.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).strip()));
      } else if (v.endsWith("s")) {
        d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      } else if (v.endsWith("m")) {
        d = Duration.ofSeconds(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60));
      } else {
        d = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
      }
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(option + " must be positive, was " + value);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " " + value
          + " is not a duration (e.g. 500ms, 30s, 2m)");
    }
  }
}
