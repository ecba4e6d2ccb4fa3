package io.sluice.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Streamed response bodies to final messages, per wire format: sluice ({@link SluiceDecoder})
 * beside the provider's official Java SDK ({@link OpenAiJavaDecoder} for OpenAI Chat and
 * Responses, {@link AnthropicJavaDecoder} for Anthropic Messages) on the same bytes. One operation
 * decodes every response body of the format's corpus streams once, each with a fresh decoder and
 * accumulator, and hands every final message to the Blackhole.
 *
 * <p>The bodies are those of {@link DecodeCorpus} that both sides decode to a finished message:
 * a stream that ends in a provider error, or that either side rejects, measures an exception
 * path rather than decoding, and is left out (the counts are printed at setup).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar DecodeBenchmark -prof gc} (BENCHMARKS.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DecodeBenchmark {

  @Param({"CHAT", "RESPONSES", "ANTHROPIC"})
  public String format;

  private byte[][] bodies;
  private int bytes;
  private int events;
  private SluiceDecoder sluice;
  private ResponseDecoder sdk;

  @Setup(Level.Trial)
  public void setup() throws Throwable {
    setup(DecodeCorpus.Format.valueOf(format));
  }

  void setup(DecodeCorpus.Format format) {
    sluice = new SluiceDecoder(format);
    sdk = format == DecodeCorpus.Format.ANTHROPIC ? new AnthropicJavaDecoder()
        : new OpenAiJavaDecoder(format == DecodeCorpus.Format.CHAT);
    List<byte[]> all = DecodeCorpus.bodies(format);
    List<byte[]> kept = new ArrayList<>();
    for (byte[] body : all) {
      if (bothDecode(body)) {
        kept.add(body);
      }
    }
    bodies = kept.toArray(new byte[0][]);
    for (byte[] body : bodies) {
      bytes += body.length;
      events += sluice.events(body);
    }
    // Printed so allocation per event can be derived from gc.alloc.rate.norm (bytes per pass).
    System.out.printf("%s: %d of %d response bodies, %d bytes and %d SSE events per pass%n",
        format, bodies.length, all.size(), bytes, events);
  }

  private boolean bothDecode(byte[] body) {
    if (sluice.decode(body).failed()) {
      return false;
    }
    try {
      sdk.decode(body);
      return true;
    } catch (Throwable e) {
      return false;
    }
  }

  byte[][] bodies() {
    return bodies;
  }

  SluiceDecoder sluiceDecoder() {
    return sluice;
  }

  ResponseDecoder sdkDecoder() {
    return sdk;
  }

  @Benchmark
  public int sluice(Blackhole blackhole, SseReaderBenchmark.Rates rates) {
    long start = rates.start();
    for (byte[] body : bodies) {
      blackhole.consume(sluice.decode(body));
    }
    return (int) rates.count(start, bytes, events);
  }

  @Benchmark
  public int sdk(Blackhole blackhole, SseReaderBenchmark.Rates rates) throws Throwable {
    long start = rates.start();
    for (byte[] body : bodies) {
      blackhole.consume(sdk.decode(body));
    }
    return (int) rates.count(start, bytes, events);
  }
}
