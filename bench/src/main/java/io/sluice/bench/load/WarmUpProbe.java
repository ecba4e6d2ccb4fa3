package io.sluice.bench.load;

import io.sluice.gateway.internal.server.WarmUp;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * The gateway's start-up warm-up alone, in a fresh JVM: {@code WarmUpProbe SECONDS [SECONDS …]}
 * runs it once per budget given, on two event loops as a 2-core gateway would, and prints what
 * each run did and how long the JIT compilers compiled in each half second meanwhile
 * ({@link CompilationMXBean}). BENCHMARKS.md, profile note 34.
 */
public final class WarmUpProbe {
  private WarmUpProbe() {}

  public static void main(String[] args) throws InterruptedException {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    Thread sampler = new Thread(() -> {
      StringBuilder line = new StringBuilder("compiling, ms per 500 ms:");
      long before = jit.getTotalCompilationTime();
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          break;
        }
        long now = jit.getTotalCompilationTime();
        line.append(' ').append(now - before);
        before = now;
      }
      System.out.println(line);
    });
    sampler.start();
    for (String seconds : args) {
      WarmUp.Outcome o = WarmUp.run(vertx, Duration.ofMillis(
          (long) (Double.parseDouble(seconds) * 1000)), 2);
      System.out.println("budget " + seconds + " s: " + o.streams() + " streams in " + o.millis()
          + " ms, settled " + o.settled() + o.failure().map(f -> ", failed: " + f).orElse(""));
    }
    sampler.interrupt();
    sampler.join();
    vertx.close();
  }
}
