/** sluice client: streaming from LLM providers over the JDK HttpClient. */
module io.sluice.client {
  requires transitive io.sluice.core;
  requires java.net.http;
  requires com.fasterxml.jackson.core;

  exports io.sluice.client;
  exports io.sluice.client.ws;
}
