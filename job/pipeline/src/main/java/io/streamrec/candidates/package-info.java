/**
 * Candidate generation for a learned ranker, without Flink: bounded statistics learned from the
 * event stream, and the candidate sources that read them.
 *
 * <p>{@link io.streamrec.candidates.CandidateGenerator} is the entry point: {@code candidates(user,
 * t)} before an event (test), {@code update(event)} after it (learn). The sources ({@link
 * io.streamrec.candidates.Source}) are decayed popularity at 6 h, 1 d, 7 d and 30 d half-lives and
 * all-time popularity ({@link io.streamrec.candidates.DecayedCounter}); item-to-item co-occurrence
 * and transitions from the user's last items (capped rows of counts, {@link
 * io.streamrec.candidates.BoundedCounts}); recent items of similar users (capped lists of decayed
 * similarities, {@link io.streamrec.candidates.BoundedNeighbours}); and items sharing rare title
 * words or attributes with the user's last items. A {@link io.streamrec.candidates.CandidateSet}
 * unites their lists and keeps each candidate's score and rank per source: the raw features a
 * ranker over the union starts from.
 *
 * <p>Every per-item and per-user list is capped, so state grows with items plus users. The
 * measuring tool is {@code io.streamrec.tools.offline.CandidateRecall} in job/tools.
 */
package io.streamrec.candidates;
