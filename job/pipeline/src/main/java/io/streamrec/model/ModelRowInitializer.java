package io.streamrec.model;

import io.streamrec.ps.RowInitializer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Deterministic initial weights for the default model's rows, seeded by the row key so that
 * workers, serving replicas and parameter-server shards agree on rows none of them has stored.
 */
public final class ModelRowInitializer implements RowInitializer {
    private static final long serialVersionUID = 1L;

    private final ModelConfig config;
    private final double embeddingStd;

    public ModelRowInitializer(ModelConfig config) {
        this(config, 0.1);
    }

    public ModelRowInitializer(ModelConfig config, double embeddingStd) {
        this.config = config;
        this.embeddingStd = embeddingStd;
    }

    @Override
    public float[] initialWeights(String key) {
        int d = config.dim();
        SplittableRandom random = new SplittableRandom(config.seed() ^ hash(key));
        switch (key) {
            case RowKeys.DENSE_W:
                return gaussian(random, d * d, 1.0 / Math.sqrt(d));
            case RowKeys.DENSE_C:
                return new float[d];
            case RowKeys.DENSE_PHI:
                return new float[ModelConfig.FEATURES];
            case RowKeys.DENSE_U:
                return gaussian(
                        random,
                        config.contentDim() * d,
                        0.5 / Math.sqrt(Math.max(1, config.contentDim())));
            default:
                if (RowKeys.isItem(key)) {
                    float[] w = gaussian(random, d + 1, embeddingStd);
                    w[d] = 0f; // item bias starts at zero
                    return w;
                }
                if (RowKeys.isUser(key) || RowKeys.isAttribute(key)) {
                    return gaussian(random, d, embeddingStd);
                }
                throw new IllegalArgumentException("unknown parameter row " + key);
        }
    }

    private static float[] gaussian(SplittableRandom random, int n, double std) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller; SplittableRandom has no nextGaussian on Java 17
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            w[i] = (float) (std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return w;
    }

    /** 64-bit FNV-1a of the key's UTF-8 bytes: stable across JVMs, unlike String.hashCode seeds. */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
