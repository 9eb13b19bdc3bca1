package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The float serving passes against the double reference, over block boundaries. */
class ScorerForwardTest {
    private static final ScorerLayout LAYOUT = new ScorerLayout(49);

    static Stream<Arguments> passes() {
        return Stream.of(
                Arguments.of("plain", (Function<ScorerLayout, ScorerPass>) ScorerForward::new),
                Arguments.of(
                        "vector", (Function<ScorerLayout, ScorerPass>) VectorScorerForward::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("passes")
    void theServingPassScoresAsTheReferenceDoes(
            String name, Function<ScorerLayout, ScorerPass> make) {
        Random random = new Random(5);
        ScorerPass pass = make.apply(LAYOUT);
        // a long list first: the vector pass's lanes past a shorter list's end then hold its values
        for (int candidates : new int[] {300, 1, 127, 128, 129, 5}) {
            float[] p = RandomLists.parameters(random, LAYOUT);
            FeatureList list = RandomLists.list(random, candidates, LAYOUT.features());
            double[] reference = ScorerForward.scores(LAYOUT, p, list);
            float[] served = pass.score(p, list);
            assertThat(served).hasSize(candidates);
            for (int c = 0; c < candidates; c++) {
                assertThat((double) served[c])
                        .as("%s pass, candidate %d of %d", name, c, candidates)
                        .isCloseTo(reference[c], offset(tolerance(reference[c])));
            }
        }
    }

    @Test
    void aJvmWithoutTheVectorModuleScoresWithThePlainPass() throws Exception {
        // a cluster started without the flag must still score: the vector class is never loaded
        Process jvm =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                WithoutTheVectorModule.class.getName())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(jvm.exitValue()).as(output).isZero();
        assertThat(output).contains("pass ScorerForward, scores as the reference");
    }

    /** How far a float pass may be from the double reference: relative, or absolute near 0. */
    private static double tolerance(double reference) {
        return 1e-5 * Math.max(1.0, Math.abs(reference));
    }

    /** Run by the test above in a JVM of its own, started without any module flag. */
    static final class WithoutTheVectorModule {
        public static void main(String[] args) {
            Random random = new Random(5);
            ScorerPass pass = ScorerForward.fastest(LAYOUT);
            float[] p = RandomLists.parameters(random, LAYOUT);
            FeatureList list = RandomLists.list(random, 130, LAYOUT.features());
            double[] reference = ScorerForward.scores(LAYOUT, p, list);
            float[] served = pass.score(p, list);
            for (int c = 0; c < served.length; c++) {
                if (Math.abs(served[c] - reference[c]) > tolerance(reference[c])) {
                    System.exit(2);
                }
            }
            System.out.println(
                    "pass " + pass.getClass().getSimpleName() + ", scores as the reference");
        }
    }

    @Test
    void theTestJvmHasTheVectorModuleSoServingUsesTheVectorPass() {
        // pom.xml's jvm.add-opens carries --add-modules=jdk.incubator.vector, as the scripts and
        // the Flink configuration do: without it serving would silently take the slower pass
        assertThat(ModuleLayer.boot().findModule(ScorerForward.VECTOR_MODULE)).isPresent();
        assertThat(ScorerForward.fastest(LAYOUT)).isInstanceOf(VectorScorerForward.class);
    }
}
