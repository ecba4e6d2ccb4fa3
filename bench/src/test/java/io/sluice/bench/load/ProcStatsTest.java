package io.sluice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcStatsTest {

  @Test
  void aJvmsCompilerThreadsAreFoundByTheirNames() {
    assumeThat(Files.isDirectory(Path.of("/proc/self/task")))
        .as("reads Linux's /proc").isTrue();
    long self = ProcessHandle.current().pid();

    double compiling = ProcStats.compilerCpuSeconds(self);
    double all = ProcStats.cpuSeconds(self);

    // By the time a test runs, this JVM has compiled thousands of methods (JUnit, AssertJ):
    // more than one clock tick's worth, found only if the thread names match.
    assertThat(compiling).isGreaterThan(0.0).isLessThan(all);
  }

  @Test
  void theKernelsShareIsReadApartFromTheWhole() {
    assumeThat(Files.isDirectory(Path.of("/proc/self/task")))
        .as("reads Linux's /proc").isTrue();
    long self = ProcessHandle.current().pid();

    double kernel = ProcStats.systemCpuSeconds(self);
    double all = ProcStats.cpuSeconds(self);

    // A JVM's start alone (mapping and touching its heap, reading its class path) is many clock
    // ticks in the kernel, and its compiling many more outside it.
    assertThat(kernel).isGreaterThan(0.0).isLessThan(all);
  }

  @Test
  void userAndSystemTimeAreTheFieldsAfterTheCommandName() {
    // proc(5): pid (comm) state ppid ... utime (14th) stime (15th); a thread's name may hold
    // spaces and parentheses, so the fields are counted from the last ')'.
    String stat = "4242 (C2 Compiler) (x)) S 1 4242 4242 0 -1 4194560 900 0 0 0 "
        + "250 75 3 4 20 0 30 0 12345 1000000 500";

    assertThat(ProcStats.cpuSeconds(stat)).isEqualTo(3.25);
    assertThat(ProcStats.systemSeconds(stat)).isEqualTo(0.75);
  }

  @Test
  void aProcessThatIsGoneHasNoFigures() {
    long none = Long.MAX_VALUE;

    assertThat(ProcStats.compilerCpuSeconds(none)).isNaN();
    assertThat(ProcStats.cpuSeconds(none)).isNaN();
    assertThat(ProcStats.systemCpuSeconds(none)).isNaN();
  }
}
