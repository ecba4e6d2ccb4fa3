package io.sluice.client.ws;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The lines the WebSocket client logs ({@code System.Logger} "io.sluice.client.ws", which the JDK
 * sends to java.util.logging), as "LEVEL message", from creation to {@link #close()}.
 */
final class LogCapture extends Handler implements AutoCloseable {
  final List<String> lines = new CopyOnWriteArrayList<>();
  /** Held: java.util.logging keeps loggers only weakly, and with them their level. */
  private final Logger logger = Logger.getLogger("io.sluice.client.ws");
  private final Level level;

  LogCapture() {
    level = logger.getLevel();
    logger.setLevel(Level.ALL);
    logger.addHandler(this);
  }

  @Override
  public void publish(LogRecord record) {
    lines.add(record.getLevel() + " " + new SimpleFormatter().formatMessage(record));
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setLevel(level);
  }
}
