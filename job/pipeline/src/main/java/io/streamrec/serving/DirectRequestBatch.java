package io.streamrec.serving;

import java.util.List;
import java.util.Map;

/**
 * What one poll of the requests topic gave a serving subtask: the requests and forgets of the users
 * it owns, in topic order per partition, and the next offset of every partition the poll read
 * (records of other subtasks' users and unreadable records included: they are done with).
 */
record DirectRequestBatch(List<DirectRequest> requests, Map<Integer, Long> nextOffsets) {}
