package io.streamrec.gateway;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway runs without the pipeline's model libraries: DJL, its PyTorch engine and natives, and
 * hnswlib stay off its classpath ({@code job/gateway/pom.xml} excludes them from the job's
 * artifact), so that the HTTP edge neither ships nor loads them. The test classpath is the runtime
 * one plus JUnit and AssertJ.
 */
class GatewayClasspathTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ai.djl.Device",
                "ai.djl.pytorch.engine.PtEngine",
                "com.github.jelmerk.hnswlib.core.Index"
            })
    void aModelLibraryIsNotOnTheGatewaysClasspath(String className) {
        assertThatThrownBy(
                        () ->
                                Class.forName(
                                        className,
                                        false,
                                        GatewayClasspathTest.class.getClassLoader()))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
