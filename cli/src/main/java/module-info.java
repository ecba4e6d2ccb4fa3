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

  // picocli fills the commands' @Option and @Parameters fields and calls them by reflection.
  opens io.sluice.cli to info.picocli;
}
