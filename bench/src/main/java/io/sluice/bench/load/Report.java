package io.sluice.bench.load;

import io.sluice.bench.load.LoadHarness.PathResult;
import io.sluice.bench.load.LoadHarness.ScenarioReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Markdown tables of a harness run: per scenario, the median over runs of each path's figures,
 * then each gateway's added latency (its percentile minus the direct path's percentile in the same
 * run, then the median of those differences over runs), sluice's figures as multiples of nginx's
 * (the floor: a relay that reads nothing) and Portkey's as multiples of sluice's.
 */
final class Report {
  private Report() {}

  private record Metric(String header, ToDoubleFunction<PathResult> value) {}

  private static final List<Metric> LATENCY = List.of(
      new Metric("TTFT p50 ms", p -> ms(p.clients().ttft(), 50)),
      new Metric("TTFT p99 ms", p -> ms(p.clients().ttft(), 99)),
      new Metric("TTFT p99.9 ms", p -> ms(p.clients().ttft(), 99.9)),
      new Metric("gap p50 ms", p -> ms(p.clients().gaps(), 50)),
      new Metric("gap p99 ms", p -> ms(p.clients().gaps(), 99)),
      new Metric("gap p99.9 ms", p -> ms(p.clients().gaps(), 99.9)));

  private static final List<Metric> COSTS = List.of(
      new Metric("streams/s", p -> p.clients().streamsPerSecond()),
      new Metric("events/s", p -> p.clients().eventsPerSecond()),
      new Metric("CPU s per 1k streams", PathResult::cpuPer1000Streams),
      new Metric("CPU s per 1M events", PathResult::cpuPerMillionEvents),
      new Metric("kernel % of CPU", PathResult::systemShare),
      new Metric("JIT % of CPU", PathResult::jitShare),
      new Metric("alloc B/event", PathResult::allocatedPerEvent),
      new Metric("open streams", p -> p.clients().openAtEnd()),
      new Metric("RSS KB/stream", p -> p.rssPerStream() / 1024),
      new Metric("heap KB/stream", p -> p.heapPerStream() / 1024),
      new Metric("live heap MB", p -> p.heapLoaded() / (1 << 20)),
      new Metric("errors", p -> p.clients().errors() + p.clients().incomplete()));

