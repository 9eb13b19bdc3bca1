package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway runs without the pipeline: it depends on the wire module (codecs, topics, Kafka and
 * validation options) only, so neither the job's classes nor its model libraries (DJL, its PyTorch
 * engine and natives, hnswlib) are on its classpath, and the HTTP edge neither ships nor loads
 * them. The test classpath is the runtime one plus JUnit and AssertJ.
 */
class GatewayClasspathTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ai.djl.Device",
                "ai.djl.pytorch.engine.PtEngine",
                "com.github.jelmerk.hnswlib.core.Index",
                "io.streamrec.job.StreamrecJob",
                "io.streamrec.job.JobSettings"
            })
    void neitherThePipelineNorAModelLibraryIsOnTheGatewaysClasspath(String className) {
        assertThatThrownBy(
                        () ->
                                Class.forName(
                                        className,
                                        false,
                                        GatewayClasspathTest.class.getClassLoader()))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
