package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * A restored neighbourhood's lists hold indexed users, each once per list: a recent user or a
 * similar user beyond the users would end a later read or update in an index out of bounds.
 */
class UserNeighbourhoodTest {
    private static final int CAP = 4;

    @Test
    void aRestoreHoldsWhatWasWrittenForTheItemsAndUsersIndexed() throws IOException {
        UserNeighbourhood written = written();
        UserNeighbourhood restored = neighbourhood();
        restored.readFrom(input(bytes(written)), false, CAP, 3, 3);
        assertThat(bytes(restored)).isEqualTo(bytes(written));
    }

    @Test
    void listsOfMoreItemsOrUsersThanIndexedAreCorrupt() throws IOException {
        assertCorrupt(
                () -> read(out -> out.writeInt(4)), "corrupt UserNeighbourhood.items 4, 3 indexed");
        assertCorrupt(
                () ->
                        read(
                                out -> {
                                    out.writeInt(0); // items
                                    out.writeInt(4); // users
                                }),
                "corrupt UserNeighbourhood.users 4, 3 indexed");
        // what a neighbourhood of 3 users wrote, read against 2: an item's recent user is beyond
        byte[] bytes = bytes(written());
        assertCorrupt(
                () -> neighbourhood().readFrom(input(bytes), false, CAP, 3, 2),
                "corrupt UserNeighbourhood user 2 of 2");
    }

    @Test
    void anItemsRecentUserBeyondTheUsersOrTwiceIsCorrupt() {
        assertCorrupt(
                () -> read(out -> writeItemUsers(out, 1, 5)),
                "corrupt UserNeighbourhood user 5 of 3");
        assertCorrupt(
                () -> read(out -> writeItemUsers(out, -1)),
                "corrupt UserNeighbourhood user -1 of 3");
        assertCorrupt(
                () -> read(out -> writeItemUsers(out, 2, 0, 2)),
                "corrupt UserNeighbourhood user 2 twice in one list");
    }

    @Test
    void aSimilarUserBeyondTheUsersOrTwiceIsCorrupt() {
        assertCorrupt(
                () -> read(out -> writeSimilarUsers(out, 0, 3)),
                "corrupt UserNeighbourhood user 3 of 3");
        assertCorrupt(
                () -> read(out -> writeSimilarUsers(out, 1, 1)),
                "corrupt UserNeighbourhood user 1 twice in one list");
    }

    /** No writer put a user among its own similar users: its events skip it. */
    @Test
    void aUserAmongItsOwnSimilarUsersIsCorrupt() {
        assertCorrupt(
                () -> read(out -> writeSimilarUsers(out, 1, 0, 2)),
                "corrupt UserNeighbourhood user 0 among its own similar users");
    }

    /** Three users' events on three items, similar users kept both ways. */
    private static UserNeighbourhood written() {
        UserNeighbourhood n = neighbourhood();
        long t = 1_000;
        for (int[] event : new int[][] {{0, 0}, {1, 0}, {2, 1}, {1, 1}, {2, 2}, {0, 2}}) {
            n.add(event[0], event[1], t += 1_000, user -> true);
        }
        return n;
    }

    private static UserNeighbourhood neighbourhood() {
        return new UserNeighbourhood(CAP, CAP, HalfLife.ofHours(1), SimilarUsers.BOTH_WAYS);
    }

    /** One item's recent users, then no similar users. */
    private static void writeItemUsers(DataOutputStream out, int... users) throws IOException {
        out.writeInt(1); // items
        out.writeInt(users.length);
        for (int user : users) {
            out.writeInt(user);
        }
        out.writeInt(0); // users
    }

    /** No item's recent users, then one user's similar users. */
    private static void writeSimilarUsers(DataOutputStream out, int... users) throws IOException {
        out.writeInt(0); // items
        out.writeInt(1); // users
        out.writeInt(users.length);
        out.writeInt(users.length); // clock
        for (int s = 0; s < users.length; s++) {
            out.writeInt(users[s]);
            out.writeDouble(1.0);
            out.writeInt(s + 1); // stamp
        }
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads what {@code writer} writes as the neighbourhood of 3 items and 3 users. */
    private static void read(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        writer.write(new DataOutputStream(bytes));
        neighbourhood().readFrom(input(bytes.toByteArray()), false, CAP, 3, 3);
    }

    private static void assertCorrupt(ThrowingCallable read, String message) {
        assertThatThrownBy(read).isInstanceOf(IOException.class).hasMessage(message);
    }

    private static byte[] bytes(UserNeighbourhood n) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        n.writeTo(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static DataInputStream input(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }
}
