package io.streamrec.ps;

import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.SavepointContract.StateNames;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * The parameter server's keyed state, its name and type as {@link ParameterShardOperator} registers
 * it: tools that read a savepoint (the forget audit) read the rows with exactly this.
 */
public final class ParameterShardState {
    private ParameterShardState() {}

    /** One parameter row per key, with its optimizer slots. */
    public static ValueStateDescriptor<ParameterRow> rows() {
        return new ValueStateDescriptor<>(StateNames.PARAMETER_ROWS, ParameterRow.typeInfo());
    }
}
