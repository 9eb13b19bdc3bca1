package io.streamrec.candidates;

/** An item with the score a candidate source gave it. */
public record ScoredItem(String itemId, double score) {}
