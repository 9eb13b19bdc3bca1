package io.streamrec.schema;

import java.io.Serializable;

/**
 * A recommendation request with the user's interacted items (oldest first), attached by the worker
 * that owns the user so serving can exclude them and pool the recent ones.
 */
public record ServingRequest(RecommendationRequest request, String[] userItems)
        implements Serializable {}
