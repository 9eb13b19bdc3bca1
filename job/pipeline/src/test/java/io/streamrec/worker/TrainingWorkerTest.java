package io.streamrec.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.DjlBprTrainer;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.model.RowKeys;
import io.streamrec.model.TrainingExample;
import io.streamrec.ps.AdagradUpdater;
import io.streamrec.ps.FrequencyAdaptiveL2;
import io.streamrec.ps.RowUpdater;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.ShardMessage;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrainingWorkerTest {
    /** dim 4, 2 negatives, the user representation pools the last 3 items. */
    private static final ModelConfig MODEL = new ModelConfig(4, 2, 3, 86_400_000L, 1L);

    private static final String[] NONE = new String[0];
    private static DjlBprTrainer trainer;

    @BeforeAll
    static void startEngine() {
        trainer = new DjlBprTrainer(Device.cpu());
    }

    @AfterAll
    static void stopEngine() {
        trainer.close();
    }

    private static WorkerSettings settings(int batchSize, int maxUserItems, boolean localUpdates) {
        return new WorkerSettings(
                batchSize, 60_000, localUpdates, false, maxUserItems, 0.5, 50, 3_600_000L);
    }

    private static ItemCatalog catalog(int items) {
        return new ItemCatalog(
                IntStream.range(0, items)
                        .mapToObj(i -> new ItemRecord("i" + i, "item " + i, List.of("g" + i % 3)))
                        .toList());
    }

    private static ModelReplica replica() {
        ModelRowInitializer initializer = new ModelRowInitializer(MODEL);
        return new ModelReplica(
                initializer,
                new RowUpdater(
                        new AdagradUpdater(0.1, 0.1, 1e-8),
                        new FrequencyAdaptiveL2(0.01),
                        initializer,
                        MODEL.trendHalfLifeMs()));
    }

    private static TrainingWorker worker(WorkerSettings settings, ItemCatalog catalog) {
        return worker(settings, catalog, replica());
    }

    private static TrainingWorker worker(
            WorkerSettings settings, ItemCatalog catalog, ModelReplica replica) {
        return new TrainingWorker(MODEL, settings, catalog, replica, trainer, List.of());
    }

    private static UserEvent event(int n, String user, String item) {
        return new UserEvent("e" + n, user, item, EventType.CLICK, Float.NaN, 1000L * n);
    }

    @Test
    void aBatchIsFullAtTheBatchSizeAndTakingItEmptiesTheBuffer() {
        TrainingWorker worker = worker(settings(3, 100, false), catalog(20));
        worker.add(event(1, "a", "i1"), NONE);
        worker.add(event(2, "b", "i2"), NONE);
        assertThat(worker.pending()).isEqualTo(2);
        assertThat(worker.isBatchFull()).isFalse();
        worker.add(event(3, "a", "i3"), new String[] {"i1"});
        assertThat(worker.isBatchFull()).isTrue();

        MicroBatch batch = worker.takeBatch();
        assertThat(batch.size()).isEqualTo(3);
        assertThat(batch.events()).extracting(UserEvent::eventId).containsExactly("e1", "e2", "e3");
        assertThat(batch.examples())
                .extracting(TrainingExample::positiveItem)
                .containsExactly("i1", "i2", "i3");
        assertThat(batch.userItems().get(2)).containsExactly("i1");
        assertThat(worker.pending()).isZero();
        assertThat(worker.isBatchFull()).isFalse();
        assertThat(worker.takeBatch().size()).isZero();
    }

    @Test
    void userItemsAreCappedAndTheExampleReadsTheMostRecent() {
        TrainingWorker worker = worker(settings(100, 4, false), catalog(20));
        String[] items = NONE;
        for (int n = 1; n <= 6; n++) {
            items = worker.add(event(n, "a", "i" + n), items);
        }
        // at most 4 items, oldest dropped
        assertThat(items).containsExactly("i3", "i4", "i5", "i6");
        MicroBatch batch = worker.takeBatch();
        // the items the user had before event 6, and the last 3 of them as its history
        assertThat(batch.userItems().get(5)).containsExactly("i2", "i3", "i4", "i5");
        assertThat(batch.examples().get(5).history()).containsExactly("i3", "i4", "i5");
        assertThat(batch.examples().get(0).history()).isEmpty();
    }

    /** The worker hands the sampler the user's items: none of them is drawn as a negative. */
    @Test
    void theUsersEarlierItemsAreNotDrawnAsNegatives() {
        TrainingWorker worker = worker(settings(1_000, 1_000, false), catalog(30));
        String[] items = NONE;
        for (int n = 0; n < 20; n++) {
            items = worker.add(event(n, "a", "i" + n), items);
        }
        String[] before = items;
        for (int n = 20; n < 220; n++) {
            worker.add(event(n, "a", "i" + (20 + n % 10)), before);
        }
        MicroBatch batch = worker.takeBatch();
        for (int b = 20; b < 220; b++) {
            TrainingExample ex = batch.examples().get(b);
            assertThat(ex.negativeItems())
                    .as("event %s", ex.eventId())
                    .doesNotContain(before)
                    .doesNotContain(ex.positiveItem());
        }
    }

    /**
     * A fresh job's first event knows only its own item: its negatives are that item, and it gets
     * weight 0, so no ln 2 goes into the loss (the gradient is zero anyway).
     */
    @Test
    void anEventWhoseOnlyNegativeIsItsOwnItemAddsNoLoss() {
        TrainingWorker worker = worker(settings(10, 100, false), new ItemCatalog(List.of()));
        worker.add(event(1, "a", "x"), NONE);
        MicroBatch batch = worker.takeBatch();
        assertThat(batch.examples().get(0).negativeItems()).containsOnly("x");
        assertThat(batch.examples().get(0).weight()).isZero();
        assertThat(worker.train(batch).loss()).isZero();
    }

    @Test
    void userHistoryKeepsRepeatsAndDropsTheOldest() {
        String[] items = UserHistory.append(new String[] {"x", "y"}, "x", 3);
        assertThat(items).containsExactly("x", "y", "x");
        assertThat(UserHistory.append(items, "z", 3)).containsExactly("y", "x", "z");
        assertThat(UserHistory.append(NONE, "z", 1)).containsExactly("z");
    }

    @Test
    void negativesDependOnTheStreamNotOnTheBatchSize() {
        List<UserEvent> events = new ArrayList<>();
        for (int n = 0; n < 12; n++) {
            events.add(event(n, "u" + n % 3, "i" + (n * 7) % 25));
        }
        assertThat(negatives(events, 2)).isEqualTo(negatives(events, 5));
    }

    private static List<List<String>> negatives(List<UserEvent> events, int batchSize) {
        TrainingWorker worker = worker(settings(batchSize, 100, false), catalog(20));
        List<List<String>> out = new ArrayList<>();
        for (UserEvent e : events) {
            worker.add(e, NONE);
            if (worker.isBatchFull()) {
                worker.takeBatch().examples().forEach(x -> out.add(List.of(x.negativeItems())));
            }
        }
        worker.takeBatch().examples().forEach(x -> out.add(List.of(x.negativeItems())));
        return out;
    }

    @Test
    void localUpdatesGoToTheReplicaOnlyWhenOn() {
        ModelReplica withUpdates = replica();
        ModelReplica without = replica();
        for (ModelReplica replica : List.of(withUpdates, without)) {
            TrainingWorker worker =
                    worker(settings(2, 100, replica == withUpdates), catalog(20), replica);
            worker.add(event(1, "a", "i1"), NONE);
            worker.add(event(2, "a", "i2"), new String[] {"i1"});
            List<ShardMessage> gradients = worker.train(worker.takeBatch()).gradients();
            assertThat(gradients).extracting(ShardMessage::key).contains(RowKeys.user("a"));
        }
        assertThat(without.size()).isZero();
        ParameterRow user = withUpdates.row(RowKeys.user("a"));
        // both events touch the user's row; a local row keeps the version it was based on
        assertThat(user.updates()).isEqualTo(2);
        assertThat(user.version()).isZero();
    }

    /**
     * Two positives of one item in a micro-batch go to the parameter server in one message with the
     * newest event time and the oldest: serving measures freshness from the one that waited longest
     * in the batch.
     */
    @Test
    void anItemsMessageCarriesTheNewestAndTheOldestEventTimeOfItsPositives() {
        TrainingWorker worker = worker(settings(3, 100, false), catalog(20));
        worker.add(event(1, "a", "i1"), NONE);
        worker.add(event(2, "b", "i2"), NONE);
        worker.add(event(3, "c", "i1"), NONE);
        ShardMessage item =
                worker.train(worker.takeBatch()).gradients().stream()
                        .filter(m -> m.key().equals(RowKeys.item("i1")))
                        .findFirst()
                        .orElseThrow();
        assertThat(item.positives()).isEqualTo(2);
        assertThat(item.eventTime()).isEqualTo(3000L);
        assertThat(item.oldestPositiveTime()).isEqualTo(1000L);
    }

    @Test
    void aLateEventPassesNoMoreThanAFlushIntervalOffAsItsItemsOldestTime() {
        TrainingWorker worker = worker(settings(3, 100, false), catalog(20)); // flushes in 60 s
        long now = 10 * 3_600_000L;
        worker.add(
                new UserEvent("late", "a", "i1", EventType.CLICK, Float.NaN, now - 3_600_000L),
                NONE);
        worker.add(new UserEvent("fresh", "b", "i1", EventType.CLICK, Float.NaN, now), NONE);
        ShardMessage item =
                worker.train(worker.takeBatch()).gradients().stream()
                        .filter(m -> m.key().equals(RowKeys.item("i1")))
                        .findFirst()
                        .orElseThrow();
        // an hour late: serving's freshness would read an hour's lag for a batch that waited 60 s
        assertThat(item.eventTime()).isEqualTo(now);
        assertThat(item.oldestPositiveTime()).isEqualTo(now - 60_000L);
    }

    @Test
    void serverRowsAndCatalogItemsBecomeNegativeCandidates() {
        ItemCatalog empty = ItemCatalog.empty();
        TrainingWorker worker = worker(settings(10, 100, false), empty);
        worker.addServerRow(
                new ParameterRow(RowKeys.item("x"), new float[5], new float[0], 1, 0, 0, 0f, 0L));
        worker.add(event(1, "a", "y"), NONE);
        // the only candidate other than the positive
        assertThat(worker.takeBatch().examples().get(0).negativeItems()).containsOnly("x");

        worker.addItem(new ItemRecord("z", "zed", List.of("g1")));
        assertThat(empty.contains("z")).isTrue();
        worker.add(event(2, "a", "y"), NONE);
        assertThat(worker.takeBatch().examples().get(0).negativeItems())
                .containsExactlyInAnyOrder("x", "z");
    }

    @Test
    void theRingOfRecentPositivesContinuesFromTheRestoredOne() {
        TrainingWorker worker =
                new TrainingWorker(
                        MODEL,
                        settings(10, 100, false),
                        catalog(20),
                        replica(),
                        trainer,
                        List.of("i1", "i2"));
        worker.add(event(1, "a", "i3"), NONE);
        assertThat(worker.recentPositives()).containsExactly("i1", "i2", "i3");
    }
}
