package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** The item interaction's terms, its gradient step and its snapshots. */
class ItemInteractionTest {
    private static final double LR = 0.1;
    private static final double ACC = 0.5;

    private static ItemInteraction interaction(int dim, int history) {
        return new ItemInteraction(new ItemInteraction.Settings(dim, history, LR, ACC, 0, 0.1, 3L));
    }

    @Test
    void aTermIsTheCandidatesVectorDotTheMeanOfTheLatestItemsVectors() {
        ItemInteraction terms = interaction(2, 2);
        terms.setVector("h1", new float[] {1, 2});
        terms.setVector("h2", new float[] {3, 0});
        terms.setVector("h3", new float[] {100, 100}); // beyond the latest 2: not read
        terms.setVector("a", new float[] {1, -1});

        // q = ((1, 2) + (3, 0)) / 2 = (2, 1); unknown items score 0 and make no vector
        float[] t = terms.terms(List.of("a", "unknown"), List.of("h1", "h2", "h3"));
        assertThat(t[0]).isCloseTo(2 * 1 + 1 * -1, offset(1e-6f));
        assertThat(t[1]).isZero();
        assertThat(terms.vector("unknown")).isNull();
        // no history: no term
        assertThat(terms.terms(List.of("a"), List.of())[0]).isZero();
    }

    /**
     * One lookup serves both a list's terms and its example: the example made from it holds the
     * slots a direct example would, new items made in the list's order (so their vectors are the
     * same), and the lookup itself made none.
     */
    @Test
    void anExampleFromALookupIsTheDirectExample() {
        ItemInteraction direct = interaction(3, 2);
        ItemInteraction looked = interaction(3, 2);
        for (ItemInteraction i : List.of(direct, looked)) {
            i.setVector("a", new float[] {1, 0, 2});
            i.setVector("h1", new float[] {0, 1, 1});
        }
        List<String> candidates = List.of("new1", "a", "new2");
        List<String> history = List.of("h1", "new3", "beyond");

        ItemInteraction.Lookup found = looked.find(candidates, history);
        assertThat(found.candidates()).containsExactly(-1, 0, -1);
        assertThat(found.history()).containsExactly(1, -1);
        assertThat(looked.size()).isEqualTo(2);
        assertThat(looked.terms(found)).containsExactly(looked.terms(candidates, history));

        ItemInteraction.Example e = looked.example(found, candidates, history);
        ItemInteraction.Example d = direct.example(candidates, history);
        assertThat(e.candidates()).containsExactly(d.candidates());
        assertThat(e.history()).containsExactly(d.history());
        for (String id : List.of("new1", "new2", "new3")) {
            assertThat(looked.vector(id)).containsExactly(direct.vector(id));
        }
        assertThat(found.candidates()).containsExactly(-1, 0, -1); // the lookup is left as found
    }

    /**
     * One list, candidates a (the target) and b at softmax 0.25 / 0.75, weight 2, history h and k:
     * q = (v_h + v_k) / 2, the residuals are r_a = 2 (0.25 − 1) = −1.5 and r_b = 2 · 0.75 = 1.5, so
     * g(v_a) = r_a q, g(v_b) = r_b q and g(v_h) = g(v_k) = (r_a v_a + r_b v_b) / 2, and each entry
     * moves by −lr g / sqrt(G0 + g²).
     */
    @Test
    void aStepFollowsTheHandComputedListwiseGradient() {
        ItemInteraction terms = interaction(2, 5);
        float[] va = {0.5f, -1f};
        float[] vb = {2f, 1f};
        float[] vh = {1f, 3f};
        float[] vk = {-1f, 1f};
        terms.setVector("a", va);
        terms.setVector("b", vb);
        terms.setVector("h", vh);
        terms.setVector("k", vk);
        ItemInteraction.Example e = terms.example(List.of("a", "b"), List.of("h", "k"));
        float[] q = {(vh[0] + vk[0]) / 2, (vh[1] + vk[1]) / 2};
        float[] before = terms.terms(e);
        assertThat(before[0]).isCloseTo(q[0] * va[0] + q[1] * va[1], offset(1e-6f));

        terms.step(List.of(e), new float[][] {{0.25f, 0.75f}}, new int[] {0}, new float[] {2f});

        float[] ga = {-1.5f * q[0], -1.5f * q[1]};
        float[] gb = {1.5f * q[0], 1.5f * q[1]};
        float[] gh = {(-1.5f * va[0] + 1.5f * vb[0]) / 2, (-1.5f * va[1] + 1.5f * vb[1]) / 2};
        assertMoved(terms.vector("a"), va, ga);
        assertMoved(terms.vector("b"), vb, gb);
        assertMoved(terms.vector("h"), vh, gh);
        assertMoved(terms.vector("k"), vk, gh);
        // the target's term rose, the other's fell
        float[] after = terms.terms(e);
        assertThat(after[0]).isGreaterThan(before[0]);
        assertThat(after[1]).isLessThan(before[1]);
    }