  static String markdown(List<ScenarioReport> reports, LoadOptions options, String machine) {
    StringBuilder sb = new StringBuilder();
    sb.append(machine).append("\n\n");
    for (ScenarioReport r : reports) {
      sb.append("#### ").append(r.scenario().title()).append("\n\n");
      sb.append("Medians of ").append(r.runs().size()).append(r.runs().size() == 1 ? " run" : " runs")
          .append("; window ").append(num(options.windowSeconds())).append(" s after ")
          .append(num(options.rampFor(r.scenario().streams(), r.scenario().events()))).append(" s ramp and ")
          .append(num(options.warmupSeconds())).append(" s warm-up. Direct = clients straight to"
              + " the mock; its CPU and memory columns are the mock's.")
          .append(options.upstreamHttp2()
              ? " The gateway calls the mock over HTTP/2 (`http2: true`).\n\n" : "\n\n");
      table(sb, r, LATENCY);
      sb.append('\n');
      table(sb, r, COSTS);
      sb.append('\n');
      added(sb, r);
      eachRun(sb, r, options);
      if (!r.note().isEmpty()) {
        sb.append("\n").append(r.note()).append("\n");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static void table(StringBuilder sb, ScenarioReport r, List<Metric> metrics) {
    sb.append("| path |");
    metrics.forEach(m -> sb.append(' ').append(m.header()).append(" |"));
    sb.append("\n|---|");
    metrics.forEach(m -> sb.append("---:|"));
    sb.append('\n');
    for (String path : r.runs().get(0).keySet()) {
      sb.append("| ").append(path).append(" |");
      for (Metric m : metrics) {
        sb.append(' ').append(num(median(r.runs(), run -> m.value().applyAsDouble(run.get(path)))))
            .append(" |");
      }
      sb.append('\n');
    }
  }

  private static void added(StringBuilder sb, ScenarioReport r) {
    Map<String, PathResult> first = r.runs().get(0);
    List<String> gateways = first.keySet().stream().filter(p -> !p.equals("direct")).toList();
    if (gateways.isEmpty()) {
      return;
    }
    sb.append("| added by (same-run difference) |");
    LATENCY.forEach(m -> sb.append(' ').append(m.header()).append(" |"));
    sb.append("\n|---|");
    LATENCY.forEach(m -> sb.append("---:|"));
    sb.append('\n');
    for (String g : gateways) {
      sb.append("| ").append(g).append(" |");
      for (Metric m : LATENCY) {
        sb.append(' ').append(num(median(r.runs(), run -> m.value().applyAsDouble(run.get(g))
            - m.value().applyAsDouble(run.get("direct"))))).append(" |");
      }
      sb.append('\n');
    }
    if (first.containsKey("sluice") && first.containsKey("nginx")) {
      sb.append("\nsluice ÷ nginx, same run: added TTFT p50 ")
          .append(ratio(r, LATENCY.get(0), true, "sluice", "nginx")).append("× (")
          .append(signed(difference(r, LATENCY.get(0), "sluice", "nginx")))
          .append(" ms), added TTFT p99 ")
          .append(ratio(r, LATENCY.get(1), true, "sluice", "nginx")).append("× (")
          .append(signed(difference(r, LATENCY.get(1), "sluice", "nginx")))
          .append(" ms), CPU per 1M events ")
          .append(ratio(r, COSTS.get(3), false, "sluice", "nginx")).append("×, CPU per 1k streams ")
          .append(ratio(r, COSTS.get(2), false, "sluice", "nginx")).append("×, RSS per stream ")
          .append(ratio(r, COSTS.get(6), false, "sluice", "nginx")).append("×.\n");
    }
    if (first.containsKey("sluice-keyed") && first.containsKey("sluice-redis")) {
      sb.append("\nShared state on Redis against the in-process ledger, same run (median of the"
          + " per-run differences): TTFT p50 ")
          .append(signed(difference(r, LATENCY.get(0), "sluice-redis", "sluice-keyed")))
          .append(" ms, TTFT p99 ")
          .append(signed(difference(r, LATENCY.get(1), "sluice-redis", "sluice-keyed")))
          .append(" ms, CPU per 1k streams ")
          .append(ratio(r, COSTS.get(2), false, "sluice-redis", "sluice-keyed")).append("×.\n");
    }
    for (String feature : LoadOptions.VARIANT_PATHS) {
      if (first.containsKey("sluice") && first.containsKey(feature)) {
        sb.append('\n').append(feature).append(" against sluice, same run (median of the per-run"
                + " differences): TTFT p50 ")
            .append(signed(difference(r, LATENCY.get(0), feature, "sluice")))
            .append(" ms, TTFT p99 ")
            .append(signed(difference(r, LATENCY.get(1), feature, "sluice")))
            .append(" ms, CPU per 1M events ")
            .append(ratio(r, COSTS.get(3), false, feature, "sluice")).append("×, CPU per 1k streams ")
            .append(ratio(r, COSTS.get(2), false, feature, "sluice")).append("×.\n");
      }
    }
    if (first.containsKey("sluice") && first.containsKey("portkey")) {
      sb.append("\nPortkey ÷ sluice, same run: added TTFT p50 ")
          .append(ratio(r, LATENCY.get(0), true, "portkey", "sluice")).append("×, added TTFT p99 ")
          .append(ratio(r, LATENCY.get(1), true, "portkey", "sluice")).append("×, added gap p99 ")
          .append(ratio(r, LATENCY.get(4), true, "portkey", "sluice")).append("×, streams/s ")
          .append(ratio(r, COSTS.get(0), false, "portkey", "sluice")).append("×, CPU per 1k streams ")
          .append(ratio(r, COSTS.get(2), false, "portkey", "sluice")).append("×, CPU per 1M events ")
          .append(ratio(r, COSTS.get(3), false, "portkey", "sluice")).append("×, RSS per stream ")
          .append(ratio(r, COSTS.get(6), false, "portkey", "sluice")).append("×.\n");
    }
  }

  /**
   * Each run's TTFT p50 / p99 and errors per path, beside the worst run: the direct path's own
   * figures, each gateway's added to them in the same run. A median of three hides a first run
   * that is ten times slower than the others; a target "in every run" is read from the worst.
   */
  private static void eachRun(StringBuilder sb, ScenarioReport r, LoadOptions options) {
    List<Map<String, PathResult>> runs = r.runs();
    sb.append("\nEach run: TTFT p50 / p99 ms (errors); the gateways' figures are what they add to"
        + " the direct path's in the same run. Run 1 ");
    if (options.jitWarmupSeconds() <= 0) {
      sb.append("met every server as it started (no JIT warm-up).\n\n");
    } else if (options.cold()) {
      sb.append("met the gateways as they started (`--cold`: only the mock had a JIT warm-up).\n\n");
    } else {
      sb.append("came after a JIT warm-up of every path.\n\n");
    }
    sb.append("| path |");
    for (int i = 1; i <= runs.size(); i++) {
      sb.append(" run ").append(i).append(" |");
    }
    sb.append(" worst |\n|---|");
    for (int i = 0; i <= runs.size(); i++) {
      sb.append("---:|");
    }
    sb.append('\n');
    for (String path : runs.get(0).keySet()) {
      boolean added = !path.equals("direct");
      double worst50 = Double.NaN;
      double worst99 = Double.NaN;
      long worstErrors = 0;
      sb.append("| ").append(path).append(" |");
      for (Map<String, PathResult> run : runs) {
        PathResult p = run.get(path);
        PathResult base = run.get("direct");
        double p50 = LATENCY.get(0).value().applyAsDouble(p)
            - (added ? LATENCY.get(0).value().applyAsDouble(base) : 0);
        double p99 = LATENCY.get(1).value().applyAsDouble(p)
            - (added ? LATENCY.get(1).value().applyAsDouble(base) : 0);
        long errors = p.clients().errors() + p.clients().incomplete();
        worst50 = Double.isNaN(worst50) || p50 > worst50 ? p50 : worst50;
        worst99 = Double.isNaN(worst99) || p99 > worst99 ? p99 : worst99;
        worstErrors = Math.max(worstErrors, errors);
        sb.append(' ').append(pair(p50, p99, added)).append(" (").append(errors).append(") |");
      }
      sb.append(' ').append(pair(worst50, worst99, added)).append(" (").append(worstErrors)
          .append(") |\n");
    }
  }

  private static String pair(double p50, double p99, boolean signed) {
    return signed ? signed(p50) + " / " + signed(p99) : num(p50) + " / " + num(p99);
  }

  /**
   * The median over runs of {@code of}'s figure divided by {@code over}'s in the same run; with
   * {@code added}, of what each adds to the direct path's figure in that run.
   */
  private static String ratio(ScenarioReport r, Metric m, boolean added, String of, String over) {
    return num(median(r.runs(), run -> {
      double base = added ? m.value().applyAsDouble(run.get("direct")) : 0;
      return (m.value().applyAsDouble(run.get(of)) - base)
          / (m.value().applyAsDouble(run.get(over)) - base);
    }));
  }

  /** The median over runs of {@code of}'s figure minus {@code over}'s in the same run. */
  private static double difference(ScenarioReport r, Metric m, String of, String over) {
    return median(r.runs(),
        run -> m.value().applyAsDouble(run.get(of)) - m.value().applyAsDouble(run.get(over)));
  }

  private static String signed(double v) {
    return (v > 0 ? "+" : "") + num(v);
  }

  static double median(List<Map<String, PathResult>> runs,
      ToDoubleFunction<Map<String, PathResult>> value) {
    double[] v = runs.stream().mapToDouble(value).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static String oneLine(PathResult p) {
    List<String> parts = new ArrayList<>();
    parts.add(p.path() + ":");
    for (Metric m : LATENCY) {
      parts.add(m.header().replace(" ms", "") + "=" + num(m.value().applyAsDouble(p)));
    }
    for (Metric m : COSTS) {
      parts.add(m.header().replace(' ', '_') + "=" + num(m.value().applyAsDouble(p)));
    }
    if (p.clients().firstError() != null) {
      parts.add("first error: " + p.clients().firstError());
    }
    return String.join(" ", parts);
  }

  /** A percentile in milliseconds; NaN (a dash) when nothing was recorded. */
  private static double ms(org.HdrHistogram.Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
  }

  /** Three significant digits, thousands separated; a dash for an unknown figure. */
  static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "—";
    }
    double a = Math.abs(v);
    if (a < 0.0005) {
      return "0";
    }
    if (a >= 100 || v == Math.rint(v) && a >= 1) {
      return String.format(Locale.ROOT, "%,d", Math.round(v));
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

}
