package io.sluice.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line about where a run ran: the figures mean little without it. */
final class Machine {
  private Machine() {}

  static String describe(String args, String loadBefore) {
    return "Machine: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors()
        + " cores; Java " + System.getProperty("java.version") + "; load average before "
        + loadBefore + ", after " + loadAverage() + ". Command: `java -cp bench/target/benchmarks.jar"
        + " io.sluice.bench.load.LoadHarness " + args + "`";
  }

  /** The 1-minute load average: other work on the machine shows here. */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux.
    }
    return System.getProperty("os.arch");
  }
}