    private static void assertMoved(float[] actual, float[] before, float[] g) {
        for (int k = 0; k < before.length; k++) {
            double expected = before[k] - LR * g[k] / Math.sqrt(ACC + (double) g[k] * g[k]);
            assertThat((double) actual[k]).as("entry %d", k).isCloseTo(expected, offset(1e-6));
        }
    }

    /**
     * Users who took x want p, users who took y want r, among the same candidates: the vectors
     * learn the pairing from the lists alone.
     */
    @Test
    void trainingLearnsWhichCandidateGoesWithWhichHistory() {
        ItemInteraction terms = interaction(4, 3);
        List<String> candidates = List.of("p", "r", "s");
        for (int batch = 0; batch < 200; batch++) {
            List<ItemInteraction.Example> examples = new ArrayList<>();
            examples.add(terms.example(candidates, List.of("x")));
            examples.add(terms.example(candidates, List.of("y")));
            float[][] probabilities = new float[2][];
            for (int i = 0; i < 2; i++) {
                probabilities[i] = softmax(terms.terms(examples.get(i)));
            }
            terms.step(examples, probabilities, new int[] {0, 1}, new float[] {1f, 1f});
        }
        float[] forX = softmax(terms.terms(candidates, List.of("x")));
        float[] forY = softmax(terms.terms(candidates, List.of("y")));
        assertThat(forX[0]).isGreaterThan(0.9f);
        assertThat(forY[1]).isGreaterThan(0.9f);
    }

