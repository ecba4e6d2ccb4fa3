/**
 * sluice cli: the {@code sluice} command. An application, so it exports nothing; {@code ./sluice}
 * runs it on the class path, and the descriptor still makes javac refuse any reach into another
 * module's internals.
 */
module io.sluice.cli {
  requires io.sluice.core;
  requires io.sluice.client;
  requires io.sluice.gateway;
  requires io.sluice.mock;
  requires com.fasterxml.jackson.core;
  requires info.picocli;
  // sun.misc.Signal: SIGTERM drains with exit status 0 and SIGHUP reloads sluice.yaml, which
  // shutdown hooks alone cannot do (the JVM would exit with 143 and has no SIGHUP hook).
  requires jdk.unsupported;

  // picocli fills the commands' @Option and @Parameters fields and calls them by reflection.
  opens io.sluice.cli to info.picocli;
}
