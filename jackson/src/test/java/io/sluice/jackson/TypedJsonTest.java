package io.sluice.jackson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.Usage;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.Tool;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TypedJsonTest {

  enum Unit { CELSIUS, FAHRENHEIT }

  @JsonClassDescription("Where and how to report the weather")
  record Weather(@JsonPropertyDescription("the city name") String city, Unit unit,
      Optional<Integer> days) {}

  record Trip(String from, List<Stop> stops, Map<String, Double> costs, boolean returnTrip) {}

  record Stop(String city, int nights) {}

  record Node(String name, List<Node> children) {}

  record Renamed(@JsonProperty("full_name") String name) {}

  record CityDay(String cityName, int dayCount) {}

  private final TypedJson json = TypedJson.create();

  @Test
  void aRecordBecomesAStrictObjectSchema() {
    assertThat(json.schema(Weather.class)).isEqualTo("""
        {"type":"object","description":"Where and how to report the weather","properties":\
        {"city":{"type":"string","description":"the city name"},\
        "unit":{"type":"string","enum":["CELSIUS","FAHRENHEIT"]},\
        "days":{"type":["integer","null"]}},\
        "required":["city","unit","days"],"additionalProperties":false}""");
  }

  @Test
  void nestedRecordsListsAndMapsAreDescribed() {
    assertThat(json.schema(Trip.class)).isEqualTo("""
        {"type":"object","properties":{"from":{"type":"string"},\
        "stops":{"type":"array","items":{"type":"object","properties":\
        {"city":{"type":"string"},"nights":{"type":"integer"}},\
        "required":["city","nights"],"additionalProperties":false}},\
        "costs":{"type":"object","additionalProperties":{"type":"number"}},\
        "returnTrip":{"type":"boolean"}},\
        "required":["from","stops","costs","returnTrip"],"additionalProperties":false}""");
  }

  @Test
  void aToolCarriesTheSchemaOfItsParameters() {
    Tool tool = json.tool("get_weather", "Current weather", Weather.class);
    assertThat(tool.name()).isEqualTo("get_weather");
    assertThat(tool.description()).isEqualTo("Current weather");
    assertThat(tool.parametersSchema()).isEqualTo(json.schema(Weather.class));
  }

  @Test
  void aResponseFormatIsAStrictJsonSchemaFormat() {
    assertThat(json.responseFormat("stop", Stop.class)).isEqualTo("""
        {"type":"json_schema","json_schema":{"name":"stop","schema":{"type":"object",\
        "properties":{"city":{"type":"string"},"nights":{"type":"integer"}},\
        "required":["city","nights"],"additionalProperties":false},"strict":true}}""");
  }

  @Test
  void toolCallArgumentsReadIntoTheRecord() {
    Part.ToolCall call = Part.ToolCall.function("call_1", "get_weather",
        "{\"city\":\"Paris\",\"unit\":\"CELSIUS\",\"days\":null}");
    assertThat(json.arguments(call, Weather.class))
        .isEqualTo(new Weather("Paris", Unit.CELSIUS, Optional.empty()));
  }

  @Test
  void argumentsCutOffByALimitFailWithTheCallNamed() {
    Part.ToolCall call = Part.ToolCall.function("call_7", "get_weather", "{\"city\":\"Par");
    assertThatThrownBy(() -> json.arguments(call, Weather.class))
        .isInstanceOf(TypedJsonException.class)
        .hasMessageStartingWith("the arguments of tool call call_7 (get_weather) do not read as Weather");
  }

  @Test
  void aStructuredAnswerReadsFromTheFinalMessageText() {
    FinalMessage message = finalMessage("{\"city\":\"Oslo\",\"nights\":3}", new Done(FinishReason.STOP, "stop"));
    assertThat(json.answer(message, Stop.class)).isEqualTo(new Stop("Oslo", 3));
  }

  @Test
  void aFailedStreamHasNoAnswer() {
    FinalMessage message = finalMessage("{\"city\":\"Os",
        new Failed(Failed.TRUNCATED, "", "the stream ended early", 0, true));
    assertThatThrownBy(() -> json.answer(message, Stop.class))
        .isInstanceOf(TypedJsonException.class)
        .hasMessageContaining("stream_truncated");
  }

  @Test
  void theMappersNamesHoldForSchemaAndParsingAlike() {
    TypedJson snake = TypedJson.using(new ObjectMapper().registerModule(new Jdk8Module())
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    assertThat(snake.schema(CityDay.class)).contains("\"city_name\"", "\"day_count\"");
    assertThat(snake.read("{\"city_name\":\"Rome\",\"day_count\":2}", CityDay.class))
        .isEqualTo(new CityDay("Rome", 2));
    assertThat(json.schema(Renamed.class)).contains("\"full_name\"").doesNotContain("\"name\"");
  }

  @Test
  void aRecursiveTypeIsRefusedWithItsName() {
    assertThatThrownBy(() -> json.schema(Node.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Node.class.getName()).hasMessageContaining("recursive");
  }

  @Test
  void aScalarIsNotAToolsParameters() {
    assertThatThrownBy(() -> json.tool("t", "d", String.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.String has no properties");
  }

  private static FinalMessage finalMessage(String text, io.sluice.core.event.StreamEvent.Terminal outcome) {
    return new FinalMessage("resp_1", "m", 0, List.of(new FinalMessage.Choice(0,
        Message.assistant(text), FinishReason.STOP, "stop")), Usage.ZERO, outcome);
  }
}
