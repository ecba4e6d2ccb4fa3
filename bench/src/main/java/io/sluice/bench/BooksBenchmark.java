package io.sluice.bench;

import io.sluice.core.codec.DecoderOptions;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.sse.SseListener;
import io.sluice.core.sse.SseReader;
import io.sluice.gateway.internal.accounting.Accounting;
import io.sluice.gateway.internal.exchange.BooksReader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the gateway's books cost per relayed event of a passed-through Chat stream: the upstream's
 * reads (one event each, as a paced provider sends them: the load harness's mock's chunks) through
 * the SSE reader into the books, by the Chat decoder alone ({@code decoder}) or by the gateway's
 * {@link BooksReader} ({@code books}). One operation is one stream of {@link #tokens} text chunks
 * plus its first, finish, usage and {@code [DONE]} events, with a fresh reader and books, as a
 * stream has; {@code gc.alloc.rate.norm} ÷ the events per stream (printed at setup) is the
 * allocation per event, stream set-up included.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar BooksBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s
 * -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BooksBenchmark {

  @Param({"20", "200"})
  public int tokens;

  @Param({"decoder", "books"})
  public String way;

  private byte[][] reads;

  @Setup
  public void setup() {
    reads = stream(tokens).toArray(new byte[0][]);
    System.out.printf("%d events per stream%n", reads.length);
  }

  /** The events of one stream as the mock sends them, one per read. */
  static List<byte[]> stream(int tokens) {
    List<byte[]> reads = new ArrayList<>();
    String head = "{\"id\":\"chatcmpl-5f1c2a\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1765000000,\"model\":\"sluice-bench\",\"choices\":[{\"index\":0,\"delta\":{";
    reads.add(event(head + "\"role\":\"assistant\",\"content\":\"Rivers\"},\"finish_reason\":null}]}"));
    for (int i = 1; i < tokens; i++) {
      reads.add(event(head + "\"content\":\" word" + (i % 10) + "\"},\"finish_reason\":null}]}"));
    }
    reads.add(event(head + "},\"finish_reason\":\"stop\"}]}"));
    reads.add(event("{\"id\":\"chatcmpl-5f1c2a\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1765000000,\"model\":\"sluice-bench\",\"choices\":[],\"usage\":"
        + "{\"prompt_tokens\":12,\"completion_tokens\":" + tokens + ",\"total_tokens\":"
        + (12 + tokens) + "}}"));
    reads.add(event("[DONE]"));
    return reads;
  }

  private static byte[] event(String data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  @Benchmark
  public Accounting.Summary relay() {
    Accounting books = new Accounting(0, false);
    DecoderOptions options = DecoderOptions.skipMalformed(books::malformedSkipped);
    WireCodec codec = WireCodec.of(io.sluice.core.codec.WireFormat.OPENAI_CHAT);
    SseListener listener = way.equals("books")
        ? new BooksReader(codec, options, books, books::textDelta, false)
        : codec.decoder(books, options);
    SseReader reader = SseReader.create(listener);
    for (byte[] read : reads) {
      reader.feed(read, 0, read.length);
    }
    reader.end();
    return books.summary();
  }
}
