package io.streamrec.serving;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.BprModel;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.RowKeys;
import io.streamrec.ps.RowInitializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The items' score vectors {@code v(i) = E[i] + content(i)} and their norms, where {@code
 * content(i)} is the content tower ({@link BprModel#content}) over the item's attribute rows and
 * pretrained vector from the catalog. Kept in step with the embeddings and the catalog item by
 * item; after a dense or attribute row changes, every item is recomputed, at most once a second.
 */
final class ContentTower {
    private static final long REFRESH_NANOS = 1_000_000_000L;

    private final int d;
    private final int contentDim;
    private final RowInitializer initializer;
    private final ItemCatalog catalog;
    private final RowTable rows;

    private final Map<String, Integer> attributeIndex = new HashMap<>();
    private final List<float[]> attributeRows = new ArrayList<>();
    private float[] denseW;
    private float[] denseC;
    private float[] denseU;

    /** Per item: the indices of its attributes, and its pretrained vector (empty: none). */
    private int[][] itemAttributes = new int[0][];

    private float[][] pretrained = new float[0][];

    /** An item's pretrained vector when it has none (shared: most items have none). */
    private static final float[] NO_VECTOR = new float[0];

    /** content(i) at {@code i * d}. */
    private float[] content = new float[0];

    /** v(i) = E[i] + content(i) at {@code i * d}. */
    private float[] vectors = new float[0];

    /** |v(i)|: with |q| it bounds the dot product (Cauchy-Schwarz). */
    private float[] norms = new float[0];

    private boolean valid;
    private boolean computedOnce;
    private long refreshedAt;

    private final LongSupplier nanoClock;

    ContentTower(
            ModelConfig config,
            RowInitializer initializer,
            ItemCatalog catalog,
            RowTable rows,
            LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.d = config.dim();
        this.contentDim = config.contentDim();
        this.initializer = initializer;
        this.catalog = catalog;
        this.rows = rows;
        denseW = initializer.initialWeights(RowKeys.DENSE_W);
        denseC = initializer.initialWeights(RowKeys.DENSE_C);
        denseU = contentDim > 0 ? initializer.initialWeights(RowKeys.DENSE_U) : new float[0];
    }

    /** Makes room for {@code items} items. */
    void ensureCapacity(int items) {
        if (items <= norms.length) {
            return;
        }
        int capacity = Math.max(16, items + items / 2);
        content = Arrays.copyOf(content, capacity * d);
        vectors = Arrays.copyOf(vectors, capacity * d);
        norms = Arrays.copyOf(norms, capacity);
        itemAttributes = Arrays.copyOf(itemAttributes, capacity);
        pretrained = Arrays.copyOf(pretrained, capacity);
    }

    /** (Re-)reads item i's attributes and pretrained vector from the catalog. */
    void readCatalog(int i, String itemId) {
        itemAttributes[i] =
                catalog.attributes(itemId).stream().mapToInt(this::attributeIndexOf).toArray();
        float[] x = catalog.contentVector(itemId);
        pretrained[i] = x.length == contentDim ? x : NO_VECTOR;
        computeContent(i, new float[d], new float[d]);
    }

    private int attributeIndexOf(String attribute) {
        Integer a = attributeIndex.get(attribute);
        if (a != null) {
            return a;
        }
        attributeIndex.put(attribute, attributeRows.size());
        attributeRows.add(initializer.initialWeights(RowKeys.attribute(attribute)));
        return attributeRows.size() - 1;
    }

    void putAttribute(String attribute, float[] weights) {
        attributeRows.set(attributeIndexOf(attribute), weights);
        valid = false;
    }

    /** Takes a dense row of the tower (W, c or U); returns false for any other key. */
    boolean putDense(String key, float[] weights) {
        if (key.equals(RowKeys.DENSE_W)) {
            denseW = weights;
        } else if (key.equals(RowKeys.DENSE_C)) {
            denseC = weights;
        } else if (key.equals(RowKeys.DENSE_U)) {
            denseU = weights;
        } else {
            return false;
        }
        valid = false;
        return true;
    }

    /**
     * Recomputes every item's content after a dense or attribute row changed, at most every {@link
     * #REFRESH_NANOS} (a second): every micro-batch moves the dense rows a little, and recomputing
     * all items per batch cost more than the scoring itself.
     */
    void refresh() {
        if (valid || (computedOnce && nanoClock.getAsLong() - refreshedAt < REFRESH_NANOS)) {
            return;
        }
        refreshedAt = nanoClock.getAsLong();
        computedOnce = true;
        float[] pooled = new float[d];
        float[] out = new float[d];
        // without a pretrained vector an item's content depends on its attribute list alone:
        // computed once per distinct list (MovieTweetings: far fewer genre lists than movies)
        Map<AttributeList, Integer> firstWith = new HashMap<>();
        for (int i = 0; i < rows.items(); i++) {
            Integer same =
                    pretrained[i].length == 0
                            ? firstWith.putIfAbsent(new AttributeList(itemAttributes[i]), i)
                            : null;
            if (same == null) {
                computeContent(i, pooled, out);
            } else {
                System.arraycopy(content, same * d, content, i * d, d);
                embeddingChanged(i);
            }
        }
        valid = true;
    }

    /** Attribute indices as a map key: the same list in the same order gives the same content. */
    private record AttributeList(int[] indices) {
        @Override
        public boolean equals(Object o) {
            return o instanceof AttributeList other && Arrays.equals(indices, other.indices);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(indices);
        }
    }

    /** Computes every item's content if it never was; otherwise leaves it as it is. */
    void ensureComputed() {
        if (!computedOnce) {
            refresh();
        }
    }

    private void computeContent(int i, float[] pooled, float[] out) {
        Arrays.fill(pooled, 0f);
        int[] attributes = itemAttributes[i];
        for (int a : attributes) {
            float[] v = attributeRows.get(a);
            for (int k = 0; k < d; k++) {
                pooled[k] += v[k] / attributes.length;
            }
        }
        BprModel.content(pooled, pretrained[i], denseW, denseU, denseC, d, out);
        System.arraycopy(out, 0, content, i * d, d);
        embeddingChanged(i);
    }

    /** Recomputes v(i) and |v(i)| from the item's embedding as the row table now holds it. */
    void embeddingChanged(int i) {
        float[] embeddings = rows.embeddings();
        float squares = 0f;
        for (int k = i * d; k < (i + 1) * d; k++) {
            vectors[k] = embeddings[k] + content[k];
            squares += vectors[k] * vectors[k];
        }
        norms[i] = (float) Math.sqrt(squares);
    }

    /** All score vectors, v(i) at {@code i * d}; replaced when the table grows. */
    float[] vectors() {
        return vectors;
    }

    float norm(int i) {
        return norms[i];
    }
}
