package io.sluice.mock.internal;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What one request asks the simulated provider to do, parsed from the {@code x-sluice-mock}
 * header (syntax in {@code docs/mock.md}). Parsing is strict: an unknown key, a repeated key or a
 * value out of range is an {@link IllegalArgumentException} whose message names the key, the value
 * and what is allowed, because a mistyped key that silently did nothing would make a test lie.
 *
 * @param ttftMillis delay before the first token
 * @param tokensPerSecond pacing of the tokens after the first; 0 means as fast as the connection
 *     takes them
 * @param tokens words of text
 * @param tools tool calls, cycling through the request's tools in order
 * @param reasoningTokens words of reasoning before the text; 0 means none
 * @param usage when to report usage
 * @param fault the failure to simulate
 * @param id free text that only distinguishes requests for {@code times=}
 */
public record MockBehaviour(
    long ttftMillis, double tokensPerSecond, int tokens, int tools, int reasoningTokens,
    UsageMode usage, Fault fault, String id) {

  public static final MockBehaviour DEFAULTS =
      new MockBehaviour(0, 0, 20, 0, 0, UsageMode.AUTO, Fault.NONE, "");

  /**
   * Words of text, or of reasoning, a request may ask for. A stream makes its events as it sends
   * them ({@link ResponseScript}), so this is how long a stream may run, not what it holds.
   */
  static final int MAX_TOKENS = 1_000_000_000;
  /**
   * Words of text and reasoning together in an answer that holds its whole text: a non-streaming
   * body, and a Responses stream, whose last events repeat the text. A million words is about
   * 7 MB of text, under the 8 MiB events a client such as the gateway reads by default.
   */
  static final int MAX_KEPT_TOKENS = 1_000_000;
  /** Events before a fault strikes, and requests a fault strikes with {@code times=}. */
  static final int MAX_COUNT = 1_000_000_000;
  static final int MAX_TOOLS = 64;
  static final long MAX_DELAY_MILLIS = 600_000;
  static final int MAX_HEADER_LENGTH = 1024;
  private static final int REASONING_ON = 16;

  /** When usage is reported. */
  public enum UsageMode {
    /** As the real provider does: Chat streams only with {@code stream_options.include_usage}. */
    AUTO,
    /** Always. */
    ON,
    /** Never. */
    OFF
  }

  /** The fault's kind. */
  public enum FaultKind {
    NONE, STATUS, DROP, STALL, MALFORMED, ERROR
  }

  /**
   * A simulated failure.
   *
   * @param kind what goes wrong
   * @param value the HTTP status for {@code STATUS}; otherwise the number of SSE events written
   *     before the fault strikes
   * @param retryAfterSeconds the {@code Retry-After} value of a {@code STATUS} fault, or -1 for
   *     none
   * @param times how many requests with the same header value fail before the fault stops
   *     striking; 0 means every one
   */
  public record Fault(FaultKind kind, int value, long retryAfterSeconds, int times) {
    public static final Fault NONE = new Fault(FaultKind.NONE, 0, -1, 0);
  }

  /** Parses a header value; an empty value means the defaults. */
  public static MockBehaviour parse(String header) {
    if (header.length() > MAX_HEADER_LENGTH) {
      throw new IllegalArgumentException("x-sluice-mock is " + header.length()
          + " characters long; at most " + MAX_HEADER_LENGTH + " are allowed");
    }
    long ttft = DEFAULTS.ttftMillis;
    double tps = DEFAULTS.tokensPerSecond;
    int tokens = DEFAULTS.tokens;
    int tools = DEFAULTS.tools;
    int reasoning = DEFAULTS.reasoningTokens;
    UsageMode usage = DEFAULTS.usage;
    Fault fault = DEFAULTS.fault;
    String id = DEFAULTS.id;
    Set<String> seen = new LinkedHashSet<>();
    for (String item : header.split(",", -1)) {
      String pair = item.strip();
      if (pair.isEmpty()) {
        if (header.isBlank()) {
          continue;
        }
        throw new IllegalArgumentException("x-sluice-mock has an empty item in \"" + header + "\"");
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "x-sluice-mock item \"" + pair + "\" is not key=value");
      }
      String key = pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = pair.substring(eq + 1).strip();
      if (!seen.add(key)) {
        throw new IllegalArgumentException("x-sluice-mock key \"" + key + "\" is given twice");
      }
      switch (key) {
        case "ttft":
          ttft = duration(key, value);
          break;
        case "tps":
          tps = number(key, value, 0, 1_000_000);
          break;
        case "tokens":
          tokens = (int) integer(key, value, 0, MAX_TOKENS);
          break;
        case "tools":
          tools = (int) integer(key, value, 0, MAX_TOOLS);
          break;
        case "reasoning":
          reasoning = reasoning(value);
          break;
        case "usage":
          usage = usage(value);
          break;
        case "fault":
          fault = fault(value);
          break;
        case "id":
          id = value;
          break;
        default:
          throw new IllegalArgumentException("x-sluice-mock has an unknown key \"" + key
              + "\"; known keys: ttft, tps, tokens, tools, reasoning, usage, fault, id");
      }
    }
    return new MockBehaviour(ttft, tps, tokens, tools, reasoning, usage, fault, id);
  }

  private static long duration(String key, String value) {
    String v = value.toLowerCase(Locale.ROOT);
    double factor = 1;
    String digits = v;
    if (v.endsWith("ms")) {
      digits = v.substring(0, v.length() - 2);
    } else if (v.endsWith("s")) {
      digits = v.substring(0, v.length() - 1);
      factor = 1000;
    }
    double millis = number(key, digits.strip(), 0, MAX_DELAY_MILLIS / factor) * factor;
    return Math.round(millis);
  }

  private static double number(String key, String value, double min, double max) {
    double d;
    try {
      d = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "x-sluice-mock " + key + "=" + value + " is not a number");
    }
    if (!(d >= min && d <= max) || value.isEmpty() || !Character.isDigit(value.charAt(0))) {
      throw new IllegalArgumentException("x-sluice-mock " + key + "=" + value
          + " is out of range; allowed: " + fmt(min) + " to " + fmt(max));
    }
    return d;
  }

  private static long integer(String key, String value, long min, long max) {
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "x-sluice-mock " + key + "=" + value + " is not a whole number");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("x-sluice-mock " + key + "=" + value
          + " is out of range; allowed: " + min + " to " + max);
    }
    return n;
  }

  private static int reasoning(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "on":
        return REASONING_ON;
      case "off":
        return 0;
      default:
        try {
          return (int) integer("reasoning", value, 0, MAX_TOKENS);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("x-sluice-mock reasoning=" + value
              + " is neither on, off nor a number of tokens (0 to " + MAX_TOKENS + ")");
        }
    }
  }

  private static UsageMode usage(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "auto":
        return UsageMode.AUTO;
      case "on":
        return UsageMode.ON;
      case "off":
        return UsageMode.OFF;
      default:
        throw new IllegalArgumentException(
            "x-sluice-mock usage=" + value + " is not one of auto, on, off");
    }
  }

  private static Fault fault(String value) {
    String[] parts = value.split(";", -1);
    String head = parts[0].strip().toLowerCase(Locale.ROOT);
    int colon = head.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("x-sluice-mock fault=" + value
          + " needs kind:number, one of status:<code>, drop-after:<n>, stall-after:<n>,"
          + " malformed-after:<n>, error-after:<n>");
    }
    String kindName = head.substring(0, colon).strip();
    String arg = head.substring(colon + 1).strip();
    FaultKind kind;
    int n;
    switch (kindName) {
      case "status":
        kind = FaultKind.STATUS;
        n = (int) integer("fault status", arg, 400, 599);
        break;
      case "drop-after":
        kind = FaultKind.DROP;
        n = (int) integer("fault drop-after", arg, 0, MAX_COUNT);
        break;
      case "stall-after":
        kind = FaultKind.STALL;
        n = (int) integer("fault stall-after", arg, 0, MAX_COUNT);
        break;
      case "malformed-after":
        kind = FaultKind.MALFORMED;
        n = (int) integer("fault malformed-after", arg, 0, MAX_COUNT);
        break;
      case "error-after":
        kind = FaultKind.ERROR;
        n = (int) integer("fault error-after", arg, 0, MAX_COUNT);
        break;
      default:
        throw new IllegalArgumentException("x-sluice-mock fault kind \"" + kindName
            + "\" is unknown; known: status, drop-after, stall-after, malformed-after,"
            + " error-after");
    }
    long retryAfter = -1;
    int times = 0;
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].strip();
      int eq = param.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "x-sluice-mock fault parameter \"" + param + "\" is not name=value");
      }
      String name = param.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String v = param.substring(eq + 1).strip();
      if (!seen.add(name)) {
        throw new IllegalArgumentException(
            "x-sluice-mock fault parameter \"" + name + "\" is given twice");
      }
      switch (name) {
        case "retry-after":
          if (kind != FaultKind.STATUS) {
            throw new IllegalArgumentException(
                "x-sluice-mock fault parameter retry-after applies only to status:<code>");
          }
          retryAfter = integer("fault retry-after", v, 0, 86_400);
          break;
        case "times":
          times = (int) integer("fault times", v, 1, MAX_COUNT);
          break;
        default:
          throw new IllegalArgumentException("x-sluice-mock fault parameter \"" + name
              + "\" is unknown; known: retry-after (status only), times");
      }
    }
    return new Fault(kind, n, retryAfter, times);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
