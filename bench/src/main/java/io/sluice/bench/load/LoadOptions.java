package io.sluice.bench.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The harness's command line (docs/benchmarks-load.md lists every option with its default).
 *
 * @param tps the mock's tokens per second per stream; negative means {@link #autoTps}
 * @param rampSeconds negative means {@link #autoRamp}
 * @param jitWarmupSeconds before the first scenario, each path carries 200 streams of the first
 *     scenario for this long, unmeasured, so that no JIT compiler's CPU time is counted; 0: none
 *     at all, every server (the mock too) meets the first run as it started
 * @param jitSettleSeconds after the JIT warm-up, each JVM goes on with the first scenario until
 *     its compilers settle, for at most this long; 0: the fixed warm-up alone, as before round 6
 * @param cold the JIT warm-up (if any) runs on the direct path only, so that the mock is warm and
 *     the gateways under test meet the first run as they started, as a gateway just deployed or
 *     scaled up meets its first burst
 * @param minStreams a window lasts until at least this many streams ended in it (at most 60 s
 *     more), and so does the JIT warm-up; 0 keeps windows to their length
 * @param streamIdleMillis a stream that receives nothing for this long fails (an error)
 * @param gatewayCpus the CPUs the gateways under test run on ({@code taskset -c}); "" for any
 * @param upstreamHttp2 the gateway calls the mock over HTTP/2 ({@code http2: true}), its streams
 *     sharing connections, instead of one HTTP/1.1 connection per stream
 * @param nginx the nginx program: a path, or a name looked up on the PATH and in /usr/sbin
 */
record LoadOptions(
    List<Integer> streams, List<Integer> events, List<String> modes, List<String> paths,
    int runs, double tps, double warmupSeconds, double windowSeconds, double rampSeconds,
    int eventLoops, List<String> gatewayJvm, List<String> mockJvm, Path scratch, Path portkeyDir,
    String portkeyVersion, boolean inProcess, Path markdown, double jitWarmupSeconds,
    double jitSettleSeconds, int minStreams, long streamIdleMillis, String gatewayCpus,
    boolean upstreamHttp2, String nginx, boolean cold) {

  static final List<String> ALL_PATHS = List.of("direct", "nginx", "sluice", "portkey");
  /**
   * Paths run only when named: the gateway with a limited gateway key on its in-process ledger
   * ({@code sluice-keyed}) and on a redis-server the harness starts ({@code sluice-redis}), to
   * show in one run what shared state adds; and {@code sluice-traced}, the gateway with tracing
   * on and every request sampled, its spans exported over OTLP to a sink in the same JVM, to show
   * beside {@code sluice} what tracing costs; {@code sluice-dashboard} and {@code sluice-reload}
   * likewise, with 50 dashboards open and a reload a second ({@link Variants}).
   */
  static final List<String> VARIANT_PATHS =
      List.of("sluice-traced", "sluice-dashboard", "sluice-reload");
  static final List<String> KEYED_PATHS = java.util.stream.Stream.concat(
      java.util.stream.Stream.of("sluice-keyed", "sluice-redis"), VARIANT_PATHS.stream()).toList();

  /**
   * The gateways' heap, sized up front as {@code bin/sluice} sizes it under a container's memory
   * limit. With a smaller initial heap, the {@code System.gc()} that reads the live heap before
   * each phase also shrinks it, and every run's burst would meet a heap growing through a run of
   * young collections, which no deployed gateway does. In huge pages and touched at the start, as
   * {@code bin/sluice gateway} asks for it.
   */
  static final List<String> GATEWAY_JVM = List.of("-Xms512m", "-Xmx512m",
      "-XX:+UseTransparentHugePages", "-XX:+AlwaysPreTouch");

  static LoadOptions defaults() {
    return new LoadOptions(List.of(1000), List.of(20), List.of("pass"), ALL_PATHS, 1, -1, 3,
        10, -1, 2, GATEWAY_JVM, List.of("-Xmx2g"), Path.of("/tmp/sluice-load"),
        Path.of("/tmp/sluice-portkey"), Portkey.DEFAULT_VERSION, false, null, 15, 60, 0, 60_000, "",
        false, "nginx", false);
  }

  static LoadOptions parse(String... args) {
    LoadOptions o = defaults();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--in-process")) {
        o = o.with(x -> x.inProcess = true);
        continue;
      }
      if (a.equals("--cold")) {
        o = o.with(x -> x.cold = true);
        continue;
      }
      if (a.equals("--upstream-http2")) {
        o = o.with(x -> x.upstreamHttp2 = true);
        continue;
      }
      if (a.equals("-h") || a.equals("--help")) {
        throw new IllegalArgumentException("usage");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args[++i];
      o = switch (a) {
        case "--streams" -> o.with(x -> x.streams = ints(v));
        case "--events" -> o.with(x -> x.events = ints(v));
        case "--mode" -> o.with(x -> x.modes = words(v, List.of("pass", "translated")));
        case "--paths" -> o.with(x -> x.paths = words(v, java.util.stream.Stream.concat(
            ALL_PATHS.stream(), KEYED_PATHS.stream()).toList()));
        case "--runs" -> o.with(x -> x.runs = Integer.parseInt(v));
        case "--tps" -> o.with(x -> x.tps = v.equals("auto") ? -1 : Double.parseDouble(v));
        case "--warmup" -> o.with(x -> x.warmup = Double.parseDouble(v));
        case "--window" -> o.with(x -> x.window = Double.parseDouble(v));
        case "--ramp" -> o.with(x -> x.ramp = v.equals("auto") ? -1 : Double.parseDouble(v));
        case "--event-loops" -> o.with(x -> x.eventLoops = Integer.parseInt(v));
        case "--gateway-jvm" -> o.with(x -> x.gatewayJvm = jvm(v));
        case "--mock-jvm" -> o.with(x -> x.mockJvm = jvm(v));
        case "--scratch" -> o.with(x -> x.scratch = Path.of(v));
        case "--portkey-dir" -> o.with(x -> x.portkeyDir = Path.of(v));
        case "--portkey-version" -> o.with(x -> x.portkeyVersion = v);
        case "--markdown" -> o.with(x -> x.markdown = Path.of(v));
        case "--jit-warmup" -> o.with(x -> x.jitWarmup = Double.parseDouble(v));
        case "--jit-settle" -> o.with(x -> x.jitSettle = Double.parseDouble(v));
        case "--min-streams" -> o.with(x -> x.minStreams = Integer.parseInt(v));
        case "--stream-idle" -> o.with(x -> x.streamIdle = (long) (Double.parseDouble(v) * 1000));
        case "--gateway-cpus" -> o.with(x -> x.gatewayCpus = cpus(v));
        case "--nginx" -> o.with(x -> x.nginx = v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      };
    }
    return o;
  }

  /**
   * Unless {@code --tps} says otherwise: 100 tokens a second per stream (a fast model), lowered so
   * that all streams together ask for at most 20,000 events a second, a load the two cores can
   * carry three times over (mock, gateway, clients) without the clients measuring their own wait.
   */
  double tpsFor(int streamCount) {
    return tps >= 0 ? tps : autoTps(streamCount);
  }

  static double autoTps(int streamCount) {
    return Math.max(1, Math.min(100, 20_000.0 / streamCount));
  }

  /**
   * Streams start spread over the ramp: over one stream's length (tokens ÷ tokens per second), so
   * that in the closed loop the streams keep starting at an even rate instead of all together,
   * once per stream length; at least 1 s per 2,000 streams (at most 5 s); at most 10 s.
   */
  double rampFor(int streamCount, int events) {
    return rampSeconds >= 0 ? rampSeconds : autoRamp(streamCount, events, tpsFor(streamCount));
  }

  static double autoRamp(int streamCount, int events, double tps) {
    double streamSeconds = tps > 0 ? events / tps : 0;
    return Math.min(10, Math.max(Math.min(5, streamCount / 2000.0), streamSeconds));
  }

  private static List<Integer> ints(String v) {
    List<Integer> out = new ArrayList<>();
    for (String s : v.split(",")) {
      out.add(Integer.parseInt(s.trim().replace("_", "")));
    }
    return out;
  }

  private static List<String> words(String v, List<String> allowed) {
    List<String> out = new ArrayList<>();
    for (String s : v.split(",")) {
      String w = s.trim();
      if (!allowed.contains(w)) {
        throw new IllegalArgumentException("'" + w + "' is not one of " + allowed);
      }
      out.add(w);
    }
    return out;
  }

  private static String cpus(String v) {
    if (!v.matches("[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*")) {
      throw new IllegalArgumentException("--gateway-cpus takes a CPU list such as 1 or 2-3, not " + v);
    }
    return v;
  }

  private static List<String> jvm(String v) {
    return v.isBlank() ? List.of() : Arrays.asList(v.trim().split("\\s+"));
  }

  /** A mutable copy, so that parse can set one field at a time. */
  private static final class Builder {
    List<Integer> streams;
    List<Integer> events;
    List<String> modes;
    List<String> paths;
    int runs;
    double tps;
    double warmup;
    double window;
    double ramp;
    int eventLoops;
    List<String> gatewayJvm;
    List<String> mockJvm;
    Path scratch;
    Path portkeyDir;
    String portkeyVersion;
    boolean inProcess;
    Path markdown;
    double jitWarmup;
    double jitSettle;
    int minStreams;
    long streamIdle;
    String gatewayCpus;
    boolean upstreamHttp2;
    String nginx;
    boolean cold;
  }

  private LoadOptions with(java.util.function.Consumer<Builder> change) {
    Builder b = new Builder();
    b.streams = streams;
    b.events = events;
    b.modes = modes;
    b.paths = paths;
    b.runs = runs;
    b.tps = tps;
    b.warmup = warmupSeconds;
    b.window = windowSeconds;
    b.ramp = rampSeconds;
    b.eventLoops = eventLoops;
    b.gatewayJvm = gatewayJvm;
    b.mockJvm = mockJvm;
    b.scratch = scratch;
    b.portkeyDir = portkeyDir;
    b.portkeyVersion = portkeyVersion;
    b.inProcess = inProcess;
    b.markdown = markdown;
    b.jitWarmup = jitWarmupSeconds;
    b.jitSettle = jitSettleSeconds;
    b.minStreams = minStreams;
    b.streamIdle = streamIdleMillis;
    b.gatewayCpus = gatewayCpus;
    b.upstreamHttp2 = upstreamHttp2;
    b.nginx = nginx;
    b.cold = cold;
    change.accept(b);
    return new LoadOptions(b.streams, b.events, b.modes, b.paths, b.runs, b.tps, b.warmup,
        b.window, b.ramp, b.eventLoops, b.gatewayJvm, b.mockJvm, b.scratch, b.portkeyDir,
        b.portkeyVersion, b.inProcess, b.markdown, b.jitWarmup, b.jitSettle, b.minStreams,
        b.streamIdle, b.gatewayCpus, b.upstreamHttp2, b.nginx, b.cold);
  }
}
