package io.sluice.gateway.internal.server;

/**
 * Keeps Netty's buffer pool in its full mode. Netty 4.2's pool (the adaptive allocator, which
 * Vert.x uses for every connection) switches itself to a low-memory mode when the JVM's maximum
 * heap is 512 MiB or less, which is the heap a container of up to about 680 MiB gets from
 * {@code -XX:MaxRAMPercentage=75}. In that mode:
 * <ul>
 *   <li>a buffer larger than 16,896 bytes is never pooled: each one is a new array or direct
 *       buffer of its own, and an unpaced stream's upstream reads (up to 64 KiB) and the output
 *       gathered for them are all that size;
 *   <li>every event loop takes its buffers from the same shared magazines, under a lock, instead
 *       of from magazines of its own.
 * </ul>
 * In the load harness at a 512 MiB heap, the full mode cut what the gateway allocates per event
 * on unpaced streams by a quarter; at 1,000 paced streams its CPU per event was 2 to 12 % lower,
 * within the spread of this machine (BENCHMARKS.md, profile note 28). The price is a pool that
 * may hold more memory: chunks per event loop and size, which the same runs measured at about
 * 1.6 KB of resident memory per open stream at 1,000 streams.
 */
public final class BufferPool {
  /** Netty's own switch; a value set by the user (true or false) is left as it is. */
  static final String LOW_MEMORY = "io.netty.allocator.lowMemory";

  private BufferPool() {}

  /**
   * Chooses the full mode for the rest of the process, unless {@value #LOW_MEMORY} was set.
   * Netty reads the setting once, when its pool is first used, so this must come before anything
   * in the process makes a Netty buffer; after that it changes nothing.
   */
  public static void useFullMode() {
    if (System.getProperty(LOW_MEMORY) == null) {
      System.setProperty(LOW_MEMORY, "false");
    }
  }
}
