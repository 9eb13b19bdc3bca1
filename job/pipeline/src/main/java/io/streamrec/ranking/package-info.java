/**
 * The learned ranker over candidate sources, free of Flink: features of (user, candidate) pairs
 * read from the candidate statistics, and a context-gated listwise scorer trained with DJL.
 */
package io.streamrec.ranking;
