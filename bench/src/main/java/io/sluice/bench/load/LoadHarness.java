package io.sluice.bench.load;

import io.sluice.bench.load.LoadGenerator.Endpoint;
import io.sluice.bench.load.LoadGenerator.Phase;
import io.sluice.bench.load.LoadGenerator.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The gateway load harness (docs/benchmarks-load.md): the same streaming clients straight to the
 * simulated provider, through nginx (the floor: a relay that reads nothing), through the sluice
 * gateway and through Portkey, one after the other in the same run, each server in a process of its own, and the added latency and the costs of each
 * gateway as differences and ratios.
 *
 * <pre>
 * ./mvnw -q -ntp -DskipTests -pl bench -am package
 * java -cp bench/target/benchmarks.jar io.sluice.bench.load.LoadHarness --streams 1000 --runs 3
 * </pre>
 */
public final class LoadHarness {

  private final LoadOptions options;

  LoadHarness(LoadOptions options) {
    this.options = options;
  }

  /** Held so that the settings stick: java.util.logging keeps loggers weakly. */
  private static final java.util.logging.Logger VERTX_LOG =
      java.util.logging.Logger.getLogger("io.vertx");

  public static void main(String[] args) {
    // A reset connection is counted as an error of its path; one log line each would drown the run.
    VERTX_LOG.setLevel(java.util.logging.Level.OFF);
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("load: " + e.getMessage() + "; see docs/benchmarks-load.md for the options");
      System.exit(1);
      return;
    }
    String before = Machine.loadAverage();
    List<ScenarioReport> reports;
    try {
      reports = new LoadHarness(options).run();
    } catch (LoadGenerator.Stalled e) {
      System.err.println("load: " + e.getMessage());
      System.exit(1);
      return;
    }
    String md = Report.markdown(reports, options, Machine.describe(String.join(" ", args), before));
    System.out.println(md);
    if (options.markdown() != null) {
      try {
        Files.writeString(options.markdown(), md + "\n", StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    System.exit(0);
  }

  /** One scenario: how many streams, how many tokens each, and whether the gateway translates. */
  record Scenario(int streams, int events, boolean translated, double tps) {
    String title() {
      return String.format("%,d streams × %,d tokens, %s, %s tok/s per stream", streams, events,
          translated ? "translated (OpenAI Chat client → Anthropic upstream)" : "pass-through",
          Report.num(tps));
    }
  }

  /** What one path did in one run, with its server's costs. */
  record PathResult(String path, Result clients, double cpuSeconds, double systemSeconds,
      double jitSeconds, double rssIdle, double rssLoaded, double heapIdle, double heapLoaded,
      double allocated) {

    /** The share of the window's CPU time that went to compiling (JVMs only), in percent. */
    double jitShare() {
      return cpuSeconds <= 0 ? Double.NaN : 100 * jitSeconds / cpuSeconds;
    }

    /**
     * The share of the window's CPU time spent in the kernel, in percent: what the same reads,
     * writes and wake-ups cost any proxy, against the user-space rest that is the server's own.
     */
    double systemShare() {
      return cpuSeconds <= 0 ? Double.NaN : 100 * systemSeconds / cpuSeconds;
    }

    /** Bytes the server allocated in the window per token event relayed (JVMs only). */
    double allocatedPerEvent() {
      return clients.textEvents() == 0 ? Double.NaN : allocated / clients.textEvents();
    }

    double cpuPer1000Streams() {
      return clients.completed() == 0 ? Double.NaN : cpuSeconds / clients.completed() * 1000;
    }

    double cpuPerMillionEvents() {
      return clients.textEvents() == 0 ? Double.NaN : cpuSeconds / clients.textEvents() * 1e6;
    }

    double rssPerStream() {
      return perStream(rssLoaded - rssIdle);
    }

    double heapPerStream() {
      return perStream(heapLoaded - heapIdle);
    }

    private double perStream(double bytes) {
      return clients.openAtEnd() == 0 ? Double.NaN : bytes / clients.openAtEnd();
    }
  }

  /** Every run of one scenario: per run, the result of each path. */
  record ScenarioReport(Scenario scenario, List<Map<String, PathResult>> runs, String note) {}

  List<ScenarioReport> run() {
    Path scratch = options.scratch();
    List<ScenarioReport> reports = new ArrayList<>();
    Server mock = null;
    Server gateway = null;
    // The plain gateway with one feature at work (Variants), by path name.
    Map<String, Server> variants = new LinkedHashMap<>();
    Server portkey = null;
    Server nginx = null;
    Server keyed = null;
    Server redis = null;
    Server shared = null;
    List<String> notes = new ArrayList<>();
    try (LoadGenerator clients = new LoadGenerator(options.eventLoops())) {
      if (options.inProcess()) {
        mock = InProcess.mock();
      } else {
        mock = ChildProcess.jvm("mock", "", options.mockJvm(), scratch.resolve("mock.log"),
            "mock", "0");
      }
      String mockBase = "http://127.0.0.1:" + mock.port() + "/v1";
      if (options.paths().contains("nginx")) {
        Optional<Path> program = Nginx.find(options.nginx());
        if (program.isPresent()) {
          nginx = Nginx.start(program.get(), mock.port(), options.gatewayCpus(), scratch);
        } else {
          String note = "nginx skipped: `" + options.nginx() + "` is not installed (Debian:"
              + " `apt-get install nginx`; or `--nginx PATH`)";
          notes.add(note);
          System.err.println("load: " + note);
        }
      }
      if (options.paths().contains("sluice")) {
        gateway = options.inProcess() ? InProcess.gateway(mockBase, options.upstreamHttp2())
            : ChildProcess.jvm("sluice", options.gatewayCpus(), options.gatewayJvm(),
                scratch.resolve("gateway.log"),
                "gateway", "0", mockBase, options.upstreamHttp2() ? "http2" : "http1");
      }
      String http = options.upstreamHttp2() ? "http2" : "http1";
      if (options.paths().contains("sluice-keyed")) {
        keyed = ChildProcess.jvm("sluice-keyed", options.gatewayCpus(), options.gatewayJvm(),
            scratch.resolve("gateway-keyed.log"), "gateway", "0", mockBase, http, "keyed");
      }
      if (options.paths().contains("sluice-redis")) {
        Optional<Path> program = Nginx.find("redis-server");
        if (program.isPresent()) {
          int port = Portkey.freePort();
          redis = ChildProcess.program("redis", new ProcessBuilder(program.get().toString(),
              "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
              "--appendonly", "no"), port, scratch.resolve("redis.log"));
          shared = ChildProcess.jvm("sluice-redis", options.gatewayCpus(), options.gatewayJvm(),
              scratch.resolve("gateway-redis.log"), "gateway", "0", mockBase, http,
              "redis://127.0.0.1:" + port);
        } else {
          String note = "sluice-redis skipped: redis-server is not installed (Debian:"
              + " `apt-get install redis-server`)";
          notes.add(note);
          System.err.println("load: " + note);
        }
      }
      for (String variant : LoadOptions.VARIANT_PATHS) {
        if (options.paths().contains(variant)) {
          String feature = variant.substring("sluice-".length());
          variants.put(variant, ChildProcess.jvm(variant, options.gatewayCpus(),
              options.gatewayJvm(), scratch.resolve("gateway-" + feature + ".log"), "gateway",
              "0", mockBase, http, feature));
        }
      }
      if (options.paths().contains("portkey")) {
        StringBuilder why = new StringBuilder();
        Optional<Path> entry = options.inProcess() ? Optional.empty()
            : Portkey.install(options.portkeyDir(), options.portkeyVersion(), why);
        if (entry.isPresent()) {
          portkey = Portkey.start(entry.get(), options.gatewayCpus(),
              scratch.resolve("portkey.log"));
        } else {
          String note = "Portkey skipped: " + (options.inProcess() ? "in-process run" : why);
          notes.add(note);
          System.err.println("load: " + note);
        }
      }
      if (options.jitWarmupSeconds() > 0) {
        Scenario first = new Scenario(Math.min(200, options.streams().get(0)),
            options.events().get(0), false, LoadOptions.autoTps(200));
        Map<Endpoint, Server> all = new LinkedHashMap<>();
        all.put(direct(mock), mock);
        if (gateway != null) {
          all.put(viaSluice(gateway), gateway);
        }
        if (keyed != null) {
          all.put(keyed(keyed), keyed);
        }
        if (shared != null) {
          all.put(keyed(shared), shared);
        }
        if (portkey != null) {
          all.put(viaPortkey(portkey, mockBase, false), portkey);
        }
        for (Map.Entry<String, Server> v : variants.entrySet()) {
          all.put(viaSluice(v.getValue(), v.getKey()), v.getValue());
        }
        for (Map.Entry<Endpoint, Server> warm : all.entrySet()) {
          Endpoint e = warm.getKey();
          if (options.cold() && warm.getValue() != mock) {
            continue; // the mock only: the gateways meet run 1 as they started
          }
          System.err.println("load: JIT warm-up of " + e.name() + ", "
              + Report.num(options.jitWarmupSeconds()) + " s");
          // Until --min-streams streams have ended too: a path's first streams pay for its
          // cold start (class loading, the interpreter, the first upstream connection), which
          // on a busy machine takes longer than a stream may be silent.
          clients.run(e, new Phase(first.streams(), body(first), mockHeader(first), 0, 0,
              seconds(options.jitWarmupSeconds()), options.minStreams(),
              options.streamIdleMillis()), NO_PROBE);
          settle(clients, e, warm.getValue(), notes);
        }
      }
      for (int streams : options.streams()) {
        for (int events : options.events()) {
          for (String mode : options.modes()) {
            Scenario s = new Scenario(streams, events, mode.equals("translated"),
                options.tpsFor(streams));
            List<Map<String, PathResult>> runs = new ArrayList<>();
            for (int r = 1; r <= options.runs(); r++) {
              Map<String, PathResult> byPath = new LinkedHashMap<>();
              byPath.put("direct", measure(clients, s, mock, direct(mock), r));
              if (nginx != null) {
                byPath.put("nginx", measure(clients, s, nginx, viaNginx(nginx), r));
              }
              if (gateway != null) {
                byPath.put("sluice", measure(clients, s, gateway, viaSluice(gateway), r));
              }
              if (keyed != null) {
                byPath.put("sluice-keyed", measure(clients, s, keyed, keyed(keyed), r));
              }
              if (shared != null) {
                byPath.put("sluice-redis", measure(clients, s, shared, keyed(shared), r));
              }
              for (Map.Entry<String, Server> v : variants.entrySet()) {
                byPath.put(v.getKey(), measure(clients, s, v.getValue(),
                    viaSluice(v.getValue(), v.getKey()), r));
              }
              if (portkey != null) {
                byPath.put("portkey", measure(clients, s, portkey,
                    viaPortkey(portkey, mockBase, s.translated()), r));
              }
              runs.add(byPath);
            }
            reports.add(new ScenarioReport(s, runs, String.join("\n\n", notes)));
          }
        }
      }
    } finally {
      List<Server> all = new ArrayList<>(variants.values());
      all.addAll(java.util.Arrays.asList(portkey, shared, redis, keyed, gateway, nginx, mock));
      for (Server server : all) {
        if (server != null) {
          server.close();
        }
      }
    }
    return reports;
  }

  /** Settled: the compilers used at most this share of one core over a step of the scenario. */
  private static final double SETTLED_SHARE = 0.02;

  /**
   * Goes on warming a JVM with the first scenario itself, a step at a time, until its JIT
   * compilers have settled. A fixed warm-up at a paced load leaves C2 busy into the first run
   * (at 1,000 streams × 2 tok/s it compiled for about half of the gateway's CPU time in run 1
   * and a fifth in run 2), and a window would count that one-time cost as the cost of each
   * event; the compilers' share of each window is reported beside it (`JIT % of CPU`).
   */
  private void settle(LoadGenerator clients, Endpoint e, Server server, List<String> notes) {
    double before = server.jitCpuSeconds();
    if (Double.isNaN(before) || options.jitSettleSeconds() <= 0) {
      return; // not a JVM the harness can read, or --jit-settle 0
    }
    int streams = Math.min(1000, options.streams().get(0));
    Scenario s = new Scenario(streams, options.events().get(0),
        options.modes().get(0).equals("translated"), options.tpsFor(streams));
    double ramp = options.rampFor(s.streams(), s.events());
    double window = 5;
    long start = System.nanoTime();
    while (true) {
      clients.run(e, new Phase(s.streams(), body(s), mockHeader(s), seconds(ramp), 0,
          seconds(window), 0, options.streamIdleMillis()), NO_PROBE);
      double after = server.jitCpuSeconds();
      double used = after - before;
      before = after;
      double elapsed = (System.nanoTime() - start) / 1e9;
      if (used <= SETTLED_SHARE * (ramp + window)) {
        System.err.println("load: " + e.name() + "'s JIT settled after " + Report.num(elapsed)
            + " s more (" + Report.num(used) + " CPU s compiling in the last "
            + Report.num(ramp + window) + " s)");
        return;
      }
      if (elapsed >= options.jitSettleSeconds()) {
        String note = e.name() + "'s JIT had not settled after " + Report.num(elapsed)
            + " s more of warm-up (" + Report.num(used) + " CPU s compiling in the last "
            + Report.num(ramp + window) + " s)";
        notes.add(note);
        System.err.println("load: " + note);
        return;
      }
    }
  }

  private static final LoadGenerator.Probe NO_PROBE = new LoadGenerator.Probe() {
    @Override
    public void windowStarts() {}

    @Override
    public void windowEnds(int openStreams) {}
  };

  private PathResult measure(LoadGenerator clients, Scenario s, Server server, Endpoint endpoint,
      int run) {
    // Let the previous phase's connections close before the idle figures are taken.
    LoadGenerator.parkUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500));
    double rssIdle = server.rssBytes();
    double heapIdle = server.liveHeapBytes();
    double[] cpu = new double[2];
    double[] sys = new double[2];
    double[] jit = new double[2];
    double[] alloc = new double[2];
    double[] loaded = new double[2];
    Phase phase = new Phase(s.streams(), body(s), mockHeader(s),
        seconds(options.rampFor(s.streams(), s.events())), seconds(options.warmupSeconds()),
        seconds(options.windowSeconds()), options.minStreams(), options.streamIdleMillis());
    Result result = clients.run(endpoint, phase, new LoadGenerator.Probe() {
      @Override
      public void windowStarts() {
        cpu[0] = server.cpuSeconds();
        sys[0] = server.systemCpuSeconds();
        jit[0] = server.jitCpuSeconds();
        alloc[0] = server.allocatedBytes();
      }

      @Override
      public void windowEnds(int openStreams) {
        cpu[1] = server.cpuSeconds();
        sys[1] = server.systemCpuSeconds();
        jit[1] = server.jitCpuSeconds();
        alloc[1] = server.allocatedBytes();
        loaded[0] = server.rssBytes();
        loaded[1] = server.liveHeapBytes();
      }
    });
    PathResult p = new PathResult(endpoint.name(), result, cpu[1] - cpu[0],
        sys[1] - sys[0], jit[1] - jit[0], rssIdle, loaded[0],
        heapIdle, loaded[1], alloc[1] - alloc[0]);
    System.err.println("load: run " + run + " " + s.title() + " " + Report.oneLine(p));
    return p;
  }

