package io.streamrec.ps;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ShardMessage;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.AbstractKeyedStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link ParameterShardState} describes the rows as the shard keeps them: the forget audit reads a
 * savepoint's row keys through it, and a type other than the shard's would fail its restore.
 */
class ParameterShardStateTest {

    @Test
    void theShardsCheckpointedRowsReadBackThroughTheSharedDescriptor() throws Exception {
        ParameterShardOperator shard =
                new ParameterShardOperator(
                        new AdagradUpdater(0.1, 0.0, 1e-12),
                        new FrequencyAdaptiveL2(0.0),
                        key -> new float[] {1.0f, -1.0f},
                        86_400_000L,
                        1000,
                        1);
        OperatorSubtaskState checkpoint;
        try (var h = harness(shard)) {
            h.open();
            h.processElement(
                    new StreamRecord<>(
                            ShardMessage.gradient("i:1", new float[] {0.5f, 0.5f}, 1, 1, 1, 0L)));
            h.prepareSnapshotPreBarrier(1L); // the write-back cache to state
            checkpoint = h.snapshot(1L, 1L);
            assertThat(
                            ((AbstractKeyedStateBackend<?>) shard.getKeyedStateBackend())
                                    .numKeyValueStatesByName())
                    .as("the rows are the shard's only keyed state")
                    .isEqualTo(1);
        }

        try (var read = harness(new RowReader())) {
            read.initializeState(checkpoint);
            read.open();
            read.processElement(
                    new StreamRecord<>(ShardMessage.gradient("i:1", new float[0], 0, 0, 0, 0L)));

            assertThat(read.extractOutputValues())
                    .singleElement()
                    .satisfies(
                            row -> {
                                assertThat(row.key()).isEqualTo("i:1");
                                assertThat(row.version()).isEqualTo(1);
                            });
        }
    }

    private static <O> KeyedOneInputStreamOperatorTestHarness<String, ShardMessage, O> harness(
            OneInputStreamOperator<ShardMessage, O> op) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(op, ShardMessage::key, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    /** Emits the row held under each message's key, read as {@link ParameterShardState} says. */
    private static final class RowReader extends AbstractStreamOperator<ParameterRow>
            implements OneInputStreamOperator<ShardMessage, ParameterRow> {
        private transient ValueState<ParameterRow> rows;

        @Override
        public void open() throws Exception {
            super.open();
            rows = getRuntimeContext().getState(ParameterShardState.rows());
        }

        @Override
        public void processElement(StreamRecord<ShardMessage> element) throws Exception {
            output.collect(new StreamRecord<>(rows.value()));
        }
    }
}
