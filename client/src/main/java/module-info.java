/** sluice client: streaming from LLM providers over the JDK HttpClient. */
module io.sluice.client {
  requires transitive io.sluice.core;
  requires java.net.http;

  exports io.sluice.client;
}