  private static long seconds(double s) {
    return (long) (s * 1e9);
  }

  /** The body every client sends: an OpenAI Chat streaming request. */
  static String body(Scenario s) {
    String model = s.translated() ? ServerMain.TRANSLATED_MODEL : "sluice-bench";
    return "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":" + (s.events() + 100)
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about rivers.\"}]}";
  }

  /** What the simulated provider is asked to do: no wait, then the scenario's pace and length. */
  static String mockHeader(Scenario s) {
    return "ttft=0, tps=" + Report.num(s.tps()) + ", tokens=" + s.events();
  }

  static Endpoint direct(Server mock) {
    return new Endpoint("direct", mock.host(), mock.port(), "/v1/chat/completions", Map.of());
  }

  /** nginx relays the same request to the mock's Chat endpoint, translated scenario or not. */
  static Endpoint viaNginx(Server nginx) {
    return new Endpoint("nginx", nginx.host(), nginx.port(), "/v1/chat/completions", Map.of());
  }

  static Endpoint viaSluice(Server gateway) {
    return viaSluice(gateway, "sluice");
  }

  static Endpoint viaSluice(Server gateway, String name) {
    return new Endpoint(name, gateway.host(), gateway.port(), "/v1/chat/completions", Map.of());
  }

  /** A keyed gateway: the same request with the bench's gateway key. */
  static Endpoint keyed(Server gateway) {
    return new Endpoint(gateway.name(), gateway.host(), gateway.port(), "/v1/chat/completions",
        Map.of("Authorization", "Bearer " + ServerMain.BENCH_KEY));
  }

  static Endpoint viaPortkey(Server portkey, String mockBase, boolean translated) {
    return new Endpoint("portkey", portkey.host(), portkey.port(), "/v1/chat/completions",
        Portkey.headers(mockBase, translated));
  }
}
