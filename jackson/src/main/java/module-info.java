/** sluice jackson: tools, response formats and tool-call arguments as Java records, on jackson-databind. */
module io.sluice.jackson {
  requires transitive io.sluice.core;
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jdk8;

  exports io.sluice.jackson;
}
