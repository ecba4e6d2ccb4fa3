package io.sluice.client.internal;

import io.sluice.client.ClientException;
import io.sluice.core.event.StreamEvent;

/** Where an {@link Exchange} delivers, serially: events then complete, or one error. */
interface Sink {
  void onEvent(StreamEvent event);

  /** After the terminal event. */
  void onComplete();

  /** The call failed before its stream started. */
  void onError(ClientException error);

  /** The consumer cancelled; nothing follows. */
  default void onCancel() {}
}
