package io.streamrec.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A micro-batch laid out as flat arrays ready for tensors: the unique rows the batch touches, index
 * arrays into them, the current values of those rows, and the number of examples that touch each
 * row (its gradient contributions).
 */
public final class TrainingBatch {
    public final int size;
    public final int dim;
    public final int negatives;
    public final int historyLength;
    public final int contentDim;

    public final List<String> users = new ArrayList<>();
    public final List<String> items = new ArrayList<>();
    public final List<String> attributes = new ArrayList<>();

    public final long[] userIndex;
    public final long[] positiveIndex;
    public final long[] negativeIndex;
    public final long[] historyIndex;

    /** Per example: the weight of its loss terms ({@link TrainingExample#weight()}). */
    public final float[] exampleWeight;

    /** 1/|history| for real history entries, 0 for padding. */
    public final float[] historyWeight;

    /** items x attributes, 1/|attributes of item| where the item has the attribute. */
    public final float[] attributeMatrix;

    /** items x contentDim pretrained vectors (zeros for items without one). */
    public final float[] contentVectors;

    public final float[] positiveFeatures;
    public final float[] negativeFeatures;

    public final float[] userWeights;
    public final float[] itemEmbeddings;
    public final float[] itemBias;
    public final float[] attributeWeights;
    public final float[] denseW;
    public final float[] denseC;
    public final float[] densePhi;
    public final float[] denseU;

    /** Contributions per row key: the number of examples whose loss touches the row. */
    public final Map<String, Integer> contributions = new LinkedHashMap<>();

    private TrainingBatch(int size, ModelConfig config) {
        this.size = size;
        this.dim = config.dim();
        this.negatives = config.negatives();
        this.historyLength = config.historyLength();
        this.contentDim = config.contentDim();
        this.userIndex = new long[size];
        this.positiveIndex = new long[size];
        this.exampleWeight = new float[size];
        this.negativeIndex = new long[size * negatives];
        this.historyIndex = new long[size * historyLength];
        this.historyWeight = new float[size * historyLength];
        this.positiveFeatures = new float[size * ModelConfig.FEATURES];
        this.negativeFeatures = new float[size * negatives * ModelConfig.FEATURES];
        this.userWeights = null;
        this.itemEmbeddings = null;
        this.itemBias = null;
        this.attributeWeights = null;
        this.attributeMatrix = null;
        this.contentVectors = null;
        this.denseW = null;
        this.denseC = null;
        this.densePhi = null;
        this.denseU = null;
    }

    private TrainingBatch(
            TrainingBatch layout,
            float[] attributeMatrix,
            float[] contentVectors,
            Function<String, float[]> rows) {
        this.size = layout.size;
        this.dim = layout.dim;
        this.negatives = layout.negatives;
        this.historyLength = layout.historyLength;
        this.contentDim = layout.contentDim;
        this.users.addAll(layout.users);
        this.items.addAll(layout.items);
        this.attributes.addAll(layout.attributes);
        this.userIndex = layout.userIndex;
        this.positiveIndex = layout.positiveIndex;
        this.exampleWeight = layout.exampleWeight;
        this.negativeIndex = layout.negativeIndex;
        this.historyIndex = layout.historyIndex;
        this.historyWeight = layout.historyWeight;
        this.positiveFeatures = layout.positiveFeatures;
        this.negativeFeatures = layout.negativeFeatures;
        this.contributions.putAll(layout.contributions);
        this.attributeMatrix = attributeMatrix;
        this.contentVectors = contentVectors;
        int d = dim;
        userWeights = new float[users.size() * d];
        for (int u = 0; u < users.size(); u++) {
            System.arraycopy(rows.apply(RowKeys.user(users.get(u))), 0, userWeights, u * d, d);
        }
        itemEmbeddings = new float[items.size() * d];
        itemBias = new float[items.size()];
        for (int i = 0; i < items.size(); i++) {
            float[] w = rows.apply(RowKeys.item(items.get(i)));
            System.arraycopy(w, 0, itemEmbeddings, i * d, d);
            itemBias[i] = w[d];
        }
        attributeWeights = new float[attributes.size() * d];
        for (int a = 0; a < attributes.size(); a++) {
            System.arraycopy(
                    rows.apply(RowKeys.attribute(attributes.get(a))),
                    0,
                    attributeWeights,
                    a * d,
                    d);
        }
        denseW = rows.apply(RowKeys.DENSE_W).clone();
        denseC = rows.apply(RowKeys.DENSE_C).clone();
        densePhi = rows.apply(RowKeys.DENSE_PHI).clone();
        denseU = contentDim > 0 ? rows.apply(RowKeys.DENSE_U).clone() : new float[0];
    }

