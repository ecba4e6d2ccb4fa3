package io.sluice.core.internal.codec.chat;

import io.sluice.core.internal.codec.chat.ChatEventFields.Choice;
import io.sluice.core.internal.codec.chat.ChatEventFields.Op;
import io.sluice.core.internal.codec.chat.ChatEventFields.OpKind;
import io.sluice.core.internal.json.ExactJson;
import io.sluice.core.internal.json.KnownStrings;

/**
 * The fast path of {@link ChatEventFields}: reads the chunks that make up most of a stream from
 * their UTF-8 bytes, without Jackson, into the same fields, and answers false for any chunk it
 * would not read exactly as Jackson does ({@link ExactJson}). One per decoder.
 */
final class ChatFlatChunkReader {

  private static final byte[] ID = ExactJson.bytes("id");
  private static final byte[] MODEL = ExactJson.bytes("model");
  private static final byte[] CREATED = ExactJson.bytes("created");
  private static final byte[] CHOICES = ExactJson.bytes("choices");
  private static final byte[] OBJECT = ExactJson.bytes("object");
  private static final byte[] USAGE = ExactJson.bytes("usage");
  private static final byte[] ERROR = ExactJson.bytes("error");
  private static final byte[] INDEX = ExactJson.bytes("index");
  private static final byte[] FINISH_REASON = ExactJson.bytes("finish_reason");
  private static final byte[] DELTA = ExactJson.bytes("delta");
  private static final byte[] MESSAGE = ExactJson.bytes("message");
  private static final byte[] LOGPROBS = ExactJson.bytes("logprobs");
  private static final byte[] CONTENT = ExactJson.bytes("content");
  private static final byte[] REASONING_CONTENT = ExactJson.bytes("reasoning_content");
  private static final byte[] REASONING = ExactJson.bytes("reasoning");
  private static final byte[] REFUSAL = ExactJson.bytes("refusal");
  /** Names Jackson's path reads in ways this one does not: such a chunk goes to Jackson. */
  private static final byte[][] TOP_OTHERS = {ExactJson.bytes("type"), ExactJson.bytes("code")};
  private static final byte[] TOOL_CALLS = ExactJson.bytes("tool_calls");
  private static final byte[] ANNOTATIONS = ExactJson.bytes("annotations");
  private static final byte[] FUNCTION = ExactJson.bytes("function");
  private static final byte[] NAME = ExactJson.bytes("name");
  private static final byte[] ARGUMENTS = ExactJson.bytes("arguments");

  private static final KnownStrings ERROR_OBJECT = new KnownStrings("error");
  /** Longer prefixes (none seen) are read field by field each time. */
  private static final int PREFIX_LIMIT = 512;

  private final ExactJson exact = new ExactJson();

  /**
   * The bytes from the start of the last chunk the fast path read up to and including its
   * {@code "choices":}, and the fields they set. Every chunk of a stream repeats the same id,
   * object, created, model and fingerprint before its choices, so a chunk that starts with the
   * same bytes sets the same fields: they are compared as a whole instead of read field by field.
   */
  private byte[] prefix = new byte[0]; // grown to the first prefix kept: a decoder per stream
  private int prefixLength = -1;
  private boolean prefixWantMeta;
  private String prefixId;
  private String prefixModel;
  private long prefixCreated;

  private final ChatEventFields f;

  ChatFlatChunkReader(ChatEventFields fields) {
    this.f = fields;
  }

