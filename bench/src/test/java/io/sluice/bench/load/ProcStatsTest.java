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
  void aProcessThatIsGoneHasNoFigures() {
    long none = Long.MAX_VALUE;

    assertThat(ProcStats.compilerCpuSeconds(none)).isNaN();
    assertThat(ProcStats.cpuSeconds(none)).isNaN();
  }
}
