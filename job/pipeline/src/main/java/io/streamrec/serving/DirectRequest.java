package io.streamrec.serving;

import io.streamrec.schema.RecommendationRequest;

/**
 * A request a serving subtask read from the requests topic itself, with where it was read: its
 * partition and offset bound what a checkpoint may say was answered.
 */
record DirectRequest(int partition, long offset, RecommendationRequest request) {
    String userId() {
        return request.userId();
    }

    boolean isForget() {
        return request.isForget();
    }
}
