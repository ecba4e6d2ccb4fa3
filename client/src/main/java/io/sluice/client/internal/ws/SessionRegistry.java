package io.sluice.client.internal.ws;

import io.sluice.client.ApiException;
import io.sluice.client.ClientException;
import io.sluice.client.EventStream;
import io.sluice.client.ProviderSettings;
import io.sluice.client.SluiceClient;
import io.sluice.client.StreamTimeoutException;
import io.sluice.client.TransportException;
import io.sluice.client.internal.DaemonTimer;
import io.sluice.client.internal.Failures;
import io.sluice.client.internal.RequestFit;
import io.sluice.client.ws.ResponsesSessions;
import io.sluice.client.ws.SessionBusyException;
import io.sluice.client.ws.Transport;
import io.sluice.core.message.ChatRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/** The sessions, keyed by id; how their connections are opened, renewed and given up. */
public final class SessionRegistry implements ResponsesSessions {
  /** Headers the JDK's WebSocket builder sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect",
      "host", "upgrade", "content-type", "accept");

  private static final ScheduledExecutorService TIMER = DaemonTimer.create("sluice-ws-timer");

  private final SluiceClient http;
  private final WsConfig config;
  private final HttpClient client;
  private final URI uri;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public SessionRegistry(SluiceClient http, WsConfig config) {
    this.http = http;
    this.config = config;
    this.client = HttpClient.newBuilder().connectTimeout(config.timeouts().connect()).build();
    this.uri = webSocketUri(http.settings());
  }

  /** {@code {base}/responses} with {@code http→ws}, {@code https→wss} (as openai-node does). */
  static URI webSocketUri(ProviderSettings settings) {
    String base = settings.baseUrl().toString();
    String scheme = settings.baseUrl().getScheme().toLowerCase(Locale.ROOT);
    String rest = base.substring(base.indexOf(':'));
    String query = settings.azure()
        ? "?api-version=" + URLEncoder.encode(settings.azureApiVersion(), StandardCharsets.UTF_8)
        : "";
    return URI.create((scheme.equals("https") ? "wss" : "ws") + rest + "/responses" + query);
  }

  WsConfig config() {
    return config;
  }

  SluiceClient http() {
    return http;
  }

  ScheduledExecutorService timer() {
    return TIMER;
  }

  @Override
  public EventStream stream(String sessionId, ChatRequest request) {
    return stream(sessionId, request, config.transport());
  }

  @Override
  public EventStream stream(String sessionId, ChatRequest request, Transport transport) {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(transport, "transport");
    if (closed) {
      throw new IllegalStateException("the sessions are closed");
    }
    if (transport == Transport.SSE) {
      return http.stream(request);
    }
    RequestFit.check(http.settings().kind(), request);
    while (true) {
      Session session = sessions.computeIfAbsent(sessionId, Session::new);
      WsTurn turn = new WsTurn(this, session, request, transport);
      if (session.claim(turn)) {
        turn.start();
        return turn.events();
      }
      if (!session.released()) {
        throw new SessionBusyException(sessionId);
      }
      sessions.remove(sessionId, session); // released under us: start over with a new one
    }
  }

  /**
   * The session's connection, renewed first when it is near the server's age limit or was
   * closed. After a close with a code not worth reconnecting after, the state the server held is
   * gone with it, so the session forgets it.
   */
  CompletableFuture<WsConnection> connection(Session session, ChatRequest request) {
    WsConnection current = session.connection();
    boolean fresh = current == null;
    if (current != null) {
      if (current.open() && age(current).compareTo(config.maxConnectionAge()) < 0) {
        return CompletableFuture.completedFuture(current);
      }
      int code = current.closeCode();
      if (code != 0 && !CloseCodes.reconnectable(code)) {
        session.continuation(Continuation.NONE);
      }
      session.drop(current);
      fresh = true;
    }
    if (fresh && "false".equals(request.extra().get("store"))) {
      // Without storage the state lives on the old connection only: send the full context.
      session.continuation(Continuation.NONE);
    }
    return open().thenApply(conn -> {
      if (!session.adopt(conn)) {
        throw new CompletionException(new ClientException("the session was released", false));
      }
      return conn;
    });
  }

  private Duration age(WsConnection c) {
    return Duration.between(c.openedAt(), config.clock().instant());
  }

  private CompletableFuture<WsConnection> open() {
    Instant now = config.clock().instant();
    long limit = config.limits().maxEventBytes();
    WsConnection conn = new WsConnection(now, (int) Math.min(Integer.MAX_VALUE, limit));
    WebSocket.Builder b = client.newWebSocketBuilder().connectTimeout(config.timeouts().connect());
    ProviderSettings s = http.settings();
    if (!s.apiKey().isEmpty()) {
      if (s.azure()) {
        b.header("api-key", s.apiKey());
      } else {
        b.header("authorization", "Bearer " + s.apiKey());
      }
    }
    for (Map.Entry<String, String> e : s.headers().entrySet()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (!RESTRICTED.contains(name) && !name.startsWith("sec-websocket-")) {
        b.header(e.getKey(), e.getValue());
      }
    }
    return b.buildAsync(uri, conn).thenApply(ws -> conn);
  }

  /** A turn failed on this session: it is forgotten and never reused with its state. */
  void broken(Session session, WsConnection conn) {
    session.continuation(Continuation.NONE);
    session.drop(conn);
    sessions.remove(session.id, session);
    session.release();
  }

  /** A failure to connect or to send, as the client's exceptions say it. */
  ClientException failure(Throwable error) {
    Throwable cause = Failures.unwrap(error);
    if (cause instanceof ClientException ce) {
      return ce;
    }
    if (cause instanceof HttpConnectTimeoutException) {
      return new StreamTimeoutException(StreamTimeoutException.Timeout.CONNECT,
          config.timeouts().connect());
    }
    if (cause instanceof WebSocketHandshakeException h) {
      int status = h.getResponse().statusCode();
      boolean retryable = status == 408 || status == 429 || status >= 500;
      return new ApiException(status, "", "", "the WebSocket upgrade to " + uri.getHost() + ":"
          + Failures.port(uri) + " was refused with HTTP " + status, "", Optional.empty(),
          retryable);
    }
    if (cause instanceof IOException) {
      return new TransportException("cannot open a WebSocket to " + uri.getHost() + ":"
          + Failures.port(uri) + ": " + Failures.describe(cause), cause);
    }
    return new ClientException("the WebSocket turn failed: " + Failures.describe(cause), false,
        cause);
  }

  @Override
  public boolean live(String sessionId) {
    Session s = sessions.get(sessionId);
    return s != null && s.live();
  }

  @Override
  public void release(String sessionId) {
    Session s = sessions.remove(sessionId);
    if (s != null) {
      s.release();
    }
  }

  @Override
  public Set<String> sessionIds() {
    return Set.copyOf(sessions.keySet());
  }

  @Override
  public void close() {
    closed = true;
    for (String id : sessionIds()) {
      release(id);
    }
  }

  @Override
  public String toString() {
    return "ResponsesSessions[" + uri + ", " + sessions.size() + " sessions]";
  }
}
