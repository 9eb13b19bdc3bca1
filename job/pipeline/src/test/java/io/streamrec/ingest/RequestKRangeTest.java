package io.streamrec.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamrec.records.InvalidRecordException;
import io.streamrec.records.RequestJsonCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request's k is 1..1000 or the request is dead-lettered with a reason; it never wraps around.
 */
class RequestKRangeTest {
    private final RequestJsonCodec codec = new RequestJsonCodec();

    @ParameterizedTest(name = "k={0}")
    @CsvSource({
        "2147483648, out_of_range",
        "4294967306, out_of_range", // 2^32 + 10: intValue() would read 10
        "-4294967295, out_of_range", // intValue() would read 1
        "9223372036854775817, out_of_range", // beyond a long: intValue() would read 9
        "1e20, wrong_type",
        "3.5, wrong_type",
        "0, out_of_range",
        "1001, out_of_range"
    })
    void aKOutsideTheRangeOrNotAnIntegerIsRejectedWithAReason(String k, String reason) {
        assertThatThrownBy(() -> codec.parse(request(k)))
                .isInstanceOfSatisfying(
                        InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @ParameterizedTest(name = "k={0}")
    @ValueSource(ints = {1, 10, RequestJsonCodec.MAX_K})
    void aKInRangeIsRead(int k) throws Exception {
        assertThat(codec.parse(request(String.valueOf(k))).k()).isEqualTo(k);
    }

    private static byte[] request(String k) {
        return ("{\"requestId\":\"r1\",\"userId\":\"u\",\"k\":" + k + "}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
