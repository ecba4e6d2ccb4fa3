package io.sluice.bench.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, read from Linux's {@code /proc}; NaN elsewhere. */
final class ProcStats {
  /** USER_HZ: the unit of utime and stime. 100 on every Linux the harness targets. */
  private static final double CLOCK_TICKS = 100.0;

  private ProcStats() {}

  /** User plus system CPU seconds the process has used so far. */
  static double cpuSeconds(long pid) {
    try {
      return cpuSeconds(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * System CPU seconds the process has used so far: its time in the kernel (system calls, the
   * network stack on its behalf, page faults), the part of {@link #cpuSeconds} that the same
   * reads and writes cost a process whatever it is written in.
   */
  static double systemCpuSeconds(long pid) {
    try {
      return systemSeconds(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * CPU seconds a JVM's JIT compiler threads have used so far: the threads Linux names
   * {@code C1 CompilerThre} and {@code C2 CompilerThre} (HotSpot's names cut to 15 characters).
   * A compiler thread that ended takes its time with it; on the 2-core machines the harness runs
   * on, HotSpot starts one of each and keeps them.
   */
  static double compilerCpuSeconds(long pid) {
    double sum = 0;
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException ended) {
          continue;
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
          sum += cpuSeconds(stat);
        }
      }
      return sum;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** User plus system seconds from a {@code stat} line of a process or a thread. */
  static double cpuSeconds(String stat) {
    return (field(stat, 11) + field(stat, 12)) / CLOCK_TICKS;
  }

  /** System seconds from a {@code stat} line of a process or a thread. */
  static double systemSeconds(String stat) {
    return field(stat, 12) / CLOCK_TICKS;
  }

  /** Field {@code index} of a {@code stat} line, counted from the one after the command name. */
  private static long field(String stat, int index) {
    // The command name (field 2) may hold spaces; the fields after its ')' are fixed.
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[index]);
  }

  /** Resident set size in bytes (VmRSS). */
  static double rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          String kb = line.substring(6).trim().split("\\s+")[0];
          return Long.parseLong(kb) * 1024.0;
        }
      }
      return Double.NaN;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
