package io.streamrec.ranking;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The scorer's forward and backward pass on a whole micro-batch of lists with DJL's PyTorch engine:
 * {@code [lists, candidates, features]} tensors, the shape where a GPU helps. The math is {@link
 * ScorerForward}'s, which the tests hold it to.
 *
 * <p>The parameters enter as one flat tensor, sliced into W, H, b and u, so the gradient comes back
 * flat in the same layout. Gradients use per-thread autograd ({@code JniUtils.setGradMode}), as in
 * {@link io.streamrec.model.DjlBprTrainer}, since several subtasks share a JVM. Not thread-safe:
 * the feature block goes through one reused direct buffer.
 */
final class DjlListwiseTrainer implements AutoCloseable {
    private final NDManager manager;

    /**
     * Holds the feature block while a pass runs. {@code NDManager.create(float[])} allocates a
     * fresh direct buffer per call, which for a 32 × 300 × 45 batch cost more than the forward and
     * backward passes together; on the CPU the tensor reads this buffer in place.
     */
    private ByteBuffer featureBuffer = ByteBuffer.allocateDirect(0);

    DjlListwiseTrainer(Device device) {
        this.manager = NDManager.newBaseManager(device, "PyTorch");
    }

    Device device() {
        return manager.getDevice();
    }

    /** Mean weighted softmax cross-entropy of the batch and its gradient. */
    ScorerGradients gradients(ScorerLayout layout, float[] parameters, PaddedListBatch batch) {
        return gradients(layout, parameters, batch, null);
    }

