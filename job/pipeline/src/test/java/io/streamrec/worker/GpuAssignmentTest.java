package io.streamrec.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.junit.jupiter.api.Test;

class GpuAssignmentTest {
    private static ExternalResourceInfo info(Map<String, String> props) {
        return new ExternalResourceInfo() {
            @Override
            public Optional<String> getProperty(String key) {
                return Optional.ofNullable(props.get(key));
            }

            @Override
            public Collection<String> getKeys() {
                return props.keySet();
            }
        };
    }

    @Test
    void takesTheLowestAssignedIndex() {
        assertThat(
                        GpuAssignment.index(
                                List.of(info(Map.of("index", "3")), info(Map.of("index", " 1")))))
                .hasValue(1);
    }

    @Test
    void noAssignmentOrUnreadableIndexMeansNone() {
        assertThat(GpuAssignment.index(List.of())).isEmpty();
        assertThat(GpuAssignment.index(List.of(info(Map.of("uuid", "GPU-1"))))).isEmpty();
        assertThat(GpuAssignment.index(List.of(info(Map.of("index", "x"))))).isEmpty();
    }
}
