package io.streamrec.tools.privacy;

import io.streamrec.serving.ServingStates;
import io.streamrec.serving.StatisticsCheckpoint;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.state.api.functions.StateBootstrapFunction;

/**
 * Writes its input as serving's union state of candidate statistics, under the descriptor serving
 * and the audit read it by ({@link ServingStates#candidateStatistics}): the savepoints the audit's
 * tests write.
 */
final class StatisticsStateBootstrap extends StateBootstrapFunction<StatisticsCheckpoint> {
    private transient ListState<StatisticsCheckpoint> state;

    @Override
    public void processElement(StatisticsCheckpoint value, Context ctx) throws Exception {
        state.add(value);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {}

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        state =
                context.getOperatorStateStore()
                        .getUnionListState(ServingStates.candidateStatistics());
    }
}
