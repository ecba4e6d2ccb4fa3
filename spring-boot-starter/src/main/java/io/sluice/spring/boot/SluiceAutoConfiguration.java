package io.sluice.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.client.ProviderSettings;
import io.sluice.client.SluiceClient;
import io.sluice.spring.boot.internal.MeteredClient;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Creates a {@link SluiceClient} from the {@code sluice.client.*} settings unless the application
 * defines its own; adds a {@code sluice} health indicator when the actuator is present, and
 * records the client's calls in Micrometer when a {@link MeterRegistry} bean exists.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration"})
@ConditionalOnClass(SluiceClient.class)
@ConditionalOnProperty(prefix = "sluice.client", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(SluiceProperties.class)
public class SluiceAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public SluiceAutoConfiguration() {}

  /**
   * The provider settings, from {@code sluice.client.*}, the environment and the defaults.
   *
   * @param properties the bound settings
   * @return the settings
   * @throws IllegalArgumentException naming the setting that is wrong
   */
  @Bean
  @ConditionalOnMissingBean
  public ProviderSettings sluiceProviderSettings(SluiceProperties properties) {
    ProviderSettings.Builder b = ProviderSettings.builder(properties.getProvider());
    if (!properties.getBaseUrl().isBlank()) {
      b.baseUrl(properties.getBaseUrl());
    }
    if (!properties.getApiKey().isBlank()) {
      b.apiKey(properties.getApiKey());
    }
    for (Map.Entry<String, String> h : properties.getHeaders().entrySet()) {
      b.header(h.getKey(), h.getValue());
    }
    if (!properties.getAzureApiVersion().isBlank()) {
      b.azure(properties.getAzureApiVersion());
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sluice.client.base-url: " + e.getMessage(), e);
    }
  }

  /**
   * The client, closed with the application context. With a {@link MeterRegistry} bean, each call
   * is recorded (see {@link MeteredClient}).
   *
   * @param settings the provider settings
   * @param properties the bound settings
   * @param registry the meter registry, when Micrometer is configured
   * @return the client
   * @throws IllegalArgumentException naming the setting that is wrong
   */
  @Bean
  @ConditionalOnMissingBean
  public SluiceClient sluiceClient(ProviderSettings settings, SluiceProperties properties,
      ObjectProvider<MeterRegistryHolder> registry) {
    SluiceClient.Builder b = SluiceClient.builder(settings);
    try {
      b.timeouts(properties.getTimeouts().toClientTimeouts());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("sluice.client.timeouts: " + e.getMessage(), e);
    }
    try {
      b.retryPolicy(properties.getRetry().toRetryPolicy());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("sluice.client.retry: " + e.getMessage(), e);
    }
    SluiceClient client = b.build();
    MeterRegistryHolder holder = registry.getIfAvailable();
    return holder == null ? client : holder.wrap(client);
  }

  /** Holds the meter registry, so the client bean does not name Micrometer's types. */
  @FunctionalInterface
  public interface MeterRegistryHolder {
    /**
     * The client, recorded in the registry.
     *
     * @param client the client
     * @return the recording client
     */
    SluiceClient wrap(SluiceClient client);
  }

  /** Micrometer, when it is on the classpath and a registry bean exists. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  @ConditionalOnBean(MeterRegistry.class)
  @ConditionalOnProperty(prefix = "sluice.client.metrics", name = "enabled", matchIfMissing = true)
  public static class Metrics {

    /** Creates the configuration; Spring calls it. */
    public Metrics() {}

    /**
     * Records the client's calls in {@code registry}.
     *
     * @param registry the application's registry
     * @return the holder
     */
    @Bean
    public MeterRegistryHolder sluiceMeterRegistryHolder(MeterRegistry registry) {
      return client -> new MeteredClient(client, registry);
    }
  }

  /** The health indicator, when the actuator is on the classpath. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnProperty(prefix = "management.health.sluice", name = "enabled",
      matchIfMissing = true)
  public static class Health {

    /** Creates the configuration; Spring calls it. */
    public Health() {}

    /**
     * The {@code sluice} health indicator.
     *
     * @param settings the provider settings it probes
     * @param properties the bound settings (the probe's timeout)
     * @return the indicator
     */
    @Bean
    @ConditionalOnMissingBean(name = "sluiceHealthIndicator")
    public SluiceHealthIndicator sluiceHealthIndicator(ProviderSettings settings,
        SluiceProperties properties) {
      Duration timeout = properties.getTimeouts().getConnect();
      return new SluiceHealthIndicator(settings, timeout);
    }
  }
}
