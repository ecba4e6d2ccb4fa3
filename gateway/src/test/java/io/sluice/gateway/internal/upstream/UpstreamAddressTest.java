package io.sluice.gateway.internal.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.codec.WireFormat;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.UpstreamKind;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.Test;

class UpstreamAddressTest {

  private static RequestOptions parsedPerRequest(String url) {
    return new RequestOptions().setAbsoluteURI(url);
  }

  @Test
  void anExplicitPortAndPathAreWhatTheUrlSays() {
    RequestOptions post = UpstreamAddress.of(
        Target.of(UpstreamKind.OPENAI_CHAT, "http://127.0.0.1:8090/v1"), WireFormat.OPENAI_CHAT)
        .post();
    RequestOptions expected = parsedPerRequest("http://127.0.0.1:8090/v1/chat/completions");
    assertThat(post.getMethod()).isEqualTo(HttpMethod.POST);
    assertThat(post.getHost()).isEqualTo(expected.getHost());
    assertThat(post.getPort()).isEqualTo(8090);
    assertThat(post.isSsl()).isEqualTo(expected.isSsl()).isFalse();
    assertThat(post.getURI()).isEqualTo("/v1/chat/completions");
    assertThat(post.getServer().toString()).isEqualTo("127.0.0.1:8090");
  }

  @Test
  void httpsWithoutAPortGoesTo443AndATrailingSlashIsDropped() {
    UpstreamAddress a = UpstreamAddress.of(
        Target.of(UpstreamKind.ANTHROPIC, "https://api.example.com/v1/"),
        WireFormat.ANTHROPIC_MESSAGES);
    RequestOptions expected = parsedPerRequest("https://api.example.com/v1/messages");
    assertThat(a.post().getPort()).isEqualTo(expected.getPort()).isEqualTo(443);
    assertThat(a.ssl()).isTrue();
    assertThat(a.uri()).isEqualTo("/v1/messages");
    assertThat(a.origin()).isEqualTo("https://api.example.com:443");
  }

  @Test
  void eachRequestGetsHeadersOfItsOwn() {
    UpstreamAddress a = UpstreamAddress.of(
        Target.of(UpstreamKind.OPENAI_RESPONSES, "http://h/v1"), WireFormat.OPENAI_RESPONSES);
    RequestOptions first = a.post();
    first.getHeaders().set("Authorization", "Bearer k");
    assertThat(a.post().getHeaders().isEmpty()).isTrue();
    assertThat(first.getPort()).isEqualTo(80);
    assertThat(first.getURI()).isEqualTo("/v1/responses");
  }

  @Test
  void aTargetsAddressesAreParsedOncePerFormat() {
    UpstreamAddress.PerFormat per = new UpstreamAddress.PerFormat(
        Target.of(UpstreamKind.OPENAI_CHAT, "http://127.0.0.1:1/v1"));
    assertThat(per.of(WireFormat.OPENAI_CHAT)).isSameAs(per.of(WireFormat.OPENAI_CHAT));
    assertThat(per.of(WireFormat.OPENAI_RESPONSES).uri()).isEqualTo("/v1/responses");
  }
}
