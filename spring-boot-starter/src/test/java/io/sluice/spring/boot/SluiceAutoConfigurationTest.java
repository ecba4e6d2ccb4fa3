package io.sluice.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.client.ClientTimeouts;
import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import io.sluice.client.SluiceClient;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class SluiceAutoConfigurationTest {

  private MockProvider mock;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class));

  @BeforeEach
  void startMock() {
    mock = MockProvider.start(MockOptions.defaults());
  }

  @AfterEach
  void stopMock() {
    mock.close();
  }

  @Test
  void theClientComesFromTheSettings() {
    runner.withPropertyValues("sluice.client.provider=anthropic",
        "sluice.client.base-url=" + mock.origin(), "sluice.client.api-key=sk-test-123",
        "sluice.client.headers.x-team=search", "sluice.client.timeouts.idle=7s",
        "sluice.client.timeouts.first-event=3s")
        .run(context -> {
          assertThat(context).hasSingleBean(SluiceClient.class);
          ProviderSettings settings = context.getBean(SluiceClient.class).settings();
          assertThat(settings.kind()).isEqualTo(ProviderKind.ANTHROPIC);
          assertThat(settings.baseUrl().toString()).isEqualTo(mock.origin());
          assertThat(settings.apiKey()).isEqualTo("sk-test-123");
          assertThat(settings.header("X-Team")).contains("search");
          assertThat(context.getBean(SluiceProperties.class).getTimeouts().toClientTimeouts())
              .isEqualTo(ClientTimeouts.defaults().withIdle(Duration.ofSeconds(7))
                  .withFirstEvent(Duration.ofSeconds(3)));
        });
  }

  @Test
  void theConfiguredClientStreamsFromTheProvider() {
    runner.withPropertyValues("sluice.client.provider=openai-chat",
        "sluice.client.base-url=" + mock.baseUrl(), "sluice.client.api-key=k")
        .run(context -> {
          FinalMessage message = context.getBean(SluiceClient.class)
              .complete(ChatRequest.builder("m").user("Hello").build());
          assertThat(message.failed()).isFalse();
          assertThat(message.text()).isNotBlank();
        });
  }

  @Test
  void anApplicationsOwnClientWins() {
    runner.withBean("myClient", SluiceClient.class, () -> SluiceClient.create(
            ProviderSettings.builder(ProviderKind.MISTRAL).apiKey("k").build()))
        .run(context -> assertThat(context.getBean(SluiceClient.class).settings().kind())
            .isEqualTo(ProviderKind.MISTRAL));
  }

  @Test
  void aBadBaseUrlFailsStartupNamingTheSetting() {
    runner.withPropertyValues("sluice.client.base-url=ftp://example.com")
        .run(context -> assertThat(context).hasFailed().getFailure()
            .hasStackTraceContaining("sluice.client.base-url: the base URL must be"));
  }

  @Test
  void aBadTimeoutFailsStartupNamingTheSetting() {
    runner.withPropertyValues("sluice.client.timeouts.idle=0s")
        .run(context -> assertThat(context).hasFailed().getFailure()
            .hasStackTraceContaining("sluice.client.timeouts: idle"));
  }

  @Test
  void itCanBeTurnedOff() {
    runner.withPropertyValues("sluice.client.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(SluiceClient.class));
  }

  @Test
  void theHealthIsUpWhenTheProviderListsItsModels() {
    runner.withPropertyValues("sluice.client.base-url=" + mock.baseUrl(),
        "sluice.client.api-key=k")
        .run(context -> {
          Health health = context.getBean(SluiceHealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails()).containsEntry("status", 200)
              .containsEntry("baseUrl", mock.baseUrl());
          assertThat(health.getDetails().toString()).doesNotContain("sluice-secret");
        });
  }

  @Test
  void theHealthIsDownWhenNothingListens() {
    String closed = mock.baseUrl();
    mock.close();
    runner.withPropertyValues("sluice.client.base-url=" + closed,
        "sluice.client.api-key=sluice-secret", "sluice.client.timeouts.connect=2s")
        .run(context -> {
          Health health = context.getBean(SluiceHealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.DOWN);
          assertThat(health.getDetails()).containsKey("error");
          assertThat(health.getDetails().toString()).doesNotContain("sluice-secret");
        });
    mock = MockProvider.start(MockOptions.defaults());
  }

  @Test
  void withoutTheActuatorThereIsNoHealthIndicator() {
    runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
        .withPropertyValues("sluice.client.base-url=" + mock.baseUrl())
        .run(context -> {
          assertThat(context).hasSingleBean(SluiceClient.class);
          assertThat(context).doesNotHaveBean("sluiceHealthIndicator");
        });
  }

  @Test
  void callsAreRecordedInTheMeterRegistry() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues("sluice.client.base-url=" + mock.baseUrl(), "sluice.client.api-key=k",
            "sluice.client.headers.x-sluice-mock=tokens=5, usage=on")
        .run(context -> {
          SluiceClient client = context.getBean(SluiceClient.class);
          client.stream(ChatRequest.builder("m").user("Hello").build()).finish();
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(registry.get("sluice.client.calls").tag("outcome", "done").tag("model", "m")
              .timer().count()).isEqualTo(1);
          assertThat(registry.get("sluice.client.first.event").timer().count()).isEqualTo(1);
          assertThat(registry.get("sluice.client.tokens").tag("type", "output").counter().count())
              .isEqualTo(5);
        });
  }

  @Test
  void withoutARegistryTheClientIsNotWrapped() {
    runner.withPropertyValues("sluice.client.base-url=" + mock.baseUrl())
        .run(context -> assertThat(context.getBean(SluiceClient.class).getClass().getName())
            .doesNotContain("Metered"));
  }
}
