package io.streamrec.ps;

import io.streamrec.schema.ParameterRow;
import java.io.IOException;

/**
 * Where a {@link RowWriteBackCache} keeps its rows and writes them out: in the job, the parameter
 * server's keyed state and its feedback output ({@link ParameterShardOperator#CHECKPOINTED_ROWS}).
 */
interface RowStore {
    /** The stored row of {@code key}; null where there is none. */
    ParameterRow read(String key) throws IOException;

    /** Stores {@code row} as the row of {@code key}. */
    void write(String key, ParameterRow row) throws IOException;

    /** Removes the row of {@code key}. */
    void erase(String key);

    /** Writes {@code row} to the feedback topic, labelled with checkpoint {@code label}. */
    void emit(ParameterRow row, long label);

    /**
     * Emits every stored row with {@code label}: the republish after a restore from another run.
     */
    void emitAll(long label) throws IOException;
}
