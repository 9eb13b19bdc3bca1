package io.streamrec.eval;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A corrupt length in prequential counts is an IOException, never an allocation. */
class PrequentialCountsCorruptLengthTest {

    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, -5})
    void aCorruptCountsLengthIsAnIoException(int length) throws IOException {
        PrequentialCountsSerializer serializer = PrequentialCountsSerializer.INSTANCE;
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeByte(1); // version 1: the recommender names are implied
        out.writeInt(0); // subtask
        out.writeInt(1); // windows
        out.writeLong(0L); // window start
        out.writeInt(length);
        byte[] bytes = out.getCopyOfBuffer();

        assertThatThrownBy(() -> serializer.fromBytes(bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("PrequentialCounts.counts")
                .hasMessageContaining(String.valueOf(length))
                .hasMessageContaining("bound");
    }
}
