package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Netty's pool stays in its full mode in a gateway's process, even at a heap small enough for
 * Netty to choose its low-memory mode, where a buffer above 16,896 bytes is never pooled. Each
 * case runs in a JVM of its own with a 256 MiB heap, since Netty chooses its mode once per process.
 */
class BufferPoolTest {
  private static final String LOW_MEMORY = "io.netty.allocator.lowMemory";

  @Test
  void aStartedGatewayMakesNettyPoolLargeBuffers() throws Exception {
    assertThat(probe("gateway")).isEqualTo("pooled");
  }

  @Test
  void withoutAGatewayTheSameHeapLeavesThemUnpooled() throws Exception {
    // The control: the probe can tell the two modes apart at this heap.
    assertThat(probe("none")).isEqualTo("unpooled");
  }

  @Test
  void aSettingOfTheUsersOwnIsKept() throws Exception {
    assertThat(probe("gateway", "-D" + LOW_MEMORY + "=true")).isEqualTo("unpooled");
  }

  private static String probe(String mode, String... jvm) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC"));
    command.addAll(List.of(jvm));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName(),
        mode));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /** Starts a gateway (or not), then tells whether two 32 KiB buffers in a row share an array. */
  public static final class Probe {
    public static void main(String[] args) {
      Gateway gateway = null;
      if (args[0].equals("gateway")) {
        gateway = Gateway.start(GatewayConfig.of(List.of(new GatewayConfig.Route("*", List.of(
                GatewayConfig.Target.of(UpstreamKind.SAME_AS_CLIENT, "http://127.0.0.1:9/v1")))))
            .withPort(0).withLimits(GatewayLimits.defaults().withWarmUp(java.time.Duration.ZERO)),
            line -> { });
      }
      ByteBuf first = ByteBufAllocator.DEFAULT.heapBuffer(32 * 1024);
      byte[] array = first.array();
      first.release();
      ByteBuf second = ByteBufAllocator.DEFAULT.heapBuffer(32 * 1024);
      System.out.println(second.array() == array ? "pooled" : "unpooled");
      second.release();
      if (gateway != null) {
        gateway.close();
      }
      System.exit(0);
    }
  }
}
