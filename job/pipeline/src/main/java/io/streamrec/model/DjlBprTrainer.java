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
        int d = b.dim;
        int bs = b.size;
        int k = b.negatives;
        int l = b.historyLength;
        int ni = b.items.size();
        int ng = b.attributes.size();
        int f = ModelConfig.FEATURES;
        boolean previousMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager m = manager.newSubManager()) {
            NDArray users = param(m, b.userWeights, new Shape(b.users.size(), d));
            NDArray itemEmb = param(m, b.itemEmbeddings, new Shape(ni, d));
            NDArray itemBias = param(m, b.itemBias, new Shape(ni));
            NDArray attrs = param(m, b.attributeWeights, new Shape(ng, d));
            NDArray w = param(m, b.denseW, new Shape(d, d));
            NDArray c = param(m, b.denseC, new Shape(d));
            NDArray phi = param(m, b.densePhi, new Shape(f, 1));

            NDArray attrMatrix = m.create(b.attributeMatrix, new Shape(ni, ng));
            NDArray preContent = attrMatrix.matMul(attrs).matMul(w).add(c);
            NDArray u = null;
            if (b.contentDim > 0) {
                u = param(m, b.denseU, new Shape(b.contentDim, d));
                preContent =
                        preContent.add(
                                m.create(b.contentVectors, new Shape(ni, b.contentDim)).matMul(u));
            }
            NDArray content = preContent.tanh();
            NDArray v = itemEmb.add(content);

            NDArray q = users.get(new NDIndex("{}", m.create(b.userIndex)));
            if (l > 0) {
                NDArray hist = v.get(new NDIndex("{}", m.create(b.historyIndex))).reshape(bs, l, d);
                NDArray weights = m.create(b.historyWeight, new Shape(bs, l, 1));
                q = q.add(hist.mul(weights).sum(new int[] {1}));
            }
            NDArray posIdx = m.create(b.positiveIndex);
            NDArray negIdx = m.create(b.negativeIndex);
            NDArray sp =
                    q.mul(v.get(new NDIndex("{}", posIdx)))
                            .sum(new int[] {1})
                            .add(itemBias.get(new NDIndex("{}", posIdx)))
                            .add(
                                    m.create(b.positiveFeatures, new Shape(bs, f))
                                            .matMul(phi)
                                            .reshape(bs));
            NDArray negV = v.get(new NDIndex("{}", negIdx)).reshape(bs, k, d);
            NDArray sn =
                    q.expandDims(1)
                            .mul(negV)
                            .sum(new int[] {2})
                            .add(itemBias.get(new NDIndex("{}", negIdx)).reshape(bs, k))
                            .add(
                                    m.create(b.negativeFeatures, new Shape(bs * k, f))
                                            .matMul(phi)
                                            .reshape(bs, k));
            NDArray diff = sn.sub(sp.expandDims(1));
            // softplus(x) = max(x, 0) + log(1 + exp(-|x|)), stable for large |x|
            NDArray softplus = diff.maximum(0f).add(diff.abs().neg().exp().add(1f).log());
            NDArray exampleWeight = m.create(b.exampleWeight, new Shape(bs, 1));
            NDArray loss = softplus.mul(exampleWeight).sum().div((float) k);
            JniUtils.backward((PtNDArray) loss, (PtNDArray) m.ones(loss.getShape()), false, false);
            return BatchGradients.of(
                    b,
                    loss.getFloat(),
                    grad(users),
                    grad(itemEmb),
                    grad(itemBias),
                    grad(attrs),
                    grad(w),
                    grad(c),
                    grad(phi),
                    u == null ? null : grad(u));
        } finally {
            JniUtils.setGradMode(previousMode);
        }
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