    /**
     * As {@link #gradients(ScorerLayout, float[], PaddedListBatch)}; {@code probabilities}, when
     * not null, receives each candidate's softmax probability, {@code [lists, maxCandidates]}.
     */
    ScorerGradients gradients(
            ScorerLayout layout, float[] parameters, PaddedListBatch batch, float[] probabilities) {
        boolean previousMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager m = manager.newSubManager()) {
            NDArray flat = m.create(parameters);
            flat.setRequiresGradient(true);
            Shape listsByCandidates = new Shape(batch.lists, batch.maxCandidates);
            NDArray logProbabilities =
                    scores(m, layout, flat, batch)
                            .add(m.create(batch.mask, listsByCandidates))
                            .logSoftmax(1);
            NDArray loss =
                    logProbabilities
                            .mul(m.create(batch.targetWeight, listsByCandidates))
                            .sum()
                            .neg()
                            .div((float) batch.lists);
            JniUtils.backward((PtNDArray) loss, (PtNDArray) m.ones(loss.getShape()), false, false);
            if (probabilities != null) {
                float[] p = logProbabilities.exp().toFloatArray();
                System.arraycopy(p, 0, probabilities, 0, p.length);
            }
            try (NDArray gradient = flat.getGradient()) {
                return new ScorerGradients(loss.getFloat(), gradient.toFloatArray(), batch.lists);
            }
        } finally {
            JniUtils.setGradMode(previousMode);
        }
    }

    /**
     * Each list's own weighted loss gradient, {@code [lists][parameters]}, in one backward pass:
     * the parameters enter as one row per list ({@code [lists, parameters]}, all rows equal), so
     * row i's gradient is list i's alone. The arithmetic is the batched pass's with per-list weight
     * tensors (batched matrix products), for per-example clipping (DP-SGD).
     *
     * @return the per-list gradients; {@code loss[0]} receives the batch's mean weighted loss
     */
    float[][] exampleGradients(
            ScorerLayout layout, float[] parameters, PaddedListBatch batch, double[] loss) {
        boolean previousMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        int lists = batch.lists;
        int size = parameters.length;
        try (NDManager m = manager.newSubManager()) {
            float[] tiled = new float[lists * size];
            for (int i = 0; i < lists; i++) {
                System.arraycopy(parameters, 0, tiled, i * size, size);
            }
            NDArray rows = m.create(tiled, new Shape(lists, size));
            rows.setRequiresGradient(true);
            Shape listsByCandidates = new Shape(lists, batch.maxCandidates);
            NDArray logProbabilities =
                    exampleScores(m, layout, rows, batch)
                            .add(m.create(batch.mask, listsByCandidates))
                            .logSoftmax(1);
            NDArray sum =
                    logProbabilities
                            .mul(m.create(batch.targetWeight, listsByCandidates))
                            .sum()
                            .neg();
            JniUtils.backward((PtNDArray) sum, (PtNDArray) m.ones(sum.getShape()), false, false);
            loss[0] = sum.getFloat() / lists;
            try (NDArray gradient = rows.getGradient()) {
                float[] flat = gradient.toFloatArray();
                float[][] perList = new float[lists][];
                for (int i = 0; i < lists; i++) {
                    perList[i] = Arrays.copyOfRange(flat, i * size, (i + 1) * size);
                }
                return perList;
            }
        } finally {
            JniUtils.setGradMode(previousMode);
        }
    }

    /** As {@link #scores(NDManager, ScorerLayout, NDArray, PaddedListBatch)}, one row per list. */
    private NDArray exampleScores(
            NDManager m, ScorerLayout layout, NDArray rows, PaddedListBatch batch) {
        int f = layout.features();
        int ctxSize = FeatureList.CONTEXT;
        int units = layout.hidden();
        int lists = batch.lists;
        NDArray w = rows(rows, layout.wOffset(), ctxSize * f).reshape(lists, ctxSize, f);
        NDArray h = rows(rows, layout.hOffset(), units * layout.hiddenInputs());
        h = h.reshape(lists, units, layout.hiddenInputs());
        NDArray b = rows(rows, layout.bOffset(), units).reshape(lists, 1, units);
        NDArray u = rows(rows, layout.uOffset(), units).reshape(lists, units, 1);

        NDArray x = features(m, batch);
        NDArray ctx = m.create(batch.context, new Shape(lists, 1, ctxSize));
        NDArray linear = x.matMul(ctx.matMul(w).reshape(lists, f, 1));
        NDArray hFeatures = h.get(new NDIndex(":, :, :{}", f)).transpose(0, 2, 1);
        NDArray hContext = h.get(new NDIndex(":, :, {}:", f)).transpose(0, 2, 1);
        NDArray listBias = ctx.matMul(hContext).add(b);
        NDArray hidden = Activation.relu(x.matMul(hFeatures).add(listBias));
        return linear.add(hidden.matMul(u)).reshape(lists, batch.maxCandidates);
    }

    private static NDArray rows(NDArray rows, int offset, int length) {
        return rows.get(new NDIndex(":, {}:{}", offset, offset + length));
    }

    /** Scores of a batch, {@code [lists, maxCandidates]} row-major; padded entries are junk. */
    float[] scores(ScorerLayout layout, float[] parameters, PaddedListBatch batch) {
        boolean previousMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager m = manager.newSubManager()) {
            return scores(m, layout, m.create(parameters), batch).toFloatArray();
        } finally {
            JniUtils.setGradMode(previousMode);
        }
    }

    /** {@code [lists, maxCandidates]} scores: gated linear term plus the hidden layer. */
    private NDArray scores(NDManager m, ScorerLayout layout, NDArray flat, PaddedListBatch batch) {
        int f = layout.features();
        int ctxSize = FeatureList.CONTEXT;
        int units = layout.hidden();
        int lists = batch.lists;
        NDArray w = slice(flat, layout.wOffset(), ctxSize * f).reshape(ctxSize, f);
        NDArray h = slice(flat, layout.hOffset(), units * layout.hiddenInputs());
        h = h.reshape(units, layout.hiddenInputs());
        NDArray b = slice(flat, layout.bOffset(), units);
        NDArray u = slice(flat, layout.uOffset(), units).reshape(units, 1);

        NDArray x = features(m, batch);
        NDArray ctx = m.create(batch.context, new Shape(lists, ctxSize));
        NDArray linear = x.matMul(ctx.matMul(w).reshape(lists, f, 1));
        // the context part of H·[x; ctx] is the same for every candidate of a list
        NDArray hFeatures = h.get(new NDIndex(":, :{}", f)).transpose();
        NDArray hContext = h.get(new NDIndex(":, {}:", f)).transpose();
        NDArray listBias = ctx.matMul(hContext).add(b).reshape(lists, 1, units);
        NDArray hidden = Activation.relu(x.matMul(hFeatures).add(listBias));
        return linear.add(hidden.matMul(u)).reshape(lists, batch.maxCandidates);
    }

    private NDArray features(NDManager m, PaddedListBatch batch) {
        int bytes = batch.valueCount() * Float.BYTES;
        if (featureBuffer.capacity() < bytes) {
            featureBuffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        featureBuffer.clear();
        batch.writeValues(featureBuffer.asFloatBuffer());
        featureBuffer.limit(bytes);
        Shape shape = new Shape(batch.lists, batch.maxCandidates, batch.features);
        return m.create(featureBuffer, shape, DataType.FLOAT32);
    }

    private static NDArray slice(NDArray flat, int offset, int length) {
        return flat.get(new NDIndex("{}:{}", offset, offset + length));
    }

    @Override
    public void close() {
        manager.close();
    }
}
