package io.streamrec.candidates;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A unit vector per catalog item from its text, "title. attribute, attribute", by dense item index:
 * encoded once per new or changed text (an unchanged text is not encoded again). The encoder is
 * made at the first text to encode, so an empty catalog loads no model. Not checkpointed: vectors
 * follow from the catalog, and a restore takes them over from the generator built from the same
 * catalog ({@link CandidateGenerator#adoptTextVectors}). Not thread-safe.
 */
public final class ItemTextVectors {
    private static final Logger LOG = LoggerFactory.getLogger(ItemTextVectors.class);

    private final Supplier<? extends TextEncoder> encoderFactory;
    private TextEncoder encoder;
    private float[][] vectors = new float[16][];
    private String[] texts = new String[16];
    private int[] withVector = new int[16];
    private int count;
    private long encoded;
    private long encodeNanos;

    /**
     * @param encoderFactory called once, at the first text to encode
     */
    public ItemTextVectors(Supplier<? extends TextEncoder> encoderFactory) {
        this.encoderFactory = encoderFactory;
    }

    /** Vectors from all-MiniLM-L6-v2, loaded at the first text. */
    public static ItemTextVectors miniLm() {
        return new ItemTextVectors(MiniLmTextEncoder::new);
    }

    /** The text an item is encoded from: its title, then its attributes. */
    public static String text(String title, List<String> attributes) {
        String t = title == null ? "" : title.strip();
        return attributes == null || attributes.isEmpty()
                ? t
                : t + ". " + String.join(", ", attributes);
    }

    /**
     * Encodes the items whose text is new or changed, in one call to the encoder. A text without a
     * letter or digit ("\u0001", a no-break space) is not encoded: the encoder refuses what it
     * reads as blank, and an exception here would fail serving at every restart, the catalog being
     * read again from its start. A text the encoder refuses all the same leaves its item without a
     * vector.
     */
    void putAll(int[] items, List<String> itemTexts) {
        List<Integer> changed = new ArrayList<>();
        List<String> changedTexts = new ArrayList<>();
        for (int i = 0; i < items.length; i++) {
            String text = itemTexts.get(i);
            if (hasWords(text) && !text.equals(textOf(items[i]))) {
                changed.add(items[i]);
                changedTexts.add(text);
            }
        }
        if (changed.isEmpty()) {
            return;
        }
        if (encoder == null) {
            encoder = encoderFactory.get();
        }
        long start = System.nanoTime();
        float[][] encodedVectors = encodeEach(changedTexts);
        encodeNanos += System.nanoTime() - start;
        encoded += changed.size();
        for (int i = 0; i < changed.size(); i++) {
            if (encodedVectors[i] != null) {
                set(changed.get(i), changedTexts.get(i), encodedVectors[i]);
            }
        }
    }

    private static boolean hasWords(String text) {
        return text.codePoints().anyMatch(Character::isLetterOrDigit);
    }

    /**
     * The texts' vectors in one call; where the encoder refuses the call, one call per text, a
     * refused text's vector null.
     */
    private float[][] encodeEach(List<String> texts) {
        try {
            return encoder.encode(texts);
        } catch (IllegalArgumentException refused) {
            float[][] vectors = new float[texts.size()][];
            for (int i = 0; i < vectors.length; i++) {
                try {
                    vectors[i] = encoder.encode(List.of(texts.get(i)))[0];
                } catch (IllegalArgumentException e) {
                    LOG.warn("No text vector for \"{}\": {}", texts.get(i), e.getMessage());
                }
            }
            return vectors;
        }
    }

    /** Encodes one item's text unless it is the one encoded before. */
    void put(int item, String text) {
        putAll(new int[] {item}, List.of(text));
    }

    /** Sets an item's vector (normalised here) as if encoded from {@code text}; tests inject. */
    void set(int item, String text, float[] vector) {
        grow(item);
        if (vectors[item] == null) {
            if (count == withVector.length) {
                withVector = Arrays.copyOf(withVector, count * 2);
            }
            withVector[count++] = item;
        }
        vectors[item] = normalised(vector);
        texts[item] = text;
    }

    private void grow(int item) {
        if (item >= vectors.length) {
            int grown = Math.max(item + 1, vectors.length * 2);
            vectors = Arrays.copyOf(vectors, grown);
            texts = Arrays.copyOf(texts, grown);
        }
    }

    private String textOf(int item) {
        return item < texts.length ? texts[item] : null;
    }

    /** The item's unit vector, null when it has none (no text, or not in the catalog). */
    public float[] vector(int item) {
        return item >= 0 && item < vectors.length ? vectors[item] : null;
    }

    /**
     * The unit-length {@code sum_k decay^k v(recent[k])} over the items that have a vector (the
     * k-th latest keeps its weight when an earlier one has none); null when none has one.
     */
    public float[] recentMean(int[] recent, double decay) {
        double[] sum = null;
        double w = 1.0;
        for (int item : recent) {
            float[] v = vector(item);
            if (v != null) {
                sum = sum == null ? new double[v.length] : sum;
                for (int d = 0; d < v.length; d++) {
                    sum[d] += w * v[d];
                }
            }
            w *= decay;
        }
        if (sum == null) {
            return null;
        }
        float[] mean = new float[sum.length];
        for (int d = 0; d < sum.length; d++) {
            mean[d] = (float) sum[d];
        }
        return normalised(mean);
    }

    /**
     * Adds {@code 1 + cosine(query, v(i))} (positive, as {@link ItemScores#topItems} wants) for
     * every item with a vector: an exact scan, {@link #items()} dot products.
     */
    void scoreAll(float[] query, ItemScores scores) {
        for (int i = 0; i < count; i++) {
            int item = withVector[i];
            scores.add(item, 1.0 + dot(query, vectors[item]));
        }
    }

    /**
     * {@code a . b}, which for unit vectors is their cosine; four running sums, so the scan is not
     * one long chain of dependent additions.
     */
    public static double dot(float[] a, float[] b) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int d = 0;
        for (; d + 3 < a.length; d += 4) {
            s0 += a[d] * b[d];
            s1 += a[d + 1] * b[d + 1];
            s2 += a[d + 2] * b[d + 2];
            s3 += a[d + 3] * b[d + 3];
        }
        for (; d < a.length; d++) {
            s0 += a[d] * b[d];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code v / |v|}, a new array; zeros stay zeros. */
    static float[] normalised(float[] v) {
        double squared = 0.0;
        for (float x : v) {
            squared += (double) x * x;
        }
        float[] out = v.clone();
        if (squared > 0.0) {
            float scale = (float) (1.0 / Math.sqrt(squared));
            for (int d = 0; d < out.length; d++) {
                out[d] *= scale;
            }
        }
        return out;
    }

    /**
     * These vectors re-indexed from {@code fromIds} to {@code toIds} (a restored generator's ids),
     * for the ids {@code toIds} knows, sharing the encoder once it is loaded.
     */
    ItemTextVectors reindexed(IdIndex fromIds, IdIndex toIds) {
        ItemTextVectors out = new ItemTextVectors(encoderFactory);
        out.encoder = encoder;
        for (int i = 0; i < count; i++) {
            int old = withVector[i];
            int item = toIds.find(fromIds.id(old));
            if (item >= 0) {
                out.set(item, texts[old], vectors[old]);
            }
        }
        return out;
    }

    /** Items with a vector. */
    public int items() {
        return count;
    }

    /** Texts encoded so far (unchanged texts put again are not counted). */
    public long encoded() {
        return encoded;
    }

    /** Whether the encoder is loaded (at the first text, until {@link #closeEncoder}). */
    public boolean encoderLoaded() {
        return encoder != null;
    }

    /**
     * Closes the encoder, freeing the language model's native memory; a later text loads it again.
     * Copies made by {@link #reindexed} share it, so this is for the last of them.
     */
    public void closeEncoder() {
        if (encoder != null) {
            TextEncoder closing = encoder;
            encoder = null;
            closing.close();
        }
    }

    /** Wall time spent in the encoder so far. */
    public long encodeNanos() {
        return encodeNanos;
    }
}
