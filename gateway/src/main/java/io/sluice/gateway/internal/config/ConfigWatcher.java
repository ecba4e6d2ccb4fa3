package io.sluice.gateway.internal.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Calls back when the content of a file changes, checked every {@code period} on a daemon thread
 * of its own. It compares the content, not the modification time or file events: a Kubernetes
 * ConfigMap is updated by swapping a symbolic link over the folder, which a watch on the file
 * does not see, and an editor may write the same bytes again. The file is a few kilobytes.
 */
public final class ConfigWatcher implements AutoCloseable {
  private final Path file;
  private final Runnable changed;
  private final Consumer<String> log;
  private final ScheduledExecutorService timer;
  private byte[] lastDigest;
  private boolean unreadable;

  private ConfigWatcher(Path file, Runnable changed, Consumer<String> log) {
    this.file = file;
    this.changed = changed;
    this.log = log;
    this.lastDigest = digest();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sluice-config-watch");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts watching {@code file}; the content it has now is the baseline. */
  public static ConfigWatcher start(Path file, Duration period, Runnable changed,
      Consumer<String> log) {
    ConfigWatcher w = new ConfigWatcher(file, changed, log);
    long ms = Math.max(1, period.toMillis());
    w.timer.scheduleWithFixedDelay(w::check, ms, ms, TimeUnit.MILLISECONDS);
    return w;
  }

  private void check() {
    byte[] now = digest();
    if (now.length == 0 || Arrays.equals(now, lastDigest)) {
      return; // unreadable for a moment (a swap under way), or the same content
    }
    lastDigest = now;
    try {
      changed.run();
    } catch (RuntimeException e) {
      // The reload reports its own refusals; anything else is logged so the watch goes on.
      log.accept("reloading " + file + " failed: " + e);
    }
  }

  private byte[] digest() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
      unreadable = false;
      return d;
    } catch (IOException e) {
      if (!unreadable) {
        log.accept("cannot read " + file + " to watch it for changes: " + e.getMessage());
      }
      unreadable = true;
      return new byte[0];
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
