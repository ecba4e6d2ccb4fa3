package io.sluice.gateway.internal.telemetry;

import io.sluice.gateway.GatewayConfig;
import java.util.HashSet;
import java.util.Set;

/**
 * Keeps the model label bounded: a model name is a label value only when the configuration names
 * it (a route's exact model, a target's rename, or {@code telemetry.metrics.models}); any other
 * name, such as one a wildcard route let in, becomes {@value #OTHER}. Clients choose model names,
 * so without this one client could create any number of series.
 */
final class ModelLabels {
  /** The one value every model outside the configuration folds into (as OTel's {@code _OTHER}). */
  static final String OTHER = "_OTHER";

  private final Set<String> known = new HashSet<>();

  ModelLabels(GatewayConfig config) {
    for (GatewayConfig.Route r : config.routes()) {
      if (!r.model().contains("*")) {
        known.add(r.model());
      }
      for (GatewayConfig.Target t : r.targets()) {
        if (!t.rename().isEmpty()) {
          known.add(t.rename());
        }
      }
    }
    known.addAll(config.telemetry().metricModels());
  }

  String label(String model) {
    if (model.isEmpty()) {
      return "";
    }
    return known.contains(model) ? model : OTHER;
  }

  int size() {
    return known.size();
  }
}
