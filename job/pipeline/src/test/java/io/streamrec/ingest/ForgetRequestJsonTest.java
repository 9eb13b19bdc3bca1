package io.streamrec.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.records.InvalidRecordException;
import io.streamrec.records.RequestJsonCodec;
import io.streamrec.schema.RecommendationRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A forget request on the requests topic, {@code "forget":true}, reads as a request with {@code k}
 * = {@link RecommendationRequest#FORGET}, which no recommendation request can have (k is 1..1000),
 * and writes back the same way.
 */
class ForgetRequestJsonTest {
    private final RequestJsonCodec codec = new RequestJsonCodec();

    @Test
    void aForgetRequestRoundTrips() throws Exception {
        RecommendationRequest forget = codec.parse(json("{\"forget\":true,\"timestamp\":5}"));
        assertThat(forget.isForget()).isTrue();
        assertThat(forget).isEqualTo(RecommendationRequest.forget("r1", "u", 5L));
        assertThat(new String(RequestJsonCodec.toJson(forget), StandardCharsets.UTF_8))
                .contains("\"forget\":true")
                .doesNotContain("\"k\"");
        assertThat(codec.parse(RequestJsonCodec.toJson(forget))).isEqualTo(forget);
    }

    @Test
    void forgetFalseIsARecommendationRequest() throws Exception {
        assertThat(codec.parse(json("{\"forget\":false,\"k\":3}")).isForget()).isFalse();
    }

    @Test
    void aForgetThatIsNotABooleanIsRejected() {
        assertThatThrownBy(() -> codec.parse(json("{\"forget\":\"yes\"}")))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo("wrong_type"));
    }

    private static byte[] json(String fields) {
        return ("{\"requestId\":\"r1\",\"userId\":\"u\"," + fields.substring(1))
                .getBytes(StandardCharsets.UTF_8);
    }
}
