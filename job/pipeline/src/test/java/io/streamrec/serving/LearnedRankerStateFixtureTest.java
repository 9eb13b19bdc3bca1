package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.fixtures.CommittedFixtures;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A learned ranker's union-state entry as version 1 of {@link LearnedRankerState} wrote it (the
 * current format): subtask 2's, with the statistics older checkpoints held there. The learned state
 * and statistics are bytes to this format (their own formats have fixtures of their own).
 */
class LearnedRankerStateFixtureTest {
    private static final byte[] STATISTICS = {9, 8, 7, 6};
    private static final byte[] LEARNED = {2, 1, 2, 3, 12};

    /** What the fixture holds. */
    private static LearnedRankerState version1() {
        return new LearnedRankerState(2, STATISTICS, LEARNED);
    }

    @Test
    void readsTheVersionOneFixture() throws IOException {
        byte[] bytes = CommittedFixtures.read("LearnedRankerState.v1.bin");
        assertThat(bytes[0]).as("version byte").isEqualTo((byte) 1);

        LearnedRankerState read = LearnedRankerState.fromBytes(bytes);

        assertThat(read.subtask()).isEqualTo(2);
        assertThat(read.statistics()).containsExactly(STATISTICS);
        assertThat(read.learned()).containsExactly(LEARNED);
    }

    /**
     * Today's code, given the entry the fixture of the version it writes holds, writes that
     * fixture's committed bytes (see {@link CommittedFixtures#assertWritesCommitted}).
     */
    @Test
    void todaysWriterWritesTheCommittedBytesOfItsVersion() throws IOException {
        byte[] written = version1().toBytes();
        CommittedFixtures.assertWritesCommitted(
                "LearnedRankerState.v" + written[0] + ".bin", written);
    }

    /**
     * Writes the fixture of the version today's code writes ({@code LearnedRankerState.v<version>
     * .bin}, the version its first byte says) if it is missing, never over one and never under
     * another version's name: {@code mvn test -pl job/pipeline -am
     * -Dtest=LearnedRankerStateFixtureTest#writeMissingFixture -Dfixtures.write=true
     * -Dsurefire.failIfNoSpecifiedTests=false}.
     */
    @Test
    @EnabledIfSystemProperty(named = "fixtures.write", matches = "true")
    void writeMissingFixture() throws IOException {
        byte[] bytes = version1().toBytes();
        CommittedFixtures.writeIfMissing("LearnedRankerState.v" + bytes[0] + ".bin", bytes);
    }
}
