package io.sluice.langchain4j.internal;

import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import io.sluice.client.ClientException;
import io.sluice.client.EventStream;
import io.sluice.client.StreamListener;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.event.ToolCallDelta;
import io.sluice.core.event.ToolCallEnd;
import io.sluice.core.event.ToolCallStart;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.core.message.Part;
import java.util.HashMap;
import java.util.Map;

/**
 * Pushes one sluice stream to a LangChain4j handler, and is the handle that cancels it. Events
 * arrive one at a time on the client's thread (the {@link StreamListener} contract), so the state
 * here needs no lock; only {@code cancelled} is read from other threads.
 *
 * <p>Only the first choice is passed on: LangChain4j responses have one message.
 */
public final class StreamBridge implements StreamListener, StreamingHandle {

  private final StreamingChatResponseHandler handler;
  private final MessageAccumulator accumulator = MessageAccumulator.create();
  /** Block index of each tool call to its start and its ordinal among the calls. */
  private final Map<Integer, ToolCallStart> starts = new HashMap<>();
  private final Map<Integer, Integer> ordinals = new HashMap<>();
  private volatile EventStream stream;
  private volatile boolean cancelled;
  private boolean ended;

  public StreamBridge(StreamingChatResponseHandler handler) {
    this.handler = handler;
  }

  /** Starts pushing {@code events}; a cancel that came first closes them at once. */
  public void start(EventStream events) {
    this.stream = events;
    if (cancelled) {
      events.close();
      return;
    }
    events.listen(this);
  }

  @Override
  public void cancel() {
    cancelled = true;
    EventStream s = stream;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public void onEvent(StreamEvent event) {
    if (cancelled || ended) {
      return;
    }
    accumulator.accept(event);
    try {
      dispatch(event);
    } catch (RuntimeException e) {
      // A handler that throws ends the stream: LangChain4j's own models report it to onError.
      ended = true;
      cancel();
      handler.onError(e);
    }
  }

  @Override
  public void onError(ClientException error) {
    if (!cancelled && !ended) {
      ended = true;
      handler.onError(Failures.of(error));
    }
  }

  private void dispatch(StreamEvent event) {
    if (event instanceof TextDelta d && d.choice() == 0 && !d.text().isEmpty()) {
      handler.onPartialResponse(new PartialResponse(d.text()), new PartialResponseContext(this));
    } else if (event instanceof ReasoningDelta d && d.choice() == 0 && !d.text().isEmpty()) {
      handler.onPartialThinking(new PartialThinking(d.text()), new PartialThinkingContext(this));
    } else if (event instanceof ToolCallStart s && s.choice() == 0) {
      starts.put(s.index(), s);
      ordinals.put(s.index(), ordinals.size());
    } else if (event instanceof ToolCallDelta d && d.choice() == 0 && !d.arguments().isEmpty()) {
      ToolCallStart s = starts.get(d.index());
      if (s != null) {
        handler.onPartialToolCall(PartialToolCall.builder().index(ordinals.get(d.index()))
            .id(s.id()).name(s.name()).partialArguments(d.arguments()).build(),
            new PartialToolCallContext(this));
      }
    } else if (event instanceof ToolCallEnd e && e.choice() == 0) {
      Integer ordinal = ordinals.get(e.index());
      handler.onCompleteToolCall(new CompleteToolCall(ordinal == null ? 0 : ordinal,
          ResponseMapper.toolExecutionRequest(Part.ToolCall.function(e.id(), e.name(),
              e.arguments()))));
    } else if (event instanceof Done) {
      ended = true;
      handler.onCompleteResponse(ResponseMapper.toChatResponse(accumulator.result()));
    } else if (event instanceof Failed f) {
      ended = true;
      handler.onError(Failures.of(f));
    }
  }
}
