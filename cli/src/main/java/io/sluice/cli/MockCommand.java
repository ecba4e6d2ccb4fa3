package io.sluice.cli;

import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice mock}: the simulated provider as a server of its own, until Ctrl-C. One line says
 * where it listens; then one line per request.
 */
@Command(name = "mock", mixinStandardHelpOptions = true,
    description = {"Run a simulated LLM provider: OpenAI Chat Completions, OpenAI Responses and "
        + "Anthropic Messages, streaming or not.",
        "Each request's behaviour is set by its x-sluice-mock header; see docs/mock.md."})
final class MockCommand implements Callable<Integer> {

  /** The quick start's upstream port. */
  static final int DEFAULT_PORT = 8090;

  @Option(names = "--port", defaultValue = "" + DEFAULT_PORT, paramLabel = "N",
      description = "The port to listen on; 0 for any free port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = MockOptions.LOOPBACK, paramLabel = "HOST",
      description = "The interface to bind (default: ${DEFAULT-VALUE}). The mock checks no key: "
          + "bind beyond loopback only on a network you trust.")
  String host;

  private final PrintStream out =
      new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
          StandardCharsets.UTF_8);

  @Override
  public Integer call() {
    MockOptions options = MockOptions.defaults().withHost(host).withPort(port)
        .withRequestLog(out::println);
    if (!options.loopback()) {
      System.err.println("sluice mock: warning: binding " + host + " exposes a server that checks"
          + " no key to everyone who can reach this interface");
    }
    MockProvider mock;
    try {
      mock = MockProvider.start(options);
    } catch (IllegalStateException e) {
      System.err.println("sluice mock: " + e.getMessage());
      return Main.EXIT_USAGE;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      mock.close();
      stopped.countDown();
    }, "sluice-mock-shutdown"));
    out.println("sluice mock listening on " + mock.origin() + " (OpenAI base URL "
        + mock.baseUrl() + "); Ctrl-C stops it");
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
