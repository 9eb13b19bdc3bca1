package io.streamrec.ranking;

import io.streamrec.ps.RowUpdater;
import io.streamrec.schema.ReadBounds;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A low-rank interaction term added to the scorer's score of each candidate: {@code q(u)·v_j},
 * where {@code v_j} is a learned vector per item and {@code q(u)} the mean vector of the user's
 * latest {@link Settings#historyItems} items. There are no per-user rows: a user's query is built
 * from the items it takes, so a new user (no history: no term) and another catalog need nothing
 * else.
 *
 * <p>Trained jointly with the scorer by the same listwise softmax loss: the gradient of list i's
 * loss with respect to candidate j's score is {@code r_ij = weight_i · (softmax_ij − y_ij)}, at
 * scores that include the term ({@link CandidateRanker} passes the terms to the DJL pass as
 * offsets), so {@code ∂/∂v_j = r_ij q_i} and, through the mean, {@code ∂/∂v_h = Σ_j r_ij v_j / H}
 * for each of the H history items h. Each list's gradient is added (not averaged over the batch: an
 * item is in few of a batch's lists), and touched entries take an AdaGrad step with L2.
 *
 * <p>Items are keyed by id, not by the statistics' dense index, so the vectors survive a rescale's
 * reindexing; a new item's vector is drawn from the seed and its id, whatever the order items
 * arrive in. MovieTweetings replay HR@10 +0.0005 / +0.0006 / +0.0006 (seeds 42 / 7 / 1), users with
 * at least 20 events +0.0006 / +0.0006, at no measurable CPU: small, below what one seed moves, but
 * on every seed (BENCHMARKS, "Item vectors trained with the ranker"). Not thread-safe.
 */
public final class ItemInteraction {
    /** Version of the {@link #writeTo} format. */
    static final byte SNAPSHOT_VERSION = 1;

    /**
     * The largest dimension a snapshot may name (the ranker's vectors are far shorter): read before
     * two vectors of it are allocated per item, so corrupt bytes cost no more than this.
     */
    static final int MAX_DIMENSION = 1 << 16;

    private static final double EPSILON = 1e-8;

    /**
     * @param dimension length of the item vectors; 0: no term
     * @param historyItems the user's latest items whose vectors are averaged into the query
     * @param learningRate AdaGrad's step size
     * @param initialAccumulator AdaGrad's starting squared-gradient sum
     * @param l2 L2 strength on the entries a batch touches
     * @param initialScale standard deviation of a new item vector's entries: small, so the
     *     untrained term barely moves the scores, and not zero, so the vectors can leave zero
     * @param seed seeds the item vectors (with each item's id)
     */
    public record Settings(
            int dimension,
            int historyItems,
            double learningRate,
            double initialAccumulator,
            double l2,
            double initialScale,
            long seed) {
        public Settings {
            if (dimension < 0 || historyItems < 0) {
                throw new IllegalArgumentException(
                        "item vector dimension and history must be >= 0: "
                                + dimension
                                + ", "
                                + historyItems);
            }
            if (!(learningRate >= 0) || !(initialAccumulator > 0) || !(l2 >= 0)) {
                throw new IllegalArgumentException(
                        "learning rate and L2 must be >= 0, the accumulator > 0: "
                                + learningRate
                                + ", "
                                + initialAccumulator
                                + ", "
                                + l2);
            }
        }

        /**
         * 16 dimensions over the latest 10 items, the scorer's AdaGrad step (0.05, accumulator
         * 0.1). Other settings measured on MovieTweetings (seed 42, HR@10 against none): 8
         * dimensions +0.0001, 32 +0.0006; the latest 5 or 20 items +0.0007 / +0.0005; steps of 0.02
         * / 0.2 +0.0004 / -0.0011; entries drawn at 0.3 instead of 0.1 (32 dimensions, no L2)
         * -0.0011.
         */
        public static Settings defaults(long seed) {
            return new Settings(16, 10, 0.05, 0.1, 1e-4, 0.1, seed);
        }

        /** No term. */
        public static Settings off() {
            return new Settings(0, 0, 0.05, 0.1, 0, 0, 0L);
        }

        public Settings withDimension(int d) {
            return new Settings(
                    d, historyItems, learningRate, initialAccumulator, l2, initialScale, seed);
        }

        public boolean on() {
            return dimension > 0 && historyItems > 0;
        }
    }

    /** A training list's candidates and the user's latest items (most recent first), as slots. */
    public record Example(int[] candidates, int[] history) {}

    /**
     * Entries per block of vectors (or of AdaGrad sums) at most: 64 KB, a power of two items.
     * Blocks, not one array as long as the catalog, which every serving subtask holds: G1 gives an
     * array of half a region or more whole regions of its own (at 100k items and 16 dimensions, 8
     * MB and 16 bytes took two 8 MB regions), and growing it copied it whole.
     */
    private static final int BLOCK_ENTRIES = 1 << 14;

    private final Settings settings;
    private final int dim;

    /**
     * Items per block, a power of two: slot {@code s} is at {@code s & blockMask} of block {@code s
     * >>> blockShift}.
     */
    private final int blockShift;

    private final int blockMask;
    private final Map<String, Integer> slots = new HashMap<>();
    private final List<String> ids = new ArrayList<>();
    private float[][] vectors = new float[0][];
    private float[][] accumulators = new float[0][];

    // a step's scratch, sized by the slots it touches, not by every item (which every serving
    // subtask holds): per slot its place among them + 1 (0: untouched), and their gradients
    private int[] touchedAt = new int[0];
    private int[] touchedSlots = new int[16];
    private float[] gradient = new float[0];

    public ItemInteraction(Settings settings) {
        this.settings = settings;
        this.dim = settings.on() ? settings.dimension() : 0;
        this.blockShift =
                Integer.numberOfTrailingZeros(
                        Integer.highestOneBit(Math.max(1, BLOCK_ENTRIES / Math.max(1, dim))));
        this.blockMask = (1 << blockShift) - 1;
    }

    /** The block of vectors holding slot {@code s}'s, at {@link #offset}. */
    private float[] vectorBlock(int s) {
        return vectors[s >>> blockShift];
    }

    private float[] accumulatorBlock(int s) {
        return accumulators[s >>> blockShift];
    }

    /** Where slot {@code s}'s entries start in its block. */
    private int offset(int s) {
        return (s & blockMask) * dim;
    }

    public Settings settings() {
        return settings;
    }

    public boolean on() {
        return dim > 0;
    }

    /** How many of a user's latest items the query reads. */
    public int historyItems() {
        return settings.historyItems();
    }

    /** Items with a vector. */
    public int size() {
        return ids.size();
    }

    /** The slot of an item, -1 when it has none. */
    private int find(String itemId) {
        Integer s = slots.get(itemId);
        return s == null ? -1 : s;
    }

    /** The slot of an item, made with a fresh vector when it has none. */
    private int slot(String itemId) {
        if (dim == 0) {
            throw new IllegalStateException("the item interaction is off");
        }
        Integer s = slots.get(itemId);
        if (s != null) {
            return s;
        }
        int slot = ids.size();
        ids.add(itemId);
        slots.put(itemId, slot);
        int block = slot >>> blockShift;
        if (block == vectors.length) {
            int grown = Math.max(4, block + (block >> 1));
            vectors = Arrays.copyOf(vectors, grown);
            accumulators = Arrays.copyOf(accumulators, grown);
        }
        if (vectors[block] == null) {
            vectors[block] = new float[(blockMask + 1) * dim];
            accumulators[block] = new float[(blockMask + 1) * dim];
        }
        if (slot == touchedAt.length) {
            touchedAt = Arrays.copyOf(touchedAt, Math.max(16, 2 * slot));
        }
        Random random = new Random(settings.seed() * 1_000_003L + itemId.hashCode());
        float[] v = vectors[block];
        float[] a = accumulators[block];
        for (int k = offset(slot); k < offset(slot) + dim; k++) {
            v[k] = (float) (random.nextGaussian() * settings.initialScale());
            a[k] = (float) settings.initialAccumulator();
        }
        return slot;
    }

    /**
     * The slots of a list's candidates and of the user's latest items ({@code history}, most recent
     * first, at most {@link #historyItems}) as they are now, -1 for an item without a vector: one
     * lookup per item for both the list's serving terms and its training example.
     */
    public record Lookup(int[] candidates, int[] history) {}

    /** Looks up a list's items; makes no vector. */
    public Lookup find(List<String> candidates, List<String> history) {
        int[] c = new int[candidates.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = find(candidates.get(i));
        }
        int[] h = new int[Math.min(history.size(), settings.historyItems())];
        for (int i = 0; i < h.length; i++) {
            h[i] = find(history.get(i));
        }
        return new Lookup(c, h);
    }

    /**
     * The example of a training list: slots of its candidates and of the user's latest items
     * ({@code history} most recent first), made where missing.
     */
    public Example example(List<String> candidates, List<String> history) {
        return example(find(candidates, history), candidates, history);
    }

    /**
     * The example of a list {@link #find} looked up (with no vector made since): the slots found,
     * and new ones made, in the list's order, for the items that had none.
     */
    public Example example(Lookup found, List<String> candidates, List<String> history) {
        int[] c = found.candidates().clone();
        for (int i = 0; i < c.length; i++) {
            if (c[i] < 0) {
                c[i] = slot(candidates.get(i));
            }
        }
        int[] h = found.history().clone();
        for (int i = 0; i < h.length; i++) {
            if (h[i] < 0) {
                h[i] = slot(history.get(i));
            }
        }
        return new Example(c, h);
    }

    /**
     * The terms of {@code candidates} for a user whose latest items are {@code history} (most
     * recent first), for serving: an item without a vector counts as none. Makes no vector.
     */
    public float[] terms(List<String> candidates, List<String> history) {
        return terms(find(candidates, history));
    }

    /**
     * The serving terms of a list {@link #find} looked up: items without a vector count as none.
     */
    public float[] terms(Lookup found) {
        int[] h = found.history();
        int[] known = new int[h.length];
        int n = 0;
        for (int s : h) {
            if (s >= 0) {
                known[n++] = s;
            }
        }
        return terms(new Example(found.candidates(), Arrays.copyOf(known, n)));
    }

    /** The terms of an example's candidates at the current vectors; a slot of -1 gives 0. */
    public float[] terms(Example example) {
        int[] c = example.candidates();
        float[] out = new float[c.length];
        float[] q = query(example.history());
        if (q == null) {
            return out;
        }
        for (int i = 0; i < c.length; i++) {
            int s = c[i];
            if (s >= 0) {
                float[] block = vectorBlock(s);
                int o = offset(s);
                double v = 0;
                for (int k = 0; k < dim; k++) {
                    v += q[k] * block[o + k];
                }
                out[i] = (float) v;
            }
        }
        return out;
    }

    /** The mean vector of the history's slots; null without vectors or history. */
    private float[] query(int[] history) {
        if (dim == 0 || history.length == 0) {
            return null;
        }
        float[] q = new float[dim];
        for (int s : history) {
            float[] block = vectorBlock(s);
            int o = offset(s);
            for (int k = 0; k < dim; k++) {
                q[k] += block[o + k];
            }
        }
        for (int k = 0; k < dim; k++) {
            q[k] /= history.length;
        }
        return q;
    }

    /**
     * One AdaGrad step on the lists' summed loss gradient: list i's candidate j had softmax
     * probability {@code probabilities[i][j]} at scores including {@link #terms(Example)}, its
     * target is candidate {@code targets[i]} and its weight {@code weights[i]}.
     */
    public void step(
            List<Example> examples, float[][] probabilities, int[] targets, float[] weights) {
        if (dim == 0) {
            return;
        }
        int count = 0;
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            float[] q = query(e.history());
            if (q == null) {
                continue; // no history: the term is 0 whatever the vectors
            }
            count = addListGradient(e, q, probabilities[i], targets[i], weights[i], count);
        }
        adaGradStep(count);
    }

    /**
     * Adds one list's loss gradient, at query {@code q}, to the scratch gradients of its
     * candidates' and history items' slots; returns how many slots the step has touched now.
     */
    private int addListGradient(
            Example e, float[] q, float[] p, int target, float weight, int count) {
        int[] c = e.candidates();
        float[] gq = new float[dim];
        for (int j = 0; j < c.length; j++) {
            float r = weight * (p[j] - (j == target ? 1f : 0f));
            int s = c[j];
            count = touch(s, count);
            int g = (touchedAt[s] - 1) * dim;
            float[] block = vectorBlock(s);
            int o = offset(s);
            for (int k = 0; k < dim; k++) {
                gradient[g + k] += r * q[k];
                gq[k] += r * block[o + k];
            }
        }
        float share = 1f / e.history().length;
        for (int s : e.history()) {
            count = touch(s, count);
            int g = (touchedAt[s] - 1) * dim;
            for (int k = 0; k < dim; k++) {
                gradient[g + k] += gq[k] * share;
            }
        }
        return count;
    }

    /**
     * The AdaGrad step with L2 on the {@code count} touched slots' vectors; leaves the scratch
     * clear for the next step.
     */
    private void adaGradStep(int count) {
        double lr = settings.learningRate();
        double l2 = settings.l2();
        for (int t = 0; t < count; t++) {
            int s = touchedSlots[t];
            touchedAt[s] = 0;
            float[] v = vectorBlock(s);
            float[] a = accumulatorBlock(s);
            for (int k = offset(s), gk = t * dim; gk < (t + 1) * dim; k++, gk++) {
                double g = gradient[gk] + l2 * v[k];
                double acc = a[k] + g * g;
                a[k] = (float) acc;
                v[k] = (float) (v[k] - lr * g / (Math.sqrt(acc) + EPSILON));
                gradient[gk] = 0f;
            }
        }
    }

    /** Gives the slot the next place in this step's scratch unless it has one. */
    private int touch(int slot, int count) {
        if (touchedAt[slot] != 0) {
            return count;
        }
        touchedAt[slot] = count + 1;
        if (count == touchedSlots.length) {
            touchedSlots = Arrays.copyOf(touchedSlots, count * 2);
        }
        if ((count + 1) * dim > gradient.length) {
            gradient = Arrays.copyOf(gradient, Math.max(16, 2 * (count + 1)) * dim);
        }
        touchedSlots[count] = slot;
        return count + 1;
    }

    /** A copy of an item's vector, null without one (tests). */
    float[] vector(String itemId) {
        int s = find(itemId);
        return s < 0 ? null : Arrays.copyOfRange(vectorBlock(s), offset(s), offset(s) + dim);
    }

    /** Sets an item's vector, made if missing (tests). */
    void setVector(String itemId, float[] v) {
        int s = slot(itemId);
        System.arraycopy(v, 0, vectorBlock(s), offset(s), dim);
    }

    /** Writes version, dimension, item count, then per item its id, vector and accumulators. */
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(SNAPSHOT_VERSION);
        out.writeInt(dim);
        out.writeInt(ids.size());
        for (int s = 0; s < ids.size(); s++) {
            out.writeUTF(ids.get(s));
            float[] v = vectorBlock(s);
            for (int k = offset(s); k < offset(s) + dim; k++) {
                out.writeFloat(v[k]);
            }
            float[] a = accumulatorBlock(s);
            for (int k = offset(s); k < offset(s) + dim; k++) {
                out.writeFloat(a[k]);
            }
        }
    }

    /**
     * Replaces the vectors with a snapshot {@link #writeTo} wrote. A snapshot of another dimension
     * (or of the term off) is read past, and the vectors start fresh.
     */
    public void readFrom(DataInput in) throws IOException {
        byte version = in.readByte();
        if (version != SNAPSHOT_VERSION) {
            throw new IOException(
                    "item vector snapshot version " + version + ", expected " + SNAPSHOT_VERSION);
        }
        int written =
                ReadBounds.checkLength(in.readInt(), MAX_DIMENSION, "ItemInteraction.dimension");
        int n = ReadBounds.checkLength(in.readInt(), ReadBounds.MAX_IDS, "ItemInteraction.items");
        clear();
        for (int i = 0; i < n; i++) {
            String id = in.readUTF();
            float[] v = new float[written];
            float[] a = new float[written];
            for (int k = 0; k < written; k++) {
                v[k] = in.readFloat();
            }
            for (int k = 0; k < written; k++) {
                a[k] = in.readFloat();
            }
            if (written == dim && dim > 0) {
                int s = slot(id);
                System.arraycopy(v, 0, vectorBlock(s), offset(s), dim);
                System.arraycopy(a, 0, accumulatorBlock(s), offset(s), dim);
            }
        }
    }

    /** Whether every vector and accumulator holds numbers only (none NaN or infinite). */
    public boolean allFinite() {
        return allFinite(vectors) && allFinite(accumulators);
    }

    private static boolean allFinite(float[][] blocks) {
        for (float[] block : blocks) {
            // a null block: grown, not yet used
            if (block != null && !RowUpdater.isFinite(block)) {
                return false;
            }
        }
        return true;
    }

    /** Forgets every item's vector (a fresh start). */
    public void clear() {
        slots.clear();
        ids.clear();
        vectors = new float[0][];
        accumulators = new float[0][];
        touchedAt = new int[0];
        gradient = new float[0]; // not zero after a step that threw
    }
}
