package io.sluice.bench;

import io.sluice.core.codec.ChatDialect;
import io.sluice.core.codec.WireCodec;
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
 * The gateway's translation path, one wire format's stream to another's SSE bytes: sluice
 * ({@link SluiceTranslator}, what the gateway's {@code StreamRelay} does on a translated stream)
 * beside what a Java team would write with the official SDKs on the same bytes
 * ({@link AnthropicJavaToOpenAiJava}, {@link OpenAiJavaToAnthropicJava}). One operation translates every response body once,
 * each with a fresh translator state, into one reused {@link CountingSink}; the byte count goes
 * to the Blackhole.
 *
 * <p>The bodies are those {@link DecodeBenchmark} measures for the source format: the ones both
 * sluice and the source's SDK decode to a finished message (the counts are printed at setup).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar TranslateBenchmark -prof gc}
 * (BENCHMARKS.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TranslateBenchmark {

  /** A source format, a target format, and the SDK pair that translates between them. */
  enum Direction {
    ANTHROPIC_TO_CHAT(DecodeCorpus.Format.ANTHROPIC, WireCodec.anthropic(),
        WireCodec.openAiChat(ChatDialect.OPENAI)),
    CHAT_TO_ANTHROPIC(DecodeCorpus.Format.CHAT, WireCodec.openAiChat(ChatDialect.OPENAI),
        WireCodec.anthropic());

    final DecodeCorpus.Format source;
    private final WireCodec from;
    private final WireCodec to;

    Direction(DecodeCorpus.Format source, WireCodec from, WireCodec to) {
      this.source = source;
      this.from = from;
      this.to = to;
    }

    SluiceTranslator sluice() {
      return new SluiceTranslator(from, to);
    }

    ResponseTranslator sdk() {
      return this == ANTHROPIC_TO_CHAT ? new AnthropicJavaToOpenAiJava()
          : new OpenAiJavaToAnthropicJava();
    }
  }

  @Param({"ANTHROPIC_TO_CHAT", "CHAT_TO_ANTHROPIC"})
  public String direction;

  private byte[][] bodies;
  private int bytes;
  private int events;
  private ResponseTranslator sluice;
  private ResponseTranslator sdk;
  private final CountingSink sink = new CountingSink();

  @Setup(Level.Trial)
  public void setup() {
    setup(Direction.valueOf(direction));
  }

  void setup(Direction direction) {
    DecodeBenchmark decode = new DecodeBenchmark();
    decode.setup(direction.source);
    bodies = decode.bodies();
    for (byte[] body : bodies) {
      bytes += body.length;
      events += decode.sluiceDecoder().events(body);
    }
    sluice = direction.sluice();
    sdk = direction.sdk();
    // Printed so allocation per event can be derived from gc.alloc.rate.norm (bytes per pass).
    System.out.printf("%s: %d response bodies, %d bytes and %d SSE events per pass%n",
        direction, bodies.length, bytes, events);
  }

  byte[][] bodies() {
    return bodies;
  }

  ResponseTranslator sluiceTranslator() {
    return sluice;
  }

  ResponseTranslator sdkTranslator() {
    return sdk;
  }

  @Benchmark
  public int sluice(Blackhole blackhole, SseReaderBenchmark.Rates rates) throws Throwable {
    return pass(sluice, blackhole, rates);
  }

  @Benchmark
  public int sdk(Blackhole blackhole, SseReaderBenchmark.Rates rates) throws Throwable {
    return pass(sdk, blackhole, rates);
  }

  private int pass(ResponseTranslator translator, Blackhole blackhole,
      SseReaderBenchmark.Rates rates) throws Throwable {
    long start = rates.start();
    sink.reset();
    for (byte[] body : bodies) {
      translator.translate(body, sink);
    }
    blackhole.consume(sink.bytes);
    blackhole.consume(sink.check);
    return (int) rates.count(start, bytes, events);
  }
}