  /**
   * Reads the chunks that make up most of a stream without Jackson: compact JSON (no whitespace)
   * whose values are strings, {@code null}s and non-negative integers, with {@code choices}
   * holding objects of an index, a finish reason, {@code "logprobs":null} and a delta of texts
   * (content, reasoning, refusal), tool-call fragments and other strings ({@code role}), in any
   * order. False for any other chunk (annotations, logprobs, usage, errors, whitespace, escapes it does
   * not decode exactly as Jackson), the fields then undefined: {@link ChatEventFields#readWithParser} reads it
   * and gives the same fields.
   */
  boolean read(byte[] data, int offset, int length) {
    f.reset();
    ExactJson in = exact;
    in.reset(data, offset, length);
    // wantMeta only turns false: a prefix read while it was true holds what both ways read.
    boolean resumed = prefixLength > 0 && (prefixWantMeta || !f.wantMeta)
        && in.literal(prefix, prefixLength);
    if (resumed) {
      f.id = f.wantMeta ? prefixId : "";
      f.model = f.wantMeta ? prefixModel : "";
      f.created = prefixCreated;
    } else if (!in.literal('{')) {
      return false;
    }
    boolean keep = !resumed; // the first "choices" ends the prefix to keep
    do {
      if (resumed) {
        resumed = false; // the cursor is on the value of "choices"
        if (!flatChoices(in)) {
          return false;
        }
        continue;
      }
      if (!in.name()) {
        return false;
      }
      if (in.nameMatches(CHOICES)) {
        if (keep) {
          keep = false;
          keepPrefix(in);
        }
        if (!flatChoices(in)) {
          return false;
        }
      } else if (in.nameMatches(ID) || in.nameMatches(MODEL)) {
        boolean isId = in.nameLength() == 2;
        String value;
        if (f.wantMeta) {
          if ((value = in.string()) == null) {
            return false;
          }
        } else if (in.skipString() || in.nullValue()) {
          value = "";
        } else {
          return false;
        }
        if (isId) {
          f.id = value;
        } else {
          f.model = value;
        }
      } else if (in.nameMatches(CREATED)) {
        if ((f.created = in.longValue()) < 0) {
          return false;
        }
      } else if (in.nameMatches(OBJECT)) {
        // Only "error" matters (Mistral's flat errors, left to Jackson): no String for the rest.
        if (in.known(ERROR_OBJECT) != null || !in.skipString()) {
          return false;
        }
      } else if (in.nameMatches(USAGE) || in.nameMatches(ERROR)) {
        if (!in.nullValue()) {
          return false;
        }
      } else if (in.nameMatches(MESSAGE) || matchesAny(in, TOP_OTHERS) || !skipScalar(in)) {
        return false;
      }
    } while (in.literal(','));
    return in.literal('}') && in.atEnd();
  }

  /**
   * Keeps the bytes read so far, the cursor just past the first {@code "choices":}: every field
   * before it was read and set, and how each read did not depend on the bytes after it.
   */
  private void keepPrefix(ExactJson in) {
    if (in.offset() > prefix.length && in.offset() <= PREFIX_LIMIT) {
      prefix = new byte[in.offset()];
    }
    prefixLength = in.copyConsumed(prefix);
    prefixWantMeta = f.wantMeta;
    prefixId = f.id;
    prefixModel = f.model;
    prefixCreated = f.created;
  }

  private boolean flatChoices(ExactJson in) {
    if (!in.literal('[')) {
      return false;
    }
    if (in.literal(']')) {
      return true;
    }
    do {
      if (!in.literal('{')) {
        return false;
      }
      Choice c = f.nextChoice();
      if (!in.literal('}')) {
        do {
          if (!in.name()) {
            return false;
          }
          if (in.nameMatches(DELTA) || in.nameMatches(MESSAGE)) {
            if (!flatDelta(in, c)) {
              return false;
            }
          } else if (in.nameMatches(INDEX)) {
            if ((c.index = in.smallInt()) < 0) {
              return false;
            }
          } else if (in.nameMatches(FINISH_REASON)) {
            if (in.nullValue()) {
              c.finishReason = null;
            } else if ((c.finishReason = in.string()) == null) {
              return false;
            }
          } else if (in.nameMatches(LOGPROBS)) {
            if (!in.nullValue()) {
              return false;
            }
          } else if (!skipScalar(in)) {
            return false;
          }
        } while (in.literal(','));
        if (!in.literal('}')) {
          return false;
        }
      }
    } while (in.literal(','));
    return in.literal(']');
  }

