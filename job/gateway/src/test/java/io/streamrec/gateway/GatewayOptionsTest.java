package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayOptionsTest {

    @Test
    void theDefaultsAndAnyFreePortAreValid() {
        assertThatCode(() -> GatewayOptions.validate(new Configuration()))
                .doesNotThrowAnyException();
        assertThatCode(
                        () ->
                                GatewayOptions.validate(
                                        Configuration.fromMap(Map.of("gateway.port", "0"))))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource({
        "gateway.port, 70000",
        "gateway.port, -1",
        "gateway.request-timeout, 0 s",
        "gateway.max-batch, 0",
        "gateway.threads, 0"
    })
    void anOutOfRangeValueFailsNamingTheOption(String key, String value) {
        Configuration conf = Configuration.fromMap(Map.of(key, value));

        assertThatThrownBy(() -> GatewayOptions.validate(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option " + key + " = ");
    }
}
