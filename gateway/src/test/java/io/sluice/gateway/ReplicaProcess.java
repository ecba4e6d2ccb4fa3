package io.sluice.gateway;

import java.nio.file.Path;

/**
 * A gateway replica in a JVM of its own, for the tests that kill one with {@code kill -9}:
 * {@code java -cp <the tests' class path> io.sluice.gateway.ReplicaProcess <sluice.yaml>}. It
 * prints {@code port <n>} once it listens, then serves until its standard input closes (so a test
 * JVM that dies takes it along).
 */
public final class ReplicaProcess {
  private ReplicaProcess() {}

  public static void main(String[] args) throws Exception {
    Gateway gateway = Gateway.start(GatewayConfig.load(Path.of(args[0])));
    System.out.println("port " + gateway.port());
    System.out.flush();
    while (System.in.read() >= 0) {
      // Nothing is sent: the stream only tells when the parent is gone.
    }
    gateway.close();
    System.exit(0);
  }
}
