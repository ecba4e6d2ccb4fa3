package io.sluice.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium from the system's packages, driven over the DevTools protocol on one
 * WebSocket: open a page, evaluate JavaScript in it, take a screenshot. Never downloads a browser;
 * where none is installed, {@link #start} skips the test with a message.
 */
final class Chromium implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private Chromium(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** The browser, or the test skipped when none is installed. */
  static Chromium start() throws Exception {
    String binary = Stream.of(System.getenv().getOrDefault("SLUICE_CHROMIUM", ""),
            "/usr/bin/chromium", "/usr/bin/chromium-browser")
        .filter(p -> !p.isEmpty() && Files.isExecutable(Path.of(p))).findFirst().orElse("");
    Assumptions.assumeFalse(binary.isEmpty(), "no Chromium installed (apt-get install chromium,"
        + " or set SLUICE_CHROMIUM): the dashboard's browser tests are skipped");
    Path profile = Files.createTempDirectory("sluice-chromium");
    Process p = new ProcessBuilder(binary, "--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--user-data-dir=" + profile, "about:blank")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String ws = devToolsUrl(p);
    CompletableFuture<WebSocket> opened = new CompletableFuture<>();
    Chromium[] self = new Chromium[1];
    WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create(ws), new WebSocket.Listener() {
          private final StringBuilder message = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
              String text = message.toString();
              message.setLength(0);
              self[0].received(text);
            }
            s.request(1);
            return null;
          }
        }).get(20, TimeUnit.SECONDS);
    self[0] = new Chromium(p, profile, socket);
    return self[0];
  }

  /** Chromium prints where its DevTools listen on standard error. */
  private static String devToolsUrl(Process p) throws IOException {
    BufferedReader err = new BufferedReader(
        new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
    for (int i = 0; i < 200; i++) {
      String line = err.readLine();
      if (line == null) {
        break;
      }
      int at = line.indexOf("ws://");
      if (line.startsWith("DevTools listening on") && at > 0) {
        Thread drain = new Thread(() -> err.lines().forEach(l -> { }), "chromium-stderr");
        drain.setDaemon(true);
        drain.start(); // a full pipe would stall the browser
        return line.substring(at).trim();
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("Chromium did not start its DevTools endpoint");
  }

  private void received(String text) {
    try {
      JsonNode msg = JSON.readTree(text);
      if (msg.has("id")) {
        CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
        if (f != null) {
          if (msg.has("error")) {
            f.completeExceptionally(new IllegalStateException(msg.get("error").toString()));
          } else {
            f.complete(msg.get("result"));
          }
        }
      }
    } catch (IOException e) {
      pending.values().forEach(f -> f.completeExceptionally(e));
    }
  }

  JsonNode call(String sessionId, String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params);
    if (sessionId != null) {
      msg.put("sessionId", sessionId);
    }
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    synchronized (socket) {
      socket.sendText(msg.toString(), true).get(10, TimeUnit.SECONDS);
    }
    return f.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  static ObjectNode params() {
    return JSON.createObjectNode();
  }

  /** A new tab at {@code url}, {@code width} by {@code height} CSS pixels. */
  Page open(String url, int width, int height) throws Exception {
    String target = call(null, "Target.createTarget", params().put("url", "about:blank"))
        .get("targetId").asText();
    String session = call(null, "Target.attachToTarget",
        params().put("targetId", target).put("flatten", true)).get("sessionId").asText();
    Page page = new Page(session);
    call(session, "Emulation.setDeviceMetricsOverride", params().put("width", width)
        .put("height", height).put("deviceScaleFactor", 1).put("mobile", false));
    page.navigate(url);
    return page;
  }

  final class Page {
    private final String session;

    Page(String session) {
      this.session = session;
    }

    void navigate(String url) throws Exception {
      call(session, "Page.navigate", params().put("url", url));
    }

    /** The value of a JavaScript expression (a promise is awaited). */
    JsonNode eval(String expression) throws Exception {
      JsonNode r = call(session, "Runtime.evaluate", params().put("expression", expression)
          .put("returnByValue", true).put("awaitPromise", true));
      if (r.has("exceptionDetails")) {
        throw new IllegalStateException("page script failed: " + r.get("exceptionDetails"));
      }
      JsonNode v = r.get("result").get("value");
      return v == null ? JSON.nullNode() : v;
    }

    /** Waits until {@code expression} satisfies {@code test}, within {@code limit}. */
    JsonNode await(String expression, Predicate<JsonNode> test, Duration limit) throws Exception {
      long deadline = System.nanoTime() + limit.toNanos();
      JsonNode last = null;
      while (System.nanoTime() < deadline) {
        try {
          last = eval(expression);
          if (test.test(last)) {
            return last;
          }
        } catch (IllegalStateException e) {
          last = JSON.getNodeFactory().textNode(e.getMessage()); // the page is still loading
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof IllegalStateException)) {
            throw e;
          }
          // The browser's own answer to an evaluation that a navigation cut short ("Inspected
          // target navigated or closed"): the page is loading its next document.
          last = JSON.getNodeFactory().textNode(e.getCause().getMessage());
        }
        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
      }
      throw new AssertionError("within " + limit.toMillis() + " ms, " + expression
          + " never passed; last: " + last);
    }

    void screenshot(Path file) throws Exception {
      JsonNode r = call(session, "Page.captureScreenshot",
          params().put("format", "png").put("captureBeyondViewport", true));
      Files.createDirectories(file.getParent());
      Files.write(file, Base64.getDecoder().decode(r.get("data").asText()));
    }
  }

  @Override
  public void close() throws Exception {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // The browser goes either way.
    }
    // The browser's helpers (network service, GPU, renderers) outlive the main process by a
    // moment and keep writing into the profile, so each is stopped and awaited before it goes.
    List<ProcessHandle> helpers = process.descendants().collect(Collectors.toList());
    process.destroy();
    helpers.forEach(ProcessHandle::destroy);
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (ProcessHandle h : helpers) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        h.destroyForcibly();
      }
    }
    deleteTree(profile);
  }

  /** Deletes what is there; a file that vanished on its own is already gone, not a failure. */
  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
