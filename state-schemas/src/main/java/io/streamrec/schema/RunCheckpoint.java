package io.streamrec.schema;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * A run of the job, named by its Flink {@link JobID}, and one of its checkpoint ids. Stamped on a
 * model-updates row, it names the run that wrote the row and the checkpoint whose Kafka transaction
 * carries it (or a later checkpoint of that run, never an earlier one: a restore from the labelled
 * checkpoint or a later one holds every update in the row). In a replica's lineage it names an
 * earlier run and the last of its checkpoints that the restored state descends from.
 *
 * <p>A restore from an older checkpoint or a savepoint is a new submission, so a new JobID; a
 * failover within a job restores its latest completed checkpoint under the same JobID.
 */
@TypeInfo(RunCheckpoint.Info.class)
public record RunCheckpoint(JobID job, long checkpointId) {

    /** Flink type information backed by {@link RunCheckpointSerializer}. */
    public static final class Info extends TypeInfoFactory<RunCheckpoint> {
        @Override
        public TypeInformation<RunCheckpoint> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return typeInfo();
        }
    }

    public static TypeInformation<RunCheckpoint> typeInfo() {
        return new RecordTypeInfo<>(RunCheckpoint.class, RunCheckpointSerializer.INSTANCE);
    }
}
