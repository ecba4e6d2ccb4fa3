package io.sluice.core.event;

/**
 * A source that a span of text cites: a URL of a web search or fetch, a file, a place in a
 * document. The common fields are lifted out; {@code json} keeps the provider's object whole.
 *
 * @param type the provider's citation type ({@code url_citation}, {@code file_citation},
 *     {@code web_search_result_location}, {@code char_location}, …)
 * @param url the cited URL, or empty
 * @param title the source's title, or empty
 * @param citedText the text quoted from the source (Anthropic), or empty
 * @param startIndex where the citing span starts in the text block (OpenAI), or -1
 * @param endIndex where it ends, exclusive, or -1
 * @param json the citation as the provider sent it
 */
public record Citation(
    String type, String url, String title, String citedText, int startIndex, int endIndex,
    String json) {
  public Citation {
    Checks.notNull(type, url, title, citedText, json);
  }
}