  private static boolean flatDelta(ExactJson in, Choice c) {
    if (!in.literal('{')) {
      return false;
    }
    if (in.literal('}')) {
      return true;
    }
    do {
      if (!in.name()) {
        return false;
      }
      OpKind kind = null;
      if (in.nameMatches(CONTENT)) {
        kind = OpKind.TEXT;
      } else if (in.nameMatches(REASONING_CONTENT) || in.nameMatches(REASONING)) {
        kind = OpKind.REASONING;
      } else if (in.nameMatches(REFUSAL)) {
        kind = OpKind.REFUSAL;
      } else if (in.nameMatches(TOOL_CALLS)) {
        if (!in.nullValue() && !flatToolCalls(in, c)) {
          return false; // null reads as nothing, as in readDelta
        }
        continue;
      } else if (in.nameMatches(ANNOTATIONS)) {
        if (!in.nullValue()) {
          return false; // null reads as nothing, as in readDelta; anything else is Jackson's
        }
        continue;
      }
      if (kind == null) {
        if (!skipScalar(in)) {
          return false;
        }
      } else if (!in.nullValue()) {
        String text = in.string();
        if (text == null) {
          return false;
        }
        ChatEventFields.addText(c, kind, text);
      }
    } while (in.literal(','));
    return in.literal('}');
  }

  /**
   * {@code tool_calls} as {@code ChatEventFields.readToolCalls} reads it, for entries that are objects of an
   * index (a small integer or null), an id, a {@code function} of a name and string arguments
   * (or null), and other strings or integers ({@code type}). Anything else, such as arguments
   * sent as an object, is left to Jackson.
   */
  private static boolean flatToolCalls(ExactJson in, Choice c) {
    if (!in.literal('[')) {
      return false;
    }
    if (in.literal(']')) {
      return true;
    }
    int position = 0;
    do {
      if (!in.literal('{')) {
        return false;
      }
      Op op = c.nextOp();
      op.tool(position++);
      if (in.literal('}')) {
        continue;
      }
      do {
        if (!in.name()) {
          return false;
        }
        if (in.nameMatches(INDEX)) {
          // As JsonFields.number(p, -1): an integer, or -1 for null.
          int index = in.smallInt();
          if (index < 0 && !in.nullValue()) {
            return false;
          }
          op.toolIndex = index;
        } else if (in.nameMatches(ID)) {
          if (in.nullValue()) {
            op.id = null;
          } else if ((op.id = in.string()) == null) {
            return false;
          }
        } else if (in.nameMatches(FUNCTION)) {
          if (!in.nullValue() && !flatFunction(in, op)) {
            return false;
          }
        } else if (!skipScalar(in)) {
          return false;
        }
      } while (in.literal(','));
      if (!in.literal('}')) {
        return false;
      }
    } while (in.literal(','));
    return in.literal(']');
  }

  /** A tool call's {@code function} object, as {@code ChatEventFields.readFunction} reads it. */
  private static boolean flatFunction(ExactJson in, Op op) {
    if (!in.literal('{')) {
      return false;
    }
    if (in.literal('}')) {
      return true;
    }
    do {
      if (!in.name()) {
        return false;
      }
      boolean isName = in.nameMatches(NAME);
      if (isName || in.nameMatches(ARGUMENTS)) {
        String value = null;
        if (!in.nullValue() && (value = in.string()) == null) {
          return false;
        }
        if (isName) {
          op.name = value;
        } else {
          op.arguments = value;
        }
      } else if (!skipScalar(in)) {
        return false;
      }
    } while (in.literal(','));
    return in.literal('}');
  }

  /** Skips a value that {@code skipChildren} would: a string, a null or a small integer. */
  private static boolean skipScalar(ExactJson in) {
    return in.skipString() || in.nullValue() || in.longValue() >= 0;
  }

  private static boolean matchesAny(ExactJson in, byte[][] names) {
    for (byte[] name : names) {
      if (in.nameMatches(name)) {
        return true;
      }
    }
    return false;
  }
}
