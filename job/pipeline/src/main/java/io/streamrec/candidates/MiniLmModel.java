package io.streamrec.candidates;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import io.streamrec.lifecycle.CloseAll;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * all-MiniLM-L6-v2 (mean pooling, as the model was trained) with one onnxruntime thread per session
 * and texts embedded one after another on the caller's thread: it takes no cores from the task
 * slots, and a text's vector does not depend on what else is encoded with it. Only {@link
 * MiniLmTextEncoder} refers to this class.
 */
final class MiniLmModel extends AbstractInProcessEmbeddingModel {
    private static final String MODEL = "/all-minilm-l6-v2.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

    private final OnnxBertBiEncoder encoder;
    private final OrtSession session;

    MiniLmModel() {
        super(Runnable::run);
        try (InputStream weights = resource(MODEL);
                InputStream tokenizer = resource(TOKENIZER);
                OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            session = environment.createSession(weights.readAllBytes(), options);
            encoder = encoderOver(environment, tokenizer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load " + MODEL, e);
        }
    }

    /**
     * The encoder over the open session; if it cannot be made (the tokenizer's native library), the
     * session is closed first: onnxruntime would never free it, and every restart would add one.
     */
    private OnnxBertBiEncoder encoderOver(OrtEnvironment environment, InputStream tokenizer) {
        try {
            return new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
        } catch (RuntimeException | Error e) {
            CloseAll.closeAfter(e, session);
            throw e;
        }
    }

    /** Frees the session's native memory (about 90 MB): onnxruntime has no finalizer for it. */
    void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close " + MODEL, e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = MiniLmModel.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the classpath");
        }
        return in;
    }

    float[] vector(String text) {
        return embed(TextSegment.from(text)).content().vector();
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder;
    }

    @Override
    protected Integer knownDimension() {
        return MiniLmTextEncoder.DIMENSION;
    }
}
