package io.streamrec.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.records.EventJsonCodec;
import io.streamrec.records.InvalidRecordException;
import io.streamrec.records.RequestJsonCodec;
import io.streamrec.records.ValidationOptions;
import io.streamrec.schema.EventType;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The published JSON schemas (state-schemas/src/main/resources/schemas) and the codecs agree, and
 * records written to every published schema version still parse. When a schema evolves, add the new
 * version's files beside the old ones and keep the old fixtures here.
 */
class RecordSchemaCompatibilityTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static byte[] resource(String path) throws Exception {
        try (InputStream in = RecordSchemaCompatibilityTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/compat/event.v1.json", "/compat/event.v1-no-value.json"})
    void publishedEventVersionsStillParse(String fixture) throws Exception {
        assertThat(new EventJsonCodec().parse(resource(fixture)).eventId()).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/compat/request.v1.json", "/compat/request.v1-defaults.json"})
    void publishedRequestVersionsStillParse(String fixture) throws Exception {
        assertThat(new RequestJsonCodec().parse(resource(fixture)).k()).isEqualTo(10);
    }

    @Test
    void publishedItemVersionsStillParse() throws Exception {
        assertThat(new ItemJsonCodec(0).parse(resource("/compat/item.v1.json")).attributes())
                .containsExactly("Action", "Crime");
        JsonNode schema = MAPPER.readTree(resource("/schemas/item.v1.schema.json"));
        assertThat(schema.get("required").get(0).asText()).isEqualTo("itemId");
    }

    @Test
    void fieldsANewerProducerAddsAreIgnored() throws Exception {
        ObjectNode event = (ObjectNode) MAPPER.readTree(resource("/compat/event.v1.json"));
        event.put("sessionId", "s-1").putObject("context").put("device", "phone");
        assertThat(new EventJsonCodec().parse(MAPPER.writeValueAsBytes(event)).userId())
                .isEqualTo("42");
    }

    @Test
    void everyRequiredFieldOfTheEventSchemaIsEnforced() throws Exception {
        JsonNode schema = MAPPER.readTree(resource("/schemas/event.v1.schema.json"));
        List<String> required = new ArrayList<>();
        schema.get("required").forEach(f -> required.add(f.asText()));
        assertThat(required)
                .containsExactlyInAnyOrder("eventId", "userId", "itemId", "type", "timestamp");
        for (String field : required) {
            ObjectNode event = (ObjectNode) MAPPER.readTree(resource("/compat/event.v1.json"));
            event.remove(field);
            assertThatThrownBy(() -> new EventJsonCodec().parse(MAPPER.writeValueAsBytes(event)))
                    .as(field)
                    .isInstanceOfSatisfying(
                            InvalidRecordException.class,
                            e -> assertThat(e.reason()).isEqualTo("missing_field"));
        }
        // the type names, in any case: theEventAndRequestSchemasStateTheParsersRules
        for (String type : List.of("view", "click", "cart", "purchase", "rating")) {
            ObjectNode event = (ObjectNode) MAPPER.readTree(resource("/compat/event.v1.json"));
            event.put("type", type);
            assertThat(new EventJsonCodec().parse(MAPPER.writeValueAsBytes(event)).type().name())
                    .isEqualToIgnoringCase(type);
        }
    }

    /**
     * Where JSON Schema can say what the parsers refuse, the published schemas say it: the earliest
     * timestamp (its default), a value's float range, the type names in any case, ids sent as
     * integers. What it cannot say (an integer written with a fraction or exponent is wrong_type)
     * the descriptions do.
     */
    @Test
    void theEventAndRequestSchemasStateTheParsersRules() throws Exception {
        JsonNode event =
                MAPPER.readTree(resource("/schemas/event.v1.schema.json")).get("properties");
        long earliest = ValidationOptions.EARLIEST_TIMESTAMP.defaultValue();
        assertThat(event.get("timestamp").get("minimum").asLong()).isEqualTo(earliest);
        // the bounds are where a float's rounding reaches infinity: the largest float as the
        // codec writes it (3.4028235E38, above the float's exact value) lies within them
        double above = event.get("value").get("exclusiveMaximum").asDouble();
        assertThat(event.get("value").get("exclusiveMinimum").asDouble()).isEqualTo(-above);
        assertThat((float) above).isInfinite();
        assertThat((float) Math.nextDown(above)).isEqualTo(Float.MAX_VALUE);
        assertThat(new java.math.BigDecimal(Float.toString(Float.MAX_VALUE)))
                .isLessThan(
                        new java.math.BigDecimal(
                                event.get("value").get("exclusiveMaximum").asText()));
        assertThat(event.get("timestamp").get("description").asText())
                .contains("fraction or exponent");

        Pattern typeName = Pattern.compile(event.get("type").get("pattern").asText());
        for (EventType type : EventType.values()) {
            String upper = type.name();
            String lower = upper.toLowerCase(Locale.ROOT);
            for (String name : List.of(lower, upper, upper.charAt(0) + lower.substring(1))) {
                assertThat(typeName.matcher(name).find()).as(name).isTrue();
                ObjectNode e = (ObjectNode) MAPPER.readTree(resource("/compat/event.v1.json"));
                e.put("type", name);
                assertThat(new EventJsonCodec().parse(MAPPER.writeValueAsBytes(e)).type())
                        .isEqualTo(type);
            }
        }
        assertThat(typeName.matcher(" view").find()).isFalse();
        assertThat(typeName.matcher("views").find()).isFalse();

        JsonNode request = MAPPER.readTree(resource("/schemas/request.v1.schema.json"));
        // a forget's time is not bounded: the earliest bound is the other requests'
        assertThat(request.get("else").get("properties").get("timestamp").get("minimum").asLong())
                .isEqualTo(earliest);
        for (String id : List.of("eventId", "userId", "itemId")) {
            assertThat(event.get(id).get("type").toString())
                    .as(id)
                    .isEqualTo("[\"string\",\"integer\"]");
        }
        for (String id : List.of("requestId", "userId")) {
            assertThat(request.get("properties").get(id).get("type").toString())
                    .as(id)
                    .isEqualTo("[\"string\",\"integer\"]");
        }
        ObjectNode numericIds = (ObjectNode) MAPPER.readTree(resource("/compat/event.v1.json"));
        numericIds.put("userId", 42).put("itemId", 7).put("eventId", 1);
        assertThat(new EventJsonCodec().parse(MAPPER.writeValueAsBytes(numericIds)).userId())
                .isEqualTo("42");
    }

    @Test
    void theResultSchemaDescribesWhatServingWrites() throws Exception {
        JsonNode schema = MAPPER.readTree(resource("/schemas/result.v1.schema.json"));
        JsonNode written =
                MAPPER.readTree(
                        RequestJsonCodec.resultToJson(
                                new io.streamrec.schema.RecommendationResult(
                                        "r",
                                        "u",
                                        List.of(
                                                new io.streamrec.schema.RecommendationResult
                                                        .ScoredItem("i", 1f),
                                                // broken scores: still JSON numbers, as the
                                                // schema says, never "NaN" or "-Infinity"
                                                new io.streamrec.schema.RecommendationResult
                                                        .ScoredItem("j", Float.NaN),
                                                new io.streamrec.schema.RecommendationResult
                                                        .ScoredItem("k", Float.NEGATIVE_INFINITY),
                                                new io.streamrec.schema.RecommendationResult
                                                        .ScoredItem("l", Float.POSITIVE_INFINITY)),
                                        "model",
                                        3,
                                        4)));
        schema.get("required")
                .forEach(f -> assertThat(written.has(f.asText())).as(f.asText()).isTrue());
        assertThat(
                        schema.get("properties")
                                .get("items")
                                .get("items")
                                .get("properties")
                                .get("score")
                                .get("type")
                                .asText())
                .isEqualTo("number");
        assertThat(written.get("items"))
                .extracting(item -> item.get("score"))
                .allSatisfy(score -> assertThat(score.isNumber()).as(score.toString()).isTrue());
        // a NaN ranks last: it is written as the lowest finite score, infinities as the extremes
        assertThat(written.get("items"))
                .extracting(item -> item.get("score").floatValue())
                .containsExactly(1f, -Float.MAX_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE);
        JsonNode deadSchema = MAPPER.readTree(resource("/schemas/dead-letter.v1.schema.json"));
        JsonNode dead =
                MAPPER.readTree(
                        DeadLetterJson.of(
                                "unparseable_json",
                                "x",
                                "events",
                                new io.streamrec.schema.RawRecord(
                                        "events", 0, 1L, new byte[] {1})));
        deadSchema
                .get("required")
                .forEach(f -> assertThat(dead.has(f.asText())).as(f.asText()).isTrue());
    }
}
