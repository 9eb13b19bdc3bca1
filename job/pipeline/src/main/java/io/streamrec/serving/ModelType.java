package io.streamrec.serving;

/** The model that ranks items for serving and evaluation. */
public enum ModelType {
    /** The factorization model alone: every item scored by user and item vectors. */
    BPR,
    /** The learned ranker over candidate sources, with the factorization score as one feature. */
    RANKER
}
