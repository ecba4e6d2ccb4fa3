package io.sluice.core.event;

/**
 * A citation joins the text block at {@code index}: Anthropic's {@code citations_delta}, a
 * Responses {@code response.output_text.annotation.added}, or an entry of Chat's
 * {@code delta.annotations}. It comes between the block's start and end.
 */
public record CitationAdded(int choice, int index, Citation citation) implements BlockEvent {
  public CitationAdded {
    Checks.notNull(citation);
  }
}
