package io.sluice.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line about where a run ran: the figures mean little without it. */
final class Machine {
  private Machine() {}

  static String describe(String args, String loadBefore) {
    // Runtime.availableProcessors() counts the CPUs this process may use; the machine's are all.
    int cores = allowedCpus("/sys/devices/system/cpu/online");
    String own = cpuList("/proc/self/status");
    boolean pinned = !own.isEmpty() && allowedCount(own) < cores;
    return "Machine: " + cpuModel() + ", " + cores + " cores; Java "
        + System.getProperty("java.version") + "; load average before " + loadBefore + ", after "
        + loadAverage() + ". Command: `" + (pinned ? "taskset -c " + own + " " : "")
        + "java -cp bench/target/benchmarks.jar io.sluice.bench.load.LoadHarness " + args + "`";
  }

  /** The CPUs this process may run on ({@code Cpus_allowed_list}), or "" where unknown. */
  private static String cpuList(String status) {
    try {
      for (String line : Files.readAllLines(Path.of(status))) {
        if (line.startsWith("Cpus_allowed_list:")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux.
    }
    return "";
  }

  private static int allowedCpus(String onlineFile) {
    try {
      return allowedCount(Files.readString(Path.of(onlineFile)).trim());
    } catch (IOException | RuntimeException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  /** How many CPUs a list such as {@code 0-3,6} names. */
  static int allowedCount(String list) {
    int n = 0;
    for (String part : list.split(",")) {
      String[] range = part.trim().split("-");
      n += range.length == 1 ? 1
          : Integer.parseInt(range[1].trim()) - Integer.parseInt(range[0].trim()) + 1;
    }
    return n;
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
