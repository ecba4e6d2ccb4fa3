package io.sluice.core.event;

/**
 * One event of a model's streamed response, the same for every provider and wire format.
 *
 * <p>The grammar (checked in every codec test): {@link ResponseStarted} comes first when the
 * provider names the response; each content block opens with its start event, carries deltas, and
 * closes with its end event, which holds the finished value; a block index is used once per choice
 * and nothing of a block follows its end; {@link Usage} may come any number of times, and the last
 * one holds (cumulative, never added); exactly one terminal event, {@link Done} or {@link Failed},
 * comes last. Once a stream has started, a failure is an event, never an exception.
 */
public sealed interface StreamEvent
    permits ResponseStarted, BlockEvent, Usage, ChoiceFinished, StreamEvent.Terminal {

  /** {@link Done} or {@link Failed}: the last event of every stream. */
  sealed interface Terminal extends StreamEvent permits Done, Failed {}
}