    /**
     * Lays out a batch.
     *
     * @param itemAttributes the attributes (e.g. genres) of an item, empty if unknown
     * @param itemVectors an item's pretrained content vector (length {@link
     *     ModelConfig#contentDim()}), empty for none
     * @param rows the current weights of a row by key
     */
    public static TrainingBatch of(
            List<TrainingExample> examples,
            ModelConfig config,
            Function<String, List<String>> itemAttributes,
            Function<String, float[]> itemVectors,
            Function<String, float[]> rows) {
        TrainingBatch layout = new TrainingBatch(examples.size(), config);
        Positions users = new Positions();
        Positions items = new Positions();
        Positions attributes = new Positions();
        List<List<String>> attributesOfItem = new ArrayList<>();
        for (int b = 0; b < examples.size(); b++) {
            TrainingExample ex = examples.get(b);
            layout.userIndex[b] = users.touch(ex.userId(), b);
            int offset = layOutItems(layout, b, ex, config, items);
            readAttributesOfNewItems(items, attributesOfItem, itemAttributes);
            touchAttributes(ex, b, offset, items, attributes, attributesOfItem);
        }
        layout.users.addAll(users.ids);
        layout.items.addAll(items.ids);
        layout.attributes.addAll(attributes.ids);
        countContributions(layout, users, items, attributes, config.contentDim());
        return new TrainingBatch(
                layout,
                attributeMatrix(attributes, attributesOfItem),
                contentVectors(layout.items, config.contentDim(), itemVectors),
                rows);
    }

    /** The attributes of the items new to the batch, read from the catalog once. */
    private static void readAttributesOfNewItems(
            Positions items,
            List<List<String>> attributesOfItem,
            Function<String, List<String>> itemAttributes) {
        while (attributesOfItem.size() < items.ids.size()) {
            attributesOfItem.add(itemAttributes.apply(items.ids.get(attributesOfItem.size())));
        }
    }

    /**
     * Touches in {@code attributes} the attributes of the items example {@code b} lays out: its
     * positive, negatives and history from {@code offset} on.
     */
    private static void touchAttributes(
            TrainingExample ex,
            int b,
            int offset,
            Positions items,
            Positions attributes,
            List<List<String>> attributesOfItem) {
        // the attributes' order (the attribute matrix's columns) follows this set's
        Set<String> exampleItems = new HashSet<>();
        exampleItems.add(ex.positiveItem());
        exampleItems.addAll(Arrays.asList(ex.negativeItems()));
        exampleItems.addAll(Arrays.asList(ex.history()).subList(offset, ex.history().length));
        for (String item : exampleItems) {
            for (String attr : attributesOfItem.get(items.position(item))) {
                attributes.touch(attr, b);
            }
        }
    }

    /** Each row's gradient contributions: the examples that touch it, every one for a dense row. */
    private static void countContributions(
            TrainingBatch layout,
            Positions users,
            Positions items,
            Positions attributes,
            int contentDim) {
        users.countInto(layout.contributions, RowKeys::user);
        items.countInto(layout.contributions, RowKeys::item);
        attributes.countInto(layout.contributions, RowKeys::attribute);
        if (layout.size > 0) {
            // every example's loss touches every dense row
            layout.contributions.put(RowKeys.DENSE_W, layout.size);
            layout.contributions.put(RowKeys.DENSE_C, layout.size);
            layout.contributions.put(RowKeys.DENSE_PHI, layout.size);
            if (contentDim > 0) {
                layout.contributions.put(RowKeys.DENSE_U, layout.size);
            }
        }
    }

