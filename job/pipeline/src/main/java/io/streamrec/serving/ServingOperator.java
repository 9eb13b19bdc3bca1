package io.streamrec.serving;

import io.streamrec.candidates.CandidateSettings;
import io.streamrec.eval.PrequentialCounts;
import io.streamrec.feeds.ItemCatalogFeed;
import io.streamrec.feeds.ModelRowFeed;
import io.streamrec.ingest.ItemCatalog;
import io.streamrec.kafka.KafkaSettings;
import io.streamrec.lifecycle.CloseAll;
import io.streamrec.model.ModelConfig;
import io.streamrec.ps.RowInitializer;
import io.streamrec.ps.RunLineage;
import io.streamrec.records.UserPseudonyms;
import io.streamrec.schema.EvalMarker;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.ModelUpdate;
import io.streamrec.schema.ParameterRow;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.RecommendationResult;
import io.streamrec.schema.ServingRequest;
import io.streamrec.schema.UserEvent;
import io.streamrec.serving.CheckpointTimings.Phase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serving and prequential evaluation. Every subtask receives the parameter server's whole output on
 * a broadcast edge and keeps a {@link ServingModel} replica of every item row and of the rows of
 * the users it owns ({@link UserOwner}); requests and evaluation work are split between subtasks by
 * user the same way.
 *
 * <p>Evaluation: an {@link EvalMarker} arrives once per parameter-server shard; on the first copy
 * the model has not yet seen any row the batch updated (each shard sends the marker before those
 * rows), so each event is scored against a model that has not trained on it, beside the all-time
 * and trending popularity baselines computed from the same replica. Counts are operator state
 * ({@link ServingStates}, beside the learned ranker's and the requests topic's) and reported as
 * JSON to the eval side output at every checkpoint ({@link EvalReports}), encoded off the task
 * thread and emitted when ready ({@link EvalReportPublisher}) unless {@code
 * eval.report-off-task-thread} is off. Requests are answered by {@link RequestAnswerer}.
 *
 * <p>Under the learned ranker with {@code serving.direct-requests}, recommendation requests do not
 * come on this operator's input: a {@link DirectRequestFetcher} thread reads the requests topic and
 * hands each poll to the task's mailbox, answered between records and between any two pieces of
 * queued work ({@link DirectRequestLedger} keeps the positions and holds a request behind its
 * user's forget).
 *
 * <p>A batch is evaluated in slices ({@link ServingSettings#evaluationSliceNanos}) so that requests
 * are answered between its events; rows and markers arriving meanwhile queue behind it in order
 * (they may carry the batch's own training), and the queue runs to its end before every barrier, so
 * what is checkpointed is what whole batches give.
 *
 * <p>The replica is not checkpointed: on (re)start it is rebuilt from the model-updates topic,
 * which holds exactly the parameter-server state of the last completed checkpoint, and then kept
 * fresh by the broadcast edge. The topic's reader stays open and is polled before every marker and
 * request, because the restored checkpoint's own rows may be committed only after the rebuild.
 * Topic rows of runs the restored state abandoned (a restore from an older checkpoint or a
 * savepoint) are dropped ({@link RunLineage}), so they neither shadow the recomputed rows nor score
 * replayed events with rows that trained on them. So are the rows of users a forget before the
 * restored checkpoint erased, until their tombstone comes: it is in that checkpoint's transaction,
 * which the sink may commit after the rebuild (the checkpoint keeps those users).
 */
public class ServingOperator extends AbstractStreamOperator<RecommendationResult>
        implements OneInputStreamOperator<ModelUpdate, RecommendationResult> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ServingOperator.class);
    private static final int EVAL_K = 10;

    public static final OutputTag<String> EVAL_REPORTS =
            new OutputTag<>("eval-reports", Types.STRING);

    private final ModelConfig config;
    private final RowInitializer initializer;
    private final ItemCatalog catalog;
    private final ServingSettings settings;
    private final KafkaSettings kafka;
    private final String modelUpdatesTopic;
    private final String catalogTopic;
    private final DirectRequestSettings direct;

    /** Serving's checkpointed state: what a restore read, until taken, and its writing. */
    private transient ServingStates states;

    private transient ServingModel model;
    private transient LearnedRanking learned;
    private transient EventRanker ranker;
    private transient RequestAnswerer answerer;
    private transient ItemCatalogFeed itemFeed;
    private transient ModelRowFeed rowFeed;
    private transient RunLineage lineage;

    /** The model's sink for model-updates rows: those of the state's lineage. */
    private transient Consumer<ParameterRow> topicRows;

    private transient PrequentialCounts counts;
    private transient QualityGauges gauges;
    private transient MarkerCopies markerCopies;
    private transient long maxEventTime;
    private transient int subtask;
    private transient int parallelism;
    private transient Counter answered;
    private transient Counter evaluated;
    private transient Counter forgotten;
    private transient EvalReports reports;

    /** The running checkpoint's task-thread work by phase, until its snapshot logs it. */
    private transient CheckpointTimings checkpointTimings;

    /** The input in the order it runs: marker batches in slices, requests between their events. */
    private transient EvaluationQueue evaluation;

    private transient boolean continuationScheduled;

    /** Requests serving reads from the topic itself; null when they come through the workers. */
    private transient DirectRequestIntake directRequests;

    /** Set once the operator finished. */
    private transient boolean finished;

    /**
     * @param direct whether (and where) serving reads recommendation requests from the requests
     *     topic itself; used only under the learned ranker, whose statistics hold each user's items
     */
    public ServingOperator(
            ModelConfig config,
            RowInitializer initializer,
            ItemCatalog catalog,
            ServingSettings settings,
            KafkaSettings kafka,
            String modelUpdatesTopic,
            String catalogTopic,
            DirectRequestSettings direct) {
        this.direct = direct;
        this.settings = settings;
        this.catalogTopic = catalogTopic;
        this.config = config;
        this.initializer = initializer;
        this.catalog = catalog;
        this.kafka = kafka;
        this.modelUpdatesTopic = modelUpdatesTopic;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        checkpointTimings = new CheckpointTimings(subtask);
        parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        states =
                ServingStates.restore(
                        context, getRuntimeContext().getJobInfo().getJobId(), subtask, parallelism);
        counts = states.counts();
        markerCopies = states.markerCopies();
        maxEventTime = states.clock();
        lineage = states.lineage();
    }

    @Override
    public void open() throws Exception {
        super.open();
        model = new ServingModel(config, initializer, catalog, this::owns);
        if (settings.modelType() == ModelType.RANKER) {
            learned =
                    new LearnedRanking(model, settings.ranker(), catalog, config.trendHalfLifeMs());
            learned.serveShare(subtask, parallelism);
            states.restoreLearnedRanking(learned);
            learned.baseStatisticsNow();
            scoreOnThread();
        } else {
            states.releaseRestoredLearning();
        }
        ranker = new EventRanker(model, learned, config.trendDecayPerMs(), EVAL_K);
        answerer = new RequestAnswerer(model, learned, this::emitAnswer);
        reports = new EvalReports(openReportPublisher(), counts, model, parallelism);
        evaluation = new EvaluationQueue(new QueuedWork(), settings.evaluationSliceNanos());
        if (settings.modelType() == ModelType.RANKER) {
            // the ranker answers from its candidates; only a young catalog's fill reads the
            // model's top k, which an index built on half the cores would answer approximately
            if (settings.annMinItems() > 0) {
                LOG.info("serving.ann-min-items is for model.type BPR only: not used");
            }
        } else {
            model.useAnnFrom(settings.annMinItems());
        }
        registerMetrics();
        openFeeds();
        startDirectRequests();
    }

    /** The replica (tests). */
    ServingModel model() {
        return model;
    }

    /**
     * Opens the catalog's and the model-updates topic's readers and catches the replica up with
     * them, dropping the rows of runs the restored state abandoned.
     */
    private void openFeeds() {
        itemFeed = openItemCatalogFeed();
        if (itemFeed != null) {
            itemFeed.catchUp(this::onItem);
        }
        rowFeed = openModelRowFeed();
        getMetricGroup().gauge("unreadableFeedRecords", this::unreadableFeedRecords);
        getMetricGroup().gauge("rowsOfAbandonedRuns", lineage::abandonedRows);
        topicRows = lineage.filter(model::applyCommitted);
        if (rowFeed != null) {
            // the restored checkpoint's forgets whose tombstones may not be committed yet
            model.awaitTombstonesOf(states.erasedAwaitingTombstone());
            long rows = rowFeed.catchUp(topicRows);
            model.caughtUp(lineage::carriedByRestoredCheckpoint);
            LOG.info(
                    "Serving {} rebuilt its replica from {} committed rows, {} of them dropped as"
                            + " rows of abandoned runs ({})",
                    subtask,
                    rows,
                    lineage.abandonedRows(),
                    lineage);
        }
    }

    /**
     * Where the eval reports are encoded: on the task thread, or on a thread of their own ({@code
     * eval.report-off-task-thread}), each emitted through the task's mailbox.
     */
    private EvalReportPublisher openReportPublisher() {
        if (!settings.reportOffTaskThread()) {
            return EvalReportPublisher.onTaskThread(this::emitReport);
        }
        MailboxExecutor mailbox = mailbox();
        return EvalReportPublisher.offTaskThread(
                "serving eval report " + subtask,
                mail -> mailbox.execute(mail::run, "eval report"),
                this::emitReport);
    }

    /** Counters of answers, evaluations and forgets; per recommender HR@10 and NDCG@10 gauges. */
    private void registerMetrics() {
        answered = getMetricGroup().counter("answeredRequests");
        evaluated = getMetricGroup().counter("evaluatedEvents");
        forgotten = getMetricGroup().counter("forgottenUsers");
        gauges = new QualityGauges();
        gauges.register(getMetricGroup());
        gauges.publish(counts);
        getMetricGroup().gauge("modelVersion", () -> model.modelVersion());
    }

    /**
     * Scores and trains on a second thread ({@code ranker.scoring-in-flight}), each result handed
     * back through this task's mailbox: the task thread meanwhile prepares the next events'
     * candidates and features. Everything that reads the results (evaluation counts, answers) runs
     * as a mail, between records, and a checkpoint waits for all of them first.
     */
    private void scoreOnThread() {
        MailboxExecutor mailbox = mailbox();
        LearnedRanking ranking = learned;
        getMetricGroup().gauge("scoringInFlight", ranking::scoringInFlight);
        ranking.scoreOnThread(
                "serving scoring " + subtask,
                () -> {
                    try {
                        mailbox.execute(ranking::deliverScoring, "scoring results");
                    } catch (RuntimeException closed) {
                        LOG.debug("Serving {} is closing; results not handed over", subtask);
                    }
                });
    }

    /** This operator's executor of the task's mailbox: what it runs, runs on the task thread. */
    private MailboxExecutor mailbox() {
        return getContainingTask()
                .getMailboxExecutorFactory()
                .createExecutor(getOperatorConfig().getChainIndex());
    }

    /**
     * Starts reading requests from the topic on a thread of its own, each poll handed to this
     * task's mailbox: under the learned ranker only (its statistics hold each user's items, which
     * the factorization model gets from the workers), and only with Kafka.
     */
    private void startDirectRequests() throws IOException {
        if (!direct.enabled() || learned == null || kafka == null) {
            return;
        }
        UserPseudonyms pseudonyms =
                direct.userIdKeyFile() == null
                        ? null
                        : UserPseudonyms.forTask(Path.of(direct.userIdKeyFile()));
        DirectRequestFetcher fetcher =
                openDirectRequestFetcher(
                        states.directPositions(),
                        new DirectRequestDecoder(subtask, parallelism, pseudonyms, direct));
        directRequests =
                new DirectRequestIntake(
                        fetcher,
                        states.appliedForgets(),
                        states.earlierOwners(),
                        this::answerDirect);
        DirectRequestLedger ledger = directRequests.ledger();
        getMetricGroup().gauge("directRequestsHeld", ledger::held);
        getMetricGroup().gauge("directRequestsReleasedUnapplied", ledger::releasedUnapplied);
        directRequests.start(mailbox(), learned.scoringWaitWaker(), subtask);
        LOG.info(
                "Serving {} reads requests from {} itself, from offsets {}",
                subtask,
                direct.topic(),
                fetcher.startPositions());
    }

    /**
     * The requests topic's reader of this subtask, not started: every partition, each from where
     * {@link DirectRequestFetcher#DirectRequestFetcher(org.apache.kafka.clients.consumer.Consumer,
     * String, Map, DirectRequestDecoder, java.time.Duration)} says.
     */
    DirectRequestFetcher openDirectRequestFetcher(
            Map<Integer, Long> restored, DirectRequestDecoder decoder) {
        return DirectRequestFetcher.open(
                kafka.toProperties(),
                direct.topic(),
                direct.groupId(),
                restored,
                decoder,
                "streamrec-serving-requests-" + subtask);
    }

    /** The account of the requests this subtask reads itself (null when it reads none). */
    DirectRequestLedger directRequestLedger() {
        return directRequests == null ? null : directRequests.ledger();
    }

    /**
     * Answers a request read from the topic, with the user's items from the statistics; behind a
     * queued forget of its user it waits in the queue, as a request from the workers does.
     */
    private void answerDirect(RecommendationRequest request) {
        evaluation.offer(
                ModelUpdate.of(new ServingRequest(request, RequestAnswerer.ITEMS_AT_ANSWER)));
    }

    /** The learned ranker's state (null under the factorization model alone); for tests. */
    LearnedRanking learnedRanking() {
        return learned;
    }

    private long unreadableFeedRecords() {
        return (itemFeed == null ? 0 : itemFeed.unreadableRecords())
                + (rowFeed == null ? 0 : rowFeed.unreadableRecords());
    }

    /** The catalog topic's reader, at its beginning; null when the job runs without Kafka. */
    ItemCatalogFeed openItemCatalogFeed() {
        return kafka == null
                ? null
                : new ItemCatalogFeed(kafka.toProperties(), catalogTopic, config.contentDim());
    }

    /** The model-updates topic's reader, at its beginning; null when the job runs without Kafka. */
    ModelRowFeed openModelRowFeed() {
        return kafka == null
                ? null
                : new ModelRowFeed(kafka.toProperties(), modelUpdatesTopic)
                        .checkingWidthsOf(initializer);
    }

    /**
     * A request is answered at once, ahead of an unfinished marker batch and the rows and markers
     * queued behind it (unless a forget of its user is queued); everything else waits its turn in
     * arrival order, then as much queued work runs as one slice allows.
     */
    @Override
    public void processElement(StreamRecord<ModelUpdate> element) throws Exception {
        evaluation.offer(element.getValue());
        continueEvaluation();
    }

    private void apply(ModelUpdate update) {
        if (update.isMarker()) {
            onMarker(update.marker());
        } else if (update.isRequest()) {
            onRequest(update.request());
        } else {
            applyRow(update.row());
        }
    }

    /**
     * Runs queued work for one slice ({@code serving.evaluation-slice}; all of it when 0) and, if
     * some is left, continues a millisecond later: in between, the task takes its input, so a
     * request waits for at most a slice, not for a whole batch.
     */
    private void continueEvaluation() {
        if (!evaluation.busy()) {
            return;
        }
        evaluation.runSlice();
        if (evaluation.busy() && !continuationScheduled) {
            continuationScheduled = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService()
                    .registerTimer(
                            now + 1,
                            t -> {
                                continuationScheduled = false;
                                continueEvaluation();
                            });
        }
    }

    /** What the evaluation queue runs: this operator's handling of each piece. */
    private final class QueuedWork implements EvaluationQueue.Work {
        @Override
        public void apply(ModelUpdate update) {
            ServingOperator.this.apply(update);
        }

        @Override
        public void evaluate(UserEvent event, String[] userItems) {
            ServingOperator.this.evaluate(event, userItems);
        }

        @Override
        public void endBatch() {
            if (learned != null) {
                learned.endBatch();
            }
        }

        /** Answers ready meanwhile: direct requests handed off, the scoring thread's results. */
        @Override
        public void betweenPieces() {
            if (directRequests != null) {
                directRequests.answerHandedOff();
            }
            if (learned != null) {
                learned.deliverReadyScoring(); // answers and counts ready, between two pieces
            }
        }
    }

    /**
     * Applies a row; for an item row that gained positives, records how far the replica now lags
     * the oldest event whose positive this update brought: wall clock minus that event's timestamp
     * (the freshness of the event that waited longest, when events are stamped with their append
     * time). One sample per update, however many events it carries.
     */
    private void applyRow(ParameterRow row) {
        if (model.applyRaisingPositives(row)) {
            reports.recordFreshness(
                    Math.max(0, System.currentTimeMillis() - row.oldestNewPositiveTime()));
        }
    }

    private void onItem(ItemRecord item) {
        catalog.put(item);
        model.refreshItem(item.itemId());
        if (learned != null) {
            learned.putItem(item.itemId(), item.title(), item.attributes());
        }
    }

    /**
     * Reads one poll's worth (at most {@code max.poll.records}) of what the catalog and the
     * model-updates topic committed since the last call; the calls come per request, per marker and
     * per checkpoint, so the feeds keep up over time without one call holding a request. The row
     * feed stays open after the catch-up in {@link #open()}: after a restore the sink commits the
     * restored checkpoint's transaction whenever its committer gets to it, possibly after this
     * replica caught up, and those rows (the restored parameter-server state) come by no other way.
     * Otherwise a committed row is one the broadcast edge already delivered before the checkpoint's
     * barrier (aligned checkpoints: the checkpoint completes only after this subtask took every
     * record before the barrier), so its version is not newer and the replica ignores it; nor can
     * it bring a batch's rows ahead of the batch's marker.
     */
    private void pollFeeds() {
        // one poll a call, not all that was fetched: the rows are mostly ones the broadcast edge
        // delivered already, and a request or marker should not wait behind a checkpoint's worth
        if (itemFeed != null) {
            itemFeed.poll(Duration.ZERO, this::onItem);
        }
        if (rowFeed != null) {
            rowFeed.poll(Duration.ZERO, topicRows);
        }
    }

    @Override
    public void close() throws Exception {
        // each, even when one before it fails (a consumer's close throws once Flink has
        // interrupted the task): the ranker's scoring thread and native memory outlive the task
        // otherwise, one more at every failover; the direct requests first, their polls run on
        // this task's thread. An Error goes on as it is (Flink tells a fatal one by its type).
        CloseAll.close(directRequests, itemFeed, rowFeed, model, learned, reports, super::close);
    }

    private void onMarker(EvalMarker marker) {
        pollFeeds();
        if (!markerCopies.firstCopy(marker)) {
            return; // later copies: rows of this batch may already be applied
        }
        if (marker.isForget()) {
            forget(marker.forgetUser());
            return;
        }
        ranker.startBatch();
        evaluation.evaluateInSlices(marker);
    }

    /** One event of the batch being evaluated: tested, then learned, on its owner. */
    private void evaluate(UserEvent e, String[] userItems) {
        maxEventTime = Math.max(maxEventTime, e.timestamp());
        if (!owns(e.userId())) {
            if (learned != null) {
                learned.learnStatistics(e);
            }
            return;
        }
        // this subtask's share of the trained events, evaluated or not: the throughput
        reports.trained(System.currentTimeMillis());
        if (!settings.evaluates(e.eventId())) {
            if (learned != null) {
                learned.learn(e, userItems);
            }
            return;
        }
        long window =
                Math.floorDiv(e.timestamp(), settings.evalWindowMs()) * settings.evalWindowMs();
        int items = model.items(); // the catalog as the event met it, whenever its ranks come
        ranker.evaluate(
                e,
                userItems,
                ranks -> {
                    counts.record(window, ranks.ranks(), ranks.topItems(), items);
                    evaluated.inc();
                    gauges.maybePublish(counts);
                });
    }

    /**
     * Erases a user from the replica (the user's row) and the candidate statistics, on every
     * subtask at the first copy of the forget marker: after every earlier batch's first copy,
     * before every later one's, so the statistics stay alike on every subtask. Under another model
     * than the ranker, from the ranker's state carried for a later ranker instead.
     */
    private void forget(String userId) {
        model.forgetUser(userId, rowFeed != null);
        if (learned != null) {
            learned.forget(userId);
        } else {
            states.forgetInCarriedLearning(userId, carriedStatisticsSettings());
        }
        forgotten.inc();
        if (directRequests != null && owns(userId)) {
            // requests read after this forget waited for it: answered now, without history
            directRequests.forgetApplied(userId);
        }
    }

    /** The settings a ranker of this job would read its statistics under. */
    private CandidateSettings carriedStatisticsSettings() {
        return settings.ranker() == null
                ? CandidateSettings.defaults()
                : settings.ranker().candidates();
    }

    /**
     * Whether this subtask evaluates (and, under the learned ranker, learns from) a user's events
     * and answers the user's requests: one subtask per user, so a user's answers come from one
     * ranker.
     */
    private boolean owns(String userId) {
        return UserOwner.of(userId, parallelism) == subtask;
    }

    private void onRequest(ServingRequest serving) {
        pollFeeds();
        if (owns(serving.request().userId())) {
            answerer.answer(serving, maxEventTime);
        }
    }

    private void emitAnswer(RecommendationResult answer) {
        output.collect(new StreamRecord<>(answer));
        answered.inc();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        long start = System.nanoTime();
        evaluation.runAll(); // the state as if every record before the barrier ran whole
        long queued = System.nanoTime();
        if (learned != null) {
            // requests that serving reads itself are answered meanwhile, not after the snapshot;
            // only the polls there already: a backlog must not hold the barrier back
            learned.awaitScoring(
                    () -> {
                        if (directRequests != null) {
                            checkpointTimings.addRequestsTakenWaitingForScoring(
                                    directRequests.answerHandedOff());
                        }
                    });
        }
        long scored = System.nanoTime();
        pollFeeds(); // the report's model version then counts restored rows committed late
        long polled = System.nanoTime();
        reports.take(finished, checkpointId); // after the end of input no checkpoint would carry it
        checkpointTimings.record(Phase.QUEUE, queued - start);
        checkpointTimings.record(Phase.SCORING_WAIT, scored - queued);
        checkpointTimings.record(Phase.FEEDS, polled - scored);
        checkpointTimings.record(Phase.REPORT, System.nanoTime() - polled);
    }

    @Override
    public void finish() throws Exception {
        finished = true;
        if (directRequests != null) {
            directRequests.finish();
        }
        evaluation.runAll();
        awaitScoring();
        reports.take(true, -1); // the last: nothing after it would emit one taken before it
        super.finish();
    }

    /** Waits for the scoring thread's results: every evaluation counted, every answer sent. */
    private void awaitScoring() throws InterruptedException {
        if (learned != null) {
            learned.awaitScoring();
        }
    }

    private void emitReport(String json) {
        output.collect(EVAL_REPORTS, new StreamRecord<>(json));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        long start = System.nanoTime();
        snapshotOwnState(context);
        checkpointTimings.logIfSlow(context.getCheckpointId(), System.nanoTime() - start);
    }

    private void snapshotOwnState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        long checkpointId = context.getCheckpointId();
        states.snapshotEvaluation(checkpointId, reports.countsFor(checkpointId), maxEventTime);
        gauges.publish(counts);
        states.snapshotLearning(learned, checkpointTimings);
        logPrivacy(checkpointId);
        states.snapshotDirectRequests(directRequestLedger());
        states.snapshotErasures(model);
    }

    /** The learned ranker's DP-SGD accounting at a checkpoint, where it is on. */
    private void logPrivacy(long checkpointId) {
        String privacy = learned == null ? null : learned.privacyReport();
        if (privacy != null) {
            LOG.info("checkpoint {}, subtask {}: {}", checkpointId, subtask, privacy);
        }
    }
}
