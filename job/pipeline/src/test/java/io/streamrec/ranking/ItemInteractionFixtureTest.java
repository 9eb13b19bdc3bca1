package io.streamrec.ranking;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.fixtures.CommittedFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Item-vector snapshots as version 1 of {@link ItemInteraction#writeTo} wrote them (the current
 * format) restore, accumulators included: a format change must keep reading them.
 */
class ItemInteractionFixtureTest {
    private static final String FOLDER = "serializer-fixtures";
    private static final String V1 = "ItemInteraction.v1.bin";
    private static final List<String> IDS = List.of("tt0111161", "Amélie", "\uD83C\uDFAC film");

    /**
     * What the fixtures hold: 3 dimensions over the latest 2 items, seed 7, after one step on a
     * list of the three ids with history "h".
     */
    private static ItemInteraction trained() {
        ItemInteraction terms =
                new ItemInteraction(new ItemInteraction.Settings(3, 2, 0.1, 0.5, 0.01, 0.1, 7L));
        ItemInteraction.Example e = terms.example(IDS, List.of("h"));
        terms.step(List.of(e), new float[][] {{0.2f, 0.5f, 0.3f}}, new int[] {1}, new float[] {1f});
        return terms;
    }

    @Test
    void readsTheVersionOneFixture() throws IOException {
        ItemInteraction restored =
                new ItemInteraction(new ItemInteraction.Settings(3, 2, 0.1, 0.5, 0.01, 0.1, 7L));
        DataInputStream data = new DataInputStream(new ByteArrayInputStream(committedFixture()));
        restored.readFrom(data);
        assertThat(data.read()).as("read to its end").isEqualTo(-1);
        // as the committed bytes hold it, whatever today's initial vectors and step are
        assertThat(restored.vector("Amélie"))
                .containsExactly(-0.110994481f, 0.0458564833f, -0.0832930654f);
        // the same as this code makes them (to be pinned too if the initial vectors or the step
        // ever change)
        ItemInteraction expected = trained();
        assertThat(restored.size()).isEqualTo(4);
        for (String id : List.of("tt0111161", "Amélie", "\uD83C\uDFAC film", "h")) {
            assertThat(restored.vector(id)).as(id).containsExactly(expected.vector(id));
        }
        // the accumulators came back too: the next step moves both alike
        ItemInteraction.Example e = restored.example(IDS, List.of("h"));
        restored.step(
                List.of(e), new float[][] {{0.6f, 0.1f, 0.3f}}, new int[] {0}, new float[] {1f});
        ItemInteraction.Example f = expected.example(IDS, List.of("h"));
        expected.step(
                List.of(f), new float[][] {{0.6f, 0.1f, 0.3f}}, new int[] {0}, new float[] {1f});
        assertThat(restored.vector("Amélie")).containsExactly(expected.vector("Amélie"));
    }

    /** Today's writer still writes version 1 byte for byte: the fixture's own bytes. */
    @Test
    void writesTheVersionOneFixturesBytes() throws IOException {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        trained().writeTo(new DataOutputStream(written));
        assertThat(written.toByteArray()).isEqualTo(committedFixture());
    }

    private byte[] committedFixture() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/" + FOLDER + "/" + V1)) {
            assertThat(in).as("committed fixture %s", V1).isNotNull();
            return in.readAllBytes();
        }
    }

    /**
     * Writes the fixture of the version today's {@link ItemInteraction#writeTo} writes ({@code
     * ItemInteraction.v<SNAPSHOT_VERSION>.bin}) if it is missing, never over one and never under
     * another version's name: {@code mvn test -pl job/pipeline -am
     * -Dtest=ItemInteractionFixtureTest#writeMissingFixture -Dfixtures.write=true
     * -Dsurefire.failIfNoSpecifiedTests=false}.
     */
    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void writeMissingFixture() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        trained().writeTo(new DataOutputStream(bytes));
        CommittedFixtures.writeIfMissing(
                "ItemInteraction.v" + ItemInteraction.SNAPSHOT_VERSION + ".bin",
                bytes.toByteArray());
    }
}