    /**
     * Example {@code b}'s positive, negatives (with their features) and latest history items in
     * {@code layout}, each item touched by the example in {@code items}.
     *
     * @return where in the example's history the items laid out start (the most recent ones)
     */
    private static int layOutItems(
            TrainingBatch layout, int b, TrainingExample ex, ModelConfig config, Positions items) {
        int k = config.negatives();
        int l = config.historyLength();
        int f = ModelConfig.FEATURES;
        layout.positiveIndex[b] = items.touch(ex.positiveItem(), b);
        layout.exampleWeight[b] = ex.weight();
        for (int j = 0; j < k; j++) {
            layout.negativeIndex[b * k + j] = items.touch(ex.negativeItems()[j], b);
            System.arraycopy(
                    ex.negativeFeatures()[j], 0, layout.negativeFeatures, (b * k + j) * f, f);
        }
        System.arraycopy(ex.positiveFeatures(), 0, layout.positiveFeatures, b * f, f);
        int h = Math.min(l, ex.history().length);
        int offset = ex.history().length - h; // the most recent h items
        for (int j = 0; j < h; j++) {
            String item = ex.history()[offset + j];
            layout.historyIndex[b * l + j] = items.touch(item, b);
            layout.historyWeight[b * l + j] = 1f / h;
        }
        return offset;
    }

    /**
     * The ids of one kind of row in the order a batch first touches them, and how many of its
     * examples touch each: a row's gradient contributions, one per example however often the
     * example touches it. Counted by position, so no row key is built per touch.
     */
    private static final class Positions {
        final List<String> ids = new ArrayList<>();
        private final Map<String, Integer> positions = new HashMap<>();
        private int[] examples = new int[16];
        private int[] lastExample = new int[16];

        /** The id's position (added if new), counting example {@code b} unless it already was. */
        int touch(String id, int b) {
            Integer known = positions.get(id);
            int p;
            if (known != null) {
                p = known;
            } else {
                p = ids.size();
                positions.put(id, p);
                ids.add(id);
                if (p == examples.length) {
                    examples = Arrays.copyOf(examples, 2 * p);
                    lastExample = Arrays.copyOf(lastExample, 2 * p);
                }
            }
            if (lastExample[p] != b + 1) {
                lastExample[p] = b + 1;
                examples[p]++;
            }
            return p;
        }

        /** The position of an id already touched. */
        int position(String id) {
            return positions.get(id);
        }

        void countInto(Map<String, Integer> contributions, Function<String, String> rowKey) {
            for (int p = 0; p < ids.size(); p++) {
                contributions.put(rowKey.apply(ids.get(p)), examples[p]);
            }
        }
    }

    /** items x attributes, 1/|attributes of item| where the item has the attribute. */
    private static float[] attributeMatrix(
            Positions attributes, List<List<String>> attributesOfItem) {
        int ng = attributes.ids.size();
        float[] matrix = new float[attributesOfItem.size() * ng];
        for (int i = 0; i < attributesOfItem.size(); i++) {
            List<String> attrs = attributesOfItem.get(i);
            for (String attr : attrs) {
                matrix[i * ng + attributes.position(attr)] = 1f / attrs.size();
            }
        }
        return matrix;
    }

    /** items x contentDim pretrained vectors, zeros for items without one. */
    private static float[] contentVectors(
            List<String> items, int contentDim, Function<String, float[]> itemVectors) {
        float[] vectors = new float[items.size() * contentDim];
        for (int i = 0; i < items.size() && contentDim > 0; i++) {
            float[] x = itemVectors.apply(items.get(i));
            if (x.length == contentDim) {
                System.arraycopy(x, 0, vectors, i * contentDim, contentDim);
            }
        }
        return vectors;
    }
}
