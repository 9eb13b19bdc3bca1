package io.streamrec.candidates;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-made vectors by text, for tests that need no language model; counts what it encodes. */
public final class FixedTextEncoder implements TextEncoder {
    private final Map<String, float[]> vectors;
    private final List<String> encoded = new ArrayList<>();

    public FixedTextEncoder(Map<String, float[]> vectors) {
        this.vectors = vectors;
    }

    @Override
    public float[][] encode(List<String> texts) {
        encoded.addAll(texts);
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            float[] v = vectors.get(texts.get(i));
            if (v == null) {
                throw new IllegalArgumentException("no vector for " + texts.get(i));
            }
            out[i] = ItemTextVectors.normalised(v);
        }
        return out;
    }

    private int closed;

    @Override
    public void close() {
        closed++;
    }

    /** How often {@link #close} was called. */
    public int closed() {
        return closed;
    }

    /** Every text encoded so far, in order. */
    public List<String> encoded() {
        return encoded;
    }
}
