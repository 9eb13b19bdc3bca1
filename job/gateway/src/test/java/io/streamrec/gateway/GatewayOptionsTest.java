package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
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

    @Test
    void theLimitsHaveBoundedDefaults() {
        Configuration conf = new Configuration();

        assertThat(conf.get(GatewayOptions.MAX_BODY)).isEqualTo(MemorySize.parse("1 mb"));
        assertThat(conf.get(GatewayOptions.READ_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
        assertThat(conf.get(GatewayOptions.IDLE_TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
        assertThat(conf.get(GatewayOptions.MAX_PENDING_REQUESTS)).isEqualTo(1000);
        assertThat(conf.get(GatewayOptions.WORK_QUEUE)).isEqualTo(256);
        assertThat(conf.get(GatewayOptions.USER_RATE)).as("no per-user limit by default").isZero();
    }

    @ParameterizedTest
    @CsvSource({
        "gateway.port, 70000",
        "gateway.port, -1",
        "gateway.request-timeout, 0 s",
        "gateway.max-batch, 0",
        "gateway.threads, 0",
        "gateway.io-threads, 0",
        "gateway.work-queue, 0",
        "gateway.max-pending-requests, 0",
        "gateway.max-body, 0 b",
        "gateway.max-body, 3 gb",
        "gateway.read-timeout, 0 s",
        "gateway.idle-timeout, 0 s",
        "gateway.max-connections, 0",
        "gateway.user-rate, -1",
        "gateway.user-burst, 0",
        "gateway.rate-limited-users, 0"
    })
    void anOutOfRangeValueFailsNamingTheOption(String key, String value) {
        Configuration conf = Configuration.fromMap(Map.of(key, value));

        assertThatThrownBy(() -> GatewayOptions.validate(conf))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option " + key + " = ");
    }
}
