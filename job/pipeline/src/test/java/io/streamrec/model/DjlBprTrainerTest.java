package io.streamrec.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks the DJL gradients of the BPR loss against central finite differences. */
class DjlBprTrainerTest {
    private static final ModelConfig CONFIG = new ModelConfig(8, 3, 4, 86_400_000L, 7L);
    private static DjlBprTrainer trainer;

    @BeforeAll
    static void startEngine() {
        trainer = new DjlBprTrainer(Device.cpu());
    }

    @AfterAll
    static void stopEngine() {
        trainer.close();
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        TrainingBatch batch = randomBatch(new Random(42), true);
        BatchGradients grads = trainer.gradients(batch);

        assertThat(grads.loss()).isCloseTo(BprModel.loss(batch), within(1e-4 * batch.size));
        int d = CONFIG.dim();
        int checked = checkUserAndItemEmbeddings(batch, grads);
        checked +=
                check(batch, batch.itemBias, grads, i -> RowKeys.item(batch.items.get(i)), i -> d);
        checked +=
                check(
                        batch,
                        batch.attributeWeights,
                        grads,
                        i -> RowKeys.attribute(batch.attributes.get(i / d)),
                        i -> i % d);
        checked += check(batch, batch.denseW, grads, i -> RowKeys.DENSE_W, i -> i);
        checked += check(batch, batch.denseC, grads, i -> RowKeys.DENSE_C, i -> i);
        checked += check(batch, batch.densePhi, grads, i -> RowKeys.DENSE_PHI, i -> i);
        assertThat(checked).isGreaterThan(250);
    }

    @Test
    void gradientsOfThePretrainedContentProjectionMatchFiniteDifferences() {
        ModelConfig withVectors = new ModelConfig(6, 2, 3, 86_400_000L, 9L, 5);
        TrainingBatch batch = randomBatch(new Random(8), true, withVectors);
        assertThat(batch.contentVectors).hasSize(batch.items.size() * 5);
        BatchGradients grads = trainer.gradients(batch);
        assertThat(grads.loss()).isCloseTo(BprModel.loss(batch), within(1e-4 * batch.size));
        int checked = check(batch, batch.denseU, grads, i -> RowKeys.DENSE_U, i -> i);
        checked += check(batch, batch.denseW, grads, i -> RowKeys.DENSE_W, i -> i);
        assertThat(checked).isEqualTo(5 * 6 + 6 * 6);
        assertThat(batch.contributions.get(RowKeys.DENSE_U)).isEqualTo(batch.size);
    }

