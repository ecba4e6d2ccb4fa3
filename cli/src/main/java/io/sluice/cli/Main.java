package io.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sluice} command. Each subcommand lives in its own class. */
@Command(
    name = "sluice",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "LLM streaming for the JVM: gateway, chat, replay, mock.",
    subcommands = {GatewayCommand.class, ChatCommand.class, ReplayCommand.class,
        MockCommand.class})
public final class Main implements Runnable {

  /** Usage errors exit with 1, as do unreadable inputs; a failed or truncated stream with 2. */
  static final int EXIT_USAGE = 1;
  static final int EXIT_STREAM_FAILED = 2;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExitCodeExceptionMapper(e -> EXIT_USAGE);
    cli.setParameterExceptionHandler((e, a) -> {
      cli.getErr().println("sluice: " + e.getMessage());
      return EXIT_USAGE;
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"sluice " + (version == null ? "development build" : version)};
    }
  }
}
