package io.sluice.client.internal.ws;

/** WebSocket close codes (RFC 6455 §7.4.1) and which of them are worth reconnecting after. */
final class CloseCodes {
  static final int NORMAL = 1000;
  /** No close frame arrived: the TCP connection dropped or failed (RFC 6455 §7.1.5). */
  static final int ABNORMAL = 1006;
  /** A message larger than the client accepts (RFC 6455 §7.4.1). */
  static final int TOO_BIG = 1009;

  private CloseCodes() {}

  /**
   * Going away, no status, abnormal, internal error, service restart, try again later, TLS
   * failure: the codes openai-node's ResponsesWS reconnects after (docs/wire-formats.md §b,
   * WebSocket mode).
   * The others (1000 normal, 1002 protocol, 1003 unsupported, 1007 bad data, 1008 policy, 1009 too
   * big, 1010 extension) say the server meant it, or that the same request would fail again.
   */
  static boolean reconnectable(int code) {
    switch (code) {
      case 1001, 1005, 1006, 1011, 1012, 1013, 1015:
        return true;
      default:
        return false;
    }
  }
}
