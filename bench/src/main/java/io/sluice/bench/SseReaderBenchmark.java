package io.sluice.bench;

import com.launchdarkly.eventsource.StreamException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The SSE reader against two peers, each reading the same bytes: the corpus streams (see
 * {@link SseCorpus}) in one pass per operation. Every parser hands every event's data string to the
 * Blackhole, so each does the whole job, decoding included. The {@link Rates} counters turn the
 * operation rate into megabytes and events per second.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar SseReaderBenchmark -prof gc} (BENCHMARKS.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SseReaderBenchmark {

  private byte[] stream;
  private SluiceDriver sluice;
  private OkHttpSseDriver okhttp;
  private LaunchDarklyDriver launchDarkly;

  @Setup(Level.Trial)
  public void setup() {
    SseCorpus corpus = SseCorpus.load();
    stream = corpus.stream();
    sluice = new SluiceDriver(stream);
    okhttp = new OkHttpSseDriver(stream);
    launchDarkly = new LaunchDarklyDriver(stream);
    // Printed so allocation per event can be derived from gc.alloc.rate.norm (bytes per pass).
    System.out.printf("corpus: %d files, %d bytes per pass, %d events per pass%n",
        corpus.files(), stream.length, sluice.read(Blackholes.discarding()));
  }

  @Benchmark
  public long sluice(Blackhole blackhole, Rates rates) {
    long start = rates.start();
    return rates.count(start, stream.length, sluice.read(blackhole));
  }

  /**
   * sluice's reader for a listener that takes the data as bytes (as its decoders do): the reader's
   * own cost without the {@code String} that the other methods make for every event. Not a like
   * for like comparison with the peers, which always make one.
   */
  @Benchmark
  public long sluiceBytes(Blackhole blackhole, Rates rates) {
    long start = rates.start();
    return rates.count(start, stream.length, sluice.readBytes(blackhole));
  }

  @Benchmark
  public long okhttpSse(Blackhole blackhole, Rates rates) throws IOException {
    long start = rates.start();
    return rates.count(start, stream.length, okhttp.read(blackhole));
  }

  @Benchmark
  public long launchDarkly(Blackhole blackhole, Rates rates) throws StreamException {
    long start = rates.start();
    return rates.count(start, stream.length, launchDarkly.read(blackhole));
  }

  /**
   * Per-second rates beside ops/s: JMH divides these sums by the measured time. {@code cpu} is
   * the benchmark thread's CPU time, so its rate is the share of a core the thread got; ops/s
   * divided by it is operations per CPU-second of that thread, which other processes on a busy
   * machine disturb far less than ops/s (work on other threads, such as GC, is not in it).
   */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Rates {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Decimal megabytes (10^6 bytes) read. */
    public double megabytes;
    public long events;
    /** CPU-seconds of the benchmark thread. */
    public double cpu;

    @Setup(Level.Iteration)
    public void reset() {
      megabytes = 0;
      events = 0;
      cpu = 0;
    }

    /** Now, in the thread's CPU nanoseconds: pass it to {@link #count} when the work is done. */
    long start() {
      return THREADS.getCurrentThreadCpuTime();
    }

    long count(long start, int bytes, long eventsRead) {
      cpu += (THREADS.getCurrentThreadCpuTime() - start) / 1e9;
      megabytes += bytes / 1e6;
      events += eventsRead;
      return eventsRead;
    }
  }
}