    private static float[] softmax(float[] s) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : s) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : s) {
            sum += Math.exp(v - max);
        }
        float[] p = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            p[i] = (float) (Math.exp(s[i] - max) / sum);
        }
        return p;
    }

    @Test
    void aSnapshotRestoresTheVectorsAndAnotherDimensionStartsFresh() throws IOException {
        ItemInteraction trained = interaction(3, 2);
        ItemInteraction.Example e = trained.example(List.of("a", "b"), List.of("h"));
        trained.step(List.of(e), new float[][] {{0.4f, 0.6f}}, new int[] {1}, new float[] {1f});
        byte[] bytes = snapshot(trained);

        ItemInteraction restored = interaction(3, 2);
        restored.readFrom(input(bytes));
        for (String id : List.of("a", "b", "h")) {
            assertThat(restored.vector(id)).containsExactly(trained.vector(id));
        }
        assertThat(snapshot(restored)).isEqualTo(bytes);
        assertThat(restored.terms(List.of("a", "b"), List.of("h")))
                .containsExactly(trained.terms(List.of("a", "b"), List.of("h")));

        ItemInteraction wider = interaction(4, 2);
        DataInputStream in = input(bytes);
        wider.readFrom(in);
        assertThat(in.available()).isZero();
        assertThat(wider.size()).isZero();
    }

    @Test
    void itemsInDifferentBlocksKeepTheirOwnVectorsThroughStepsAndASnapshot() throws IOException {
        // 100 dimensions: 128 items (12,800 entries) to a block, so 300 items fill three blocks
        ItemInteraction many = interaction(100, 1);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            items.add("item-" + i);
            float[] v = new float[100];
            v[i % 100] = i;
            many.setVector(items.get(i), v);
        }
        // one list across the blocks, trained twice: the second step reuses the scratch
        ItemInteraction.Example e =
                many.example(List.of("item-5", "item-140", "item-290"), List.of("item-200"));
        float[] before290 = many.vector("item-290");
        for (int pass = 0; pass < 2; pass++) {
            many.step(
                    List.of(e),
                    new float[][] {{0.2f, 0.3f, 0.5f}},
                    new int[] {2},
                    new float[] {1f});
        }
        for (int i = 0; i < 300; i++) {
            float[] v = many.vector(items.get(i));
            if (i == 5 || i == 140 || i == 290 || i == 200) {
                continue; // stepped
            }
            assertThat(v[i % 100]).as("item %d", i).isEqualTo((float) i);
        }
        // the target's score rose: its vector moved towards the query (item-200's vector)
        assertThat(many.vector("item-290")[0]).isGreaterThan(before290[0]);

        ItemInteraction restored = interaction(100, 1);
        restored.readFrom(input(snapshot(many)));
        for (String id : items) {
            assertThat(restored.vector(id)).as(id).containsExactly(many.vector(id));
        }
    }

    @Test
    void aStepMovesEachItemAsItWouldWhateverOrderTheItemsGotTheirSlotsIn() {
        // 40 items, more than a step's first scratch holds, shared between lists
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            items.add("item-" + i);
        }
        ItemInteraction forwards = interaction(3, 2);
        ItemInteraction backwards = interaction(3, 2);
        for (int i = 0; i < 40; i++) {
            forwards.setVector(items.get(i), new float[] {i, 1, -i});
            int j = 39 - i;
            backwards.setVector(items.get(j), new float[] {j, 1, -j});
        }
        Map<String, float[]> expected = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            expected.put(items.get(i), new float[] {i, 1, -i});
        }
        float[][] p = new float[4][12];
        for (float[] row : p) {
            Arrays.fill(row, 1f / 12);
        }
        int[] targets = {0, 3, 5, 11};
        float[] weights = {1f, 1f, 0.5f, 2f};
        List<List<String>> candidates = new ArrayList<>();
        for (int l = 0; l < 4; l++) {
            candidates.add(items.subList(l * 8, l * 8 + 12));
        }
        List<String> history = items.subList(36, 38);
        for (ItemInteraction vectors : List.of(forwards, backwards)) {
            List<ItemInteraction.Example> lists = new ArrayList<>();
            for (List<String> list : candidates) {
                lists.add(vectors.example(list, history));
            }
            for (int pass = 0; pass < 2; pass++) {
                vectors.step(lists, p, targets, weights);
            }
        }
        Map<String, float[]> sums = new HashMap<>();
        for (int pass = 0; pass < 2; pass++) {
            denseStep(expected, sums, candidates, history, p, targets, weights);
        }
        for (String id : items) {
            assertThat(forwards.vector(id)).as(id).containsExactly(expected.get(id));
            assertThat(backwards.vector(id)).as(id).containsExactly(expected.get(id));
        }
        assertThat(expected.get("item-20")).isNotEqualTo(new float[] {20, 1, -20});
    }

    /**
     * The step as the class documents it, with a gradient per item id: the same float sums in the
     * same order, whatever scratch the class keeps them in.
     */
    private static void denseStep(
            Map<String, float[]> vectors,
            Map<String, float[]> accumulators,
            List<List<String>> candidates,
            List<String> history,
            float[][] p,
            int[] targets,
            float[] weights) {
        int dim = vectors.values().iterator().next().length;
        Map<String, float[]> gradient = new LinkedHashMap<>();
        for (int i = 0; i < candidates.size(); i++) {
            float[] q = new float[dim];
            for (String h : history) {
                for (int k = 0; k < dim; k++) {
                    q[k] += vectors.get(h)[k];
                }
            }
            for (int k = 0; k < dim; k++) {
                q[k] /= history.size();
            }
            float[] gq = new float[dim];
            for (int j = 0; j < candidates.get(i).size(); j++) {
                String c = candidates.get(i).get(j);
                float r = weights[i] * (p[i][j] - (j == targets[i] ? 1f : 0f));
                float[] g = gradient.computeIfAbsent(c, x -> new float[dim]);
                for (int k = 0; k < dim; k++) {
                    g[k] += r * q[k];
                    gq[k] += r * vectors.get(c)[k];
                }
            }
            float share = 1f / history.size();
            for (String h : history) {
                float[] g = gradient.computeIfAbsent(h, x -> new float[dim]);
                for (int k = 0; k < dim; k++) {
                    g[k] += gq[k] * share;
                }
            }
        }
        gradient.forEach(
                (id, g) -> {
                    float[] v = vectors.get(id);
                    float[] a = accumulators.computeIfAbsent(id, x -> filled(dim, (float) ACC));
                    for (int k = 0; k < dim; k++) {
                        double acc = a[k] + (double) g[k] * g[k];
                        a[k] = (float) acc;
                        v[k] = (float) (v[k] - LR * g[k] / (Math.sqrt(acc) + 1e-8));
                    }
                });
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }

    @Test
    void aSnapshotOfACorruptDimensionIsRefusedWithWhatWasRead() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(ItemInteraction.SNAPSHOT_VERSION);
        out.writeInt(-1); // dimension
        out.writeInt(0);

        assertThatThrownBy(
                        () ->
                                interaction(2, 2)
                                        .readFrom(
                                                new DataInputStream(
                                                        new ByteArrayInputStream(
                                                                bytes.toByteArray()))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("-1 read for ItemInteraction.dimension");
    }

    /**
     * Serving writes its learned state through Flink's {@code DataOutputSerializer} (a checkpoint's
     * pause on the task thread); restores and the committed fixtures read it as a {@code
     * DataOutput} stream wrote it, ids in modified UTF-8 included.
     */
    @Test
    void aSnapshotThroughFlinksSerializerIsTheBytesOfADataOutputStream() throws IOException {
        ItemInteraction trained = interaction(3, 2);
        List<String> ids = List.of("tt0111161", "Amélie", "a\u0000b", "\uD83C\uDFAC film");
        ItemInteraction.Example e = trained.example(ids, List.of("h"));
        trained.step(
                List.of(e),
                new float[][] {{0.1f, 0.2f, 0.3f, 0.4f}},
                new int[] {2},
                new float[] {1f});

        DataOutputSerializer serializer = new DataOutputSerializer(16);
        trained.writeTo(serializer);

        assertThat(serializer.getCopyOfBuffer()).isEqualTo(snapshot(trained));
    }

    @Test
    void theSameSeedAndIdGiveTheSameFreshVectorWhateverTheOrder() {
        ItemInteraction one = interaction(4, 2);
        ItemInteraction other = interaction(4, 2);
        one.example(List.of("a", "b"), List.of());
        other.example(List.of("b", "a"), List.of());
        assertThat(one.vector("a")).containsExactly(other.vector("a"));
        assertThat(one.vector("a")).isNotEqualTo(one.vector("b"));
    }

    private static byte[] snapshot(ItemInteraction terms) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        terms.writeTo(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }
}
