package io.streamrec.worker;

import java.util.Collection;
import java.util.OptionalInt;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;

/**
 * The GPU that Flink's external resource framework assigned to this slot ({@code
 * external-resources: gpu} with the GPU driver in the TaskManager's config). The driver reports
 * each GPU as an info with an {@code index} property (the CUDA device index).
 */
public final class GpuAssignment {
    /** Name of the external resource in the TaskManager configuration. */
    public static final String RESOURCE_NAME = "gpu";

    private GpuAssignment() {}

    /** The first assigned GPU's index, or empty when Flink assigned none. */
    public static OptionalInt index(Collection<ExternalResourceInfo> infos) {
        return infos.stream()
                .map(i -> i.getProperty("index"))
                .flatMap(java.util.Optional::stream)
                .mapToInt(GpuAssignment::parseIndex)
                .filter(i -> i >= 0)
                .sorted()
                .findFirst();
    }

    private static int parseIndex(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
