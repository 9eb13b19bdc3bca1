package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.records.EventJsonCodec;
import io.streamrec.records.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code POST /events} bodies split into their records as sent. */
class GatewayBatchSplitTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> split(String body, int maxBatch) {
        List<byte[]> records = EventBatchSplitter.split(bytes(body), maxBatch);
        return records == null
                ? null
                : records.stream().map(r -> new String(r, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void anArraysElementsAreTheirBytesAsSent() {
        assertThat(split("[ {\"a\": 1, \"b\": [1, {\"c\": \"ü\"}]} ,2,\"x\" ]", 10))
                .containsExactly("{\"a\": 1, \"b\": [1, {\"c\": \"ü\"}]}", "2", "\"x\"");
        assertThat(split("{\"a\":1}", 10)).containsExactly("{\"a\":1}");
        assertThat(split("[1,2,3]", 2)).isNull();
    }

    @Test
    void anEventInAnArrayThatGivesAKeyTwiceIsRefusedAsWhenSentAlone() {
        String twice =
                "{\"eventId\":\"e1\",\"eventId\":\"e2\",\"userId\":\"u42\",\"itemId\":\"i1\","
                        + "\"type\":\"click\",\"timestamp\":1}";
        EventJsonCodec codec = new EventJsonCodec();

        List<byte[]> records = EventBatchSplitter.split(bytes("[" + twice + "]"), 10);

        assertThat(records).hasSize(1);
        for (byte[] record : List.of(records.get(0), bytes(twice))) {
            assertThatThrownBy(() -> codec.parse(record))
                    .isInstanceOf(InvalidRecordException.class)
                    .satisfies(
                            e ->
                                    assertThat(((InvalidRecordException) e).reason())
                                            .isEqualTo("unparseable_json"));
        }
    }

    @Test
    void anArrayInUtf16HasNoByteOffsetsAndIsSplitByItsElements() {
        byte[] utf16 = "[{\"a\":1},{\"b\":2}]".getBytes(StandardCharsets.UTF_16BE);

        List<byte[]> records = EventBatchSplitter.split(utf16, 10);

        assertThat(records)
                .extracting(r -> new String(r, StandardCharsets.UTF_8))
                .containsExactly("{\"a\":1}", "{\"b\":2}");
    }

    @Test
    void aUtf16ArrayWhoseElementGivesAKeyTwiceIsRefusedWhole() {
        byte[] utf16 = "[{\"a\":1,\"a\":2}]".getBytes(StandardCharsets.UTF_16BE);

        assertThat(EventBatchSplitter.split(utf16, 10)).singleElement().isEqualTo(utf16);
    }
}
