package io.sluice.gateway.internal.telemetry;

import java.io.Flushable;
import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * The default request log: one line per request on standard error, each prefixed, written once
 * per batch of the usage log's writer rather than once per line.
 */
public final class StderrLog implements Consumer<String>, Flushable {
  private final String prefix;
  private final PrintStream out;
  private final StringBuilder pending = new StringBuilder();

  public StderrLog(String prefix) {
    this(prefix, System.err);
  }

  public StderrLog(String prefix, PrintStream out) {
    this.prefix = prefix;
    this.out = out;
  }

  @Override
  public void accept(String line) {
    pending.append(prefix).append(line).append('\n');
  }

  @Override
  public void flush() {
    if (pending.length() > 0) {
      out.print(pending);
      out.flush();
      pending.setLength(0);
    }
  }
}
