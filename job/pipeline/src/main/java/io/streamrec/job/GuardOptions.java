package io.streamrec.job;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The flood guards: per-user and per-item event rates. Read in one place: {@link JobSettings}. */
public final class GuardOptions {
    private GuardOptions() {}

    public static final ConfigOption<Double> USER_EVENTS_PER_HOUR =
            ConfigOptions.key("guard.user-events-per-hour")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription(
                            "Flood limit: events one user may contribute per hour of event time"
                                    + " (a token bucket of guard.user-burst); events beyond it are"
                                    + " dead-lettered (user_flood), not trained. 0: no limit.");

    public static final ConfigOption<Integer> USER_BURST =
            ConfigOptions.key("guard.user-burst")
                    .intType()
                    .defaultValue(200)
                    .withDescription(
                            "Flood limit: events one user may send at once before"
                                    + " guard.user-events-per-hour applies.");

    public static final ConfigOption<Double> ITEM_EVENTS_PER_HOUR =
            ConfigOptions.key("guard.item-events-per-hour")
                    .doubleType()
                    .defaultValue(0.0)
                    .withDescription(
                            "Item flood guard: events one item may receive per hour of event time,"
                                    + " from all users together (a token bucket of"
                                    + " guard.item-burst); events beyond it are dead-lettered"
                                    + " (item_flood), not trained. 0: no guard (the stage is not"
                                    + " in the job).");

    public static final ConfigOption<Integer> ITEM_BURST =
            ConfigOptions.key("guard.item-burst")
                    .intType()
                    .defaultValue(200)
                    .withDescription(
                            "Item flood guard: events one item may receive at once before"
                                    + " guard.item-events-per-hour applies.");
}
