package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.ranking.CandidateFeatures;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * With item text vectors off, the candidate path (catalog, events, sources, features, a restore)
 * loads neither the MiniLM wrapper nor langchain4j nor onnxruntime. Run in a class loader of its
 * own, so that other tests in this JVM that load the model do not count.
 */
class TextVectorsOffLoadsNoModelTest {
    private static final List<String> MODEL_CLASSES =
            List.of(
                    "io.streamrec.candidates.MiniLmTextEncoder",
                    "io.streamrec.candidates.MiniLmModel",
                    "dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel",
                    "ai.onnxruntime.OrtEnvironment",
                    "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer");

    @Test
    void theCandidatePathWithTextVectorsOffLoadsNoModelClass() throws Exception {
        try (URLClassLoader isolated =
                new URLClassLoader(classpath(), ClassLoader.getPlatformClassLoader())) {
            Class<?> driver = isolated.loadClass(OffDriver.class.getName());
            ((Runnable) driver.getDeclaredConstructor().newInstance()).run();
            Method loaded = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
            loaded.setAccessible(true);
            // the check sees what the driver loaded ...
            assertThat(loaded.invoke(isolated, CandidateGenerator.class.getName())).isNotNull();
            assertThat(loaded.invoke(isolated, CandidateFeatures.class.getName())).isNotNull();
            // ... and no model class was among it
            for (String name : MODEL_CLASSES) {
                assertThat(loaded.invoke(isolated, name)).as(name).isNull();
            }
        }
    }

    private static URL[] classpath() throws Exception {
        String path = System.getProperty("surefire.test.class.path");
        if (path == null) {
            path = System.getProperty("java.class.path");
        }
        List<URL> urls = new ArrayList<>();
        for (String entry : path.split(File.pathSeparator)) {
            urls.add(new File(entry).toURI().toURL());
        }
        return urls.toArray(URL[]::new);
    }

    /** What a job with the option off does with the candidate statistics. */
    public static final class OffDriver implements Runnable {
        @Override
        public void run() {
            ItemCatalog catalog =
                    new ItemCatalog(
                            List.of(
                                    new ItemRecord("a", "Star Wars (1977)", List.of("Sci-Fi")),
                                    new ItemRecord("b", "Heat (1995)", List.of("Crime"))));
            CandidateGenerator generator =
                    new CandidateGenerator(CandidateSettings.defaults(), catalog);
            generator.update(new UserEvent("e1", "u1", "a", EventType.RATING, 5f, 0L));
            generator.putItem("c", "Casablanca (1942)", List.of("Drama"));
            CandidateFeatures features = new CandidateFeatures(generator);
            features.extract("u1", 1L, List.of("b", "c"), generator.candidates("u1", 1L), null);
            CandidateGenerator restored =
                    CandidateStatisticsSerializer.fromBytes(
                            CandidateStatisticsSerializer.toBytes(generator),
                            CandidateSettings.defaults());
            restored.adoptTextVectors(generator);
            if (restored.textVectors() != null) {
                throw new AssertionError("text vectors when off");
            }
        }
    }
}
