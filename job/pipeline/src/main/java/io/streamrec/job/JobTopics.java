package io.streamrec.job;

import io.streamrec.feeds.TopicOptions;

/**
 * The names of every topic the job reads or writes ({@code topic.*}), one per {@link
 * TopicOptions#ALL} option; {@link JobSettings} has checked that each is set and that no two name
 * the same topic.
 *
 * @param events user events, read
 * @param requests recommendation and forget requests, read
 * @param results recommendation results, written
 * @param modelUpdates the compacted feedback loop of checkpointed parameter rows, written and read
 * @param items catalog items, read
 * @param catalog the compacted topic of validated items, written and read
 * @param evalReports prequential evaluation reports, written
 * @param deadLetters rejected input, written
 */
public record JobTopics(
        String events,
        String requests,
        String results,
        String modelUpdates,
        String items,
        String catalog,
        String evalReports,
        String deadLetters) {}
