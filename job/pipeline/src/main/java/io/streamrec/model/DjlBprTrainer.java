package io.streamrec.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Forward and backward pass of {@link BprModel}'s loss on one micro-batch with DJL's PyTorch
 * engine. Only the rows the batch touches are turned into tensors, so the cost is independent of
 * the catalog size.
 *
 * <p>Gradients are taken with per-thread autograd ({@code JniUtils.setGradMode}/{@code backward})
 * rather than DJL's {@code GradientCollector}, which allows only one collector per JVM: several
 * worker subtasks share a TaskManager JVM.
 */
public final class DjlBprTrainer implements AutoCloseable {
    private final NDManager manager;

    public DjlBprTrainer(Device device) {
        this.manager = NDManager.newBaseManager(device, "PyTorch");
    }

    /** Picks the GPU when the engine sees one and {@code preferGpu} is set, else the CPU. */
    public static Device chooseDevice(boolean preferGpu, int gpuIndex) {
        if (preferGpu && Engine.getEngine("PyTorch").getGpuCount() > gpuIndex) {
            return Device.gpu(gpuIndex);
        }
        return Device.cpu();
    }

    public Device device() {
        return manager.getDevice();
    }

    public BatchGradients gradients(TrainingBatch b) {
        boolean previousMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager m = manager.newSubManager()) {
            Parameters p = Parameters.of(m, b);
            NDArray v = itemVectors(m, b, p);
            NDArray loss = pairwiseLoss(m, b, p, userQueries(m, b, p, v), v);
            JniUtils.backward((PtNDArray) loss, (PtNDArray) m.ones(loss.getShape()), false, false);
            return BatchGradients.of(
                    b,
                    loss.getFloat(),
                    grad(p.users),
                    grad(p.itemEmb),
                    grad(p.itemBias),
                    grad(p.attrs),
                    grad(p.w),
                    grad(p.c),
                    grad(p.phi),
                    p.u == null ? null : grad(p.u));
        } finally {
            JniUtils.setGradMode(previousMode);
        }
    }

    /** The batch's rows as tensors that record their gradients; {@code u} null without content. */
    private record Parameters(
            NDArray users,
            NDArray itemEmb,
            NDArray itemBias,
            NDArray attrs,
            NDArray w,
            NDArray c,
            NDArray phi,
            NDArray u) {
        static Parameters of(NDManager m, TrainingBatch b) {
            int d = b.dim;
            int ni = b.items.size();
            return new Parameters(
                    param(m, b.userWeights, new Shape(b.users.size(), d)),
                    param(m, b.itemEmbeddings, new Shape(ni, d)),
                    param(m, b.itemBias, new Shape(ni)),
                    param(m, b.attributeWeights, new Shape(b.attributes.size(), d)),
                    param(m, b.denseW, new Shape(d, d)),
                    param(m, b.denseC, new Shape(d)),
                    param(m, b.densePhi, new Shape(ModelConfig.FEATURES, 1)),
                    b.contentDim > 0 ? param(m, b.denseU, new Shape(b.contentDim, d)) : null);
        }
    }

    /** Each item's vector: its embedding plus tanh of its content (attributes, text vector). */
    private static NDArray itemVectors(NDManager m, TrainingBatch b, Parameters p) {
        int ni = b.items.size();
        NDArray attrMatrix = m.create(b.attributeMatrix, new Shape(ni, b.attributes.size()));
        NDArray preContent = attrMatrix.matMul(p.attrs).matMul(p.w).add(p.c);
        if (p.u != null) {
            preContent =
                    preContent.add(
                            m.create(b.contentVectors, new Shape(ni, b.contentDim)).matMul(p.u));
        }
        return p.itemEmb.add(preContent.tanh());
    }

    /** Each example's user query: the user's row plus its weighted history of item vectors. */
    private static NDArray userQueries(NDManager m, TrainingBatch b, Parameters p, NDArray v) {
        NDArray q = p.users.get(new NDIndex("{}", m.create(b.userIndex)));
        if (b.historyLength > 0) {
            NDArray hist =
                    v.get(new NDIndex("{}", m.create(b.historyIndex)))
                            .reshape(b.size, b.historyLength, b.dim);
            NDArray weights = m.create(b.historyWeight, new Shape(b.size, b.historyLength, 1));
            q = q.add(hist.mul(weights).sum(new int[] {1}));
        }
        return q;
    }

    /** BPR's weighted softplus of (negative - positive) scores, over the negatives per example. */
    private static NDArray pairwiseLoss(
            NDManager m, TrainingBatch b, Parameters p, NDArray q, NDArray v) {
        int bs = b.size;
        int k = b.negatives;
        int f = ModelConfig.FEATURES;
        NDArray posIdx = m.create(b.positiveIndex);
        NDArray negIdx = m.create(b.negativeIndex);
        NDArray sp =
                q.mul(v.get(new NDIndex("{}", posIdx)))
                        .sum(new int[] {1})
                        .add(p.itemBias.get(new NDIndex("{}", posIdx)))
                        .add(
                                m.create(b.positiveFeatures, new Shape(bs, f))
                                        .matMul(p.phi)
                                        .reshape(bs));
        NDArray negV = v.get(new NDIndex("{}", negIdx)).reshape(bs, k, b.dim);
        NDArray sn =
                q.expandDims(1)
                        .mul(negV)
                        .sum(new int[] {2})
                        .add(p.itemBias.get(new NDIndex("{}", negIdx)).reshape(bs, k))
                        .add(
                                m.create(b.negativeFeatures, new Shape(bs * k, f))
                                        .matMul(p.phi)
                                        .reshape(bs, k));
        NDArray diff = sn.sub(sp.expandDims(1));
        // softplus(x) = max(x, 0) + log(1 + exp(-|x|)), stable for large |x|
        NDArray softplus = diff.maximum(0f).add(diff.abs().neg().exp().add(1f).log());
        NDArray exampleWeight = m.create(b.exampleWeight, new Shape(bs, 1));
        return softplus.mul(exampleWeight).sum().div((float) k);
    }

    private static NDArray param(NDManager m, float[] values, Shape shape) {
        NDArray array = m.create(values, shape);
        array.setRequiresGradient(true);
        return array;
    }

    private static float[] grad(NDArray param) {
        if (param.getShape().size() == 0) {
            return new float[0];
        }
        try (NDArray g = param.getGradient()) {
            return g.toFloatArray();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
