package io.streamrec.worker;

import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * One key per parameter-server subtask, found by searching key names until each subtask is hit:
 * sending an eval marker under each of these keys puts one copy on every shard's channel of the
 * same keyed edge that carries the gradients, which is what orders it before them.
 */
public final class ShardKeys {
    private ShardKeys() {}

    public static String[] forParallelism(int parallelism, int maxParallelism) {
        String[] keys = new String[parallelism];
        int found = 0;
        for (int n = 0; found < parallelism; n++) {
            String key = "shard-marker-" + n;
            int subtask =
                    KeyGroupRangeAssignment.assignKeyToParallelOperator(
                            key, maxParallelism, parallelism);
            if (keys[subtask] == null) {
                keys[subtask] = key;
                found++;
            }
        }
        return keys;
    }
}
