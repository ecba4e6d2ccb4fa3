package io.sluice.gateway.internal.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.net.URI;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A request's SERVER span and its attempts' CLIENT spans, with the GenAI semantic conventions'
 * attributes. All calls come on the request's event loop.
 */
final class OtelRequestSpan implements RequestSpan {
  /** The event at the first token, on the request's span and the attempt's. */
  static final String FIRST_TOKEN = "gen_ai.first_token";
  /** Content is recorded only when asked, and bounded. */
  private static final int MAX_CONTENT = 16 * 1024;
  private static final TextMapSetter<BiConsumer<String, String>> SETTER =
      (carrier, key, value) -> carrier.accept(key, value);

  private final Tracing tracing;
  private final Span span;
  private boolean firstToken;
  private boolean ended;

  OtelRequestSpan(Tracing tracing, Span span) {
    this.tracing = tracing;
    this.span = span;
  }

  @Override
  public AttemptSpan attempt(String provider, String target, String model, String url) {
    var builder = tracing.tracer().spanBuilder("chat " + model).setSpanKind(SpanKind.CLIENT)
        .setParent(Context.root().with(span))
        .setAttribute("gen_ai.operation.name", "chat")
        .setAttribute("gen_ai.provider.name", provider)
        .setAttribute("gen_ai.request.model", model)
        .setAttribute("sluice.target", target);
    try {
      URI uri = URI.create(url);
      builder.setAttribute("server.address", uri.getHost() == null ? "" : uri.getHost());
      builder.setAttribute("server.port", (long) (uri.getPort() > 0 ? uri.getPort()
          : "https".equals(uri.getScheme()) ? 443 : 80));
    } catch (IllegalArgumentException e) {
      builder.setAttribute("server.address", ""); // a base-url is checked at start; never here
    }
    return new Attempt(builder.startSpan());
  }

  private void firstToken() {
    if (!firstToken) {
      firstToken = true;
      span.addEvent(FIRST_TOKEN);
    }
  }

  @Override
  public void end(Finished f, String finishReason, String input, String output) {
    if (ended) {
      return;
    }
    ended = true;
    if (!f.provider().isEmpty()) {
      span.setAttribute("gen_ai.provider.name", f.provider());
    }
    if (!f.responseModel().isEmpty()) {
      span.setAttribute("gen_ai.response.model", f.responseModel());
    }
    span.setAttribute("gen_ai.usage.input_tokens", f.inputTokens());
    span.setAttribute("gen_ai.usage.output_tokens", f.outputTokens());
    if (f.cacheReadTokens() > 0) {
      span.setAttribute("gen_ai.usage.cache_read.input_tokens", f.cacheReadTokens());
    }
    if (f.cacheWriteTokens() > 0) {
      span.setAttribute("gen_ai.usage.cache_creation.input_tokens", f.cacheWriteTokens());
    }
    if (f.reasoningTokens() > 0) {
      span.setAttribute("sluice.usage.reasoning_tokens", f.reasoningTokens());
    }
    if (!finishReason.isEmpty()) {
      span.setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"),
          List.of(finishReason));
    }
    span.setAttribute("http.response.status_code", (long) f.status());
    if (!f.key().isEmpty()) {
      span.setAttribute("sluice.key", f.key());
    }
    if (tracing.captureContent) {
      if (!input.isEmpty()) {
        span.setAttribute("gen_ai.input.messages", bounded(input));
      }
      if (!output.isEmpty()) {
        span.setAttribute("gen_ai.output.messages", bounded(output));
      }
    }
    if (!f.errorType().isEmpty()) {
      span.setAttribute("error.type", f.errorType());
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }

  private static String bounded(String s) {
    return s.length() <= MAX_CONTENT ? s : s.substring(0, MAX_CONTENT);
  }

  private final class Attempt implements AttemptSpan {
    private final Span attempt;
    private boolean first;
    private boolean over;

    Attempt(Span attempt) {
      this.attempt = attempt;
    }

    @Override
    public void inject(BiConsumer<String, String> headers) {
      tracing.propagator().inject(Context.root().with(attempt), headers, SETTER);
    }

    @Override
    public void firstToken() {
      if (!first) {
        first = true;
        attempt.addEvent(FIRST_TOKEN);
        OtelRequestSpan.this.firstToken();
      }
    }

    @Override
    public void end(int status, String errorType) {
      if (over) {
        return;
      }
      over = true;
      if (status > 0) {
        attempt.setAttribute("http.response.status_code", (long) status);
      }
      if (!errorType.isEmpty()) {
        attempt.setAllAttributes(Attributes.of(AttributeKey.stringKey("error.type"), errorType));
        attempt.setStatus(StatusCode.ERROR);
      }
      attempt.end();
    }
  }
}