    @Test
    void weightedExamplesMatchTheReferenceAndFiniteDifferences() {
        float[] weights = {0.5f, 2f, 0f, 1f, 3f, 0.25f}; // differ within the batch, one ignored
        TrainingBatch batch = randomBatch(new Random(42), true, CONFIG, b -> weights[b]);
        assertThat(batch.exampleWeight).containsExactly(weights);
        BatchGradients grads = trainer.gradients(batch);

        assertThat(grads.loss()).isCloseTo(BprModel.loss(batch), within(1e-4 * batch.size));
        int checked = checkUserAndItemEmbeddings(batch, grads);
        checked += check(batch, batch.denseW, grads, i -> RowKeys.DENSE_W, i -> i);
        checked += check(batch, batch.densePhi, grads, i -> RowKeys.DENSE_PHI, i -> i);
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void aWeightOfTwoDoublesTheLossAndEveryGradient() {
        TrainingBatch once = randomBatch(new Random(11), true, CONFIG, b -> 1f);
        TrainingBatch twice = randomBatch(new Random(11), true, CONFIG, b -> 2f);
        BatchGradients g1 = trainer.gradients(once);
        BatchGradients g2 = trainer.gradients(twice);

        assertThat(BprModel.loss(twice)).isCloseTo(2 * BprModel.loss(once), within(1e-9));
        assertThat((double) g2.loss()).isCloseTo(2.0 * g1.loss(), within(1e-4));
        assertThat(g2.rows().keySet()).isEqualTo(g1.rows().keySet());
        for (Map.Entry<String, float[]> row : g1.rows().entrySet()) {
            float[] doubled = g2.rows().get(row.getKey());
            for (int i = 0; i < doubled.length; i++) {
                assertThat((double) doubled[i])
                        .as("d loss / d %s[%d]", row.getKey(), i)
                        .isCloseTo(2.0 * row.getValue()[i], within(1e-5));
            }
        }
    }

    @Test
    void examplesOfWeightZeroContributeNoGradient() {
        TrainingBatch batch = randomBatch(new Random(4), true, CONFIG, b -> 0f);
        BatchGradients grads = trainer.gradients(batch);
        assertThat(Math.abs(grads.loss())).isEqualTo(0.0);
        for (float[] g : grads.rows().values()) {
            for (float x : g) {
                assertThat(Math.abs(x)).isEqualTo(0f);
            }
        }
    }

    @Test
    void itemsWithoutAttributesTrainToo() {
        TrainingBatch batch = randomBatch(new Random(3), false);
        BatchGradients grads = trainer.gradients(batch);
        assertThat(batch.attributes).isEmpty();
        assertThat(grads.loss()).isCloseTo(BprModel.loss(batch), within(1e-4 * batch.size));
        assertThat(grads.rows().get(RowKeys.DENSE_C)).hasSize(CONFIG.dim());
    }

    @Test
    void contributionsCountExamplesPerRow() {
        TrainingBatch batch = randomBatch(new Random(5), true);
        assertThat(batch.contributions.get(RowKeys.DENSE_W)).isEqualTo(batch.size);
        int userContributions =
                batch.contributions.entrySet().stream()
                        .filter(e -> RowKeys.isUser(e.getKey()))
                        .mapToInt(Map.Entry::getValue)
                        .sum();
        assertThat(userContributions).isEqualTo(batch.size);
    }

    private static org.assertj.core.data.Offset<Double> within(double v) {
        return org.assertj.core.data.Offset.offset(v);
    }

    private interface IndexToKey {
        String key(int flatIndex);
    }

    private interface IndexToOffset {
        int offset(int flatIndex);
    }

    /** Compares every coordinate of {@code values} with a central difference of the loss. */
    /** Checks the user weights and item embeddings; returns how many entries it checked. */
    private static int checkUserAndItemEmbeddings(TrainingBatch batch, BatchGradients grads) {
        int d = CONFIG.dim();
        return check(
                        batch,
                        batch.userWeights,
                        grads,
                        i -> RowKeys.user(batch.users.get(i / d)),
                        i -> i % d)
                + check(
                        batch,
                        batch.itemEmbeddings,
                        grads,
                        i -> RowKeys.item(batch.items.get(i / d)),
                        i -> i % d);
    }

    private static int check(
            TrainingBatch batch,
            float[] values,
            BatchGradients grads,
            IndexToKey key,
            IndexToOffset offset) {
        double eps = 1e-3;
        for (int i = 0; i < values.length; i++) {
            float original = values[i];
            values[i] = (float) (original + eps);
            double plus = BprModel.loss(batch);
            values[i] = (float) (original - eps);
            double minus = BprModel.loss(batch);
            values[i] = original;
            double numeric = (plus - minus) / (2 * eps);
            double analytic = grads.rows().get(key.key(i))[offset.offset(i)];
            assertThat(analytic)
                    .as("d loss / d %s[%d]", key.key(i), offset.offset(i))
                    .isCloseTo(numeric, within(2e-3 + 1e-2 * Math.abs(numeric)));
        }
        return values.length;
    }

    static TrainingBatch randomBatch(Random random, boolean withAttributes) {
        return randomBatch(random, withAttributes, CONFIG);
    }

    static TrainingBatch randomBatch(Random random, boolean withAttributes, ModelConfig config) {
        return randomBatch(random, withAttributes, config, b -> 1f);
    }

    /** A batch of six examples, example {@code b} of weight {@code weight.apply(b)}. */
    static TrainingBatch randomBatch(
            Random random,
            boolean withAttributes,
            ModelConfig config,
            java.util.function.IntFunction<Float> weight) {
        int k = config.negatives();
        List<TrainingExample> examples = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            String[] negatives = new String[k];
            float[][] negFeatures = new float[k][];
            for (int j = 0; j < k; j++) {
                negatives[j] = "n" + random.nextInt(10);
                negFeatures[j] = new float[] {random.nextFloat(), random.nextFloat() * 3};
            }
            String[] history = new String[b % 5];
            for (int h = 0; h < history.length; h++) {
                history[h] = "h" + random.nextInt(6);
            }
            examples.add(
                    new TrainingExample(
                            "e" + b,
                            "user" + (b % 4),
                            "p" + random.nextInt(5),
                            negatives,
                            history,
                            new float[] {random.nextFloat(), random.nextFloat() * 3},
                            negFeatures,
                            1000L * b,
                            weight.apply(b)));
        }
        Map<String, float[]> rows = new HashMap<>();
        ModelRowInitializer init = new ModelRowInitializer(config, 0.5);
        return TrainingBatch.of(
                examples,
                config,
                item ->
                        withAttributes
                                ? List.of(
                                                "g" + Math.abs(item.hashCode() % 3),
                                                "g" + Math.abs(item.hashCode() % 5))
                                        .stream()
                                        .distinct()
                                        .toList()
                                : List.of(),
                item -> vector(item, config.contentDim()),
                key -> rows.computeIfAbsent(key, x -> perturb(init.initialWeights(x), random)));
    }

    /** A fixed pseudo-random pretrained vector per item; every third item has none. */
    private static float[] vector(String item, int p) {
        if (p == 0 || Math.abs(item.hashCode()) % 3 == 0) {
            return new float[0];
        }
        Random r = new Random(item.hashCode());
        float[] x = new float[p];
        for (int i = 0; i < p; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    private static float[] perturb(float[] w, Random random) {
        for (int i = 0; i < w.length; i++) {
            w[i] += (float) (random.nextGaussian() * 0.3);
        }
        return w;
    }
}
