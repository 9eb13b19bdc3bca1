package io.streamrec.ranking;

import ai.djl.Device;
import io.streamrec.ps.AdagradUpdater;
import io.streamrec.ps.RowUpdater;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context-gated listwise scorer: {@code score(c) = Σ_g ctx[g]·(W[g]·x_c) + u·relu(H·[x_c; ctx]
 * + b)}, trained with a softmax cross-entropy of each list's target against its candidates and
 * AdaGrad.
 *
 * <p>All parameters sit in one flat array ({@link ScorerLayout}) with one AdaGrad accumulator each,
 * the weights and slots of a single parameter row; {@link #step} applies the parameter server's own
 * {@link AdagradUpdater}. Serving scores one list in plain Java ({@link ScorerForward}), faster
 * than a DJL call at a few hundred candidates; training runs the micro-batch through DJL. Not
 * thread-safe.
 */
public final class ListwiseScorer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ListwiseScorer.class);

    /** Version of the {@link #writeTo} format. */
    static final byte SNAPSHOT_VERSION = 4;

    /**
     * DP-SGD divides the noisy sum of clipped gradients by this fixed count, about the training
     * lists of a 64-event micro-batch (0.56 of events have their item among the candidates): the
     * actual count depends on the data, and dividing by it would make the step more than
     * post-processing of the Gaussian mechanism. AdaGrad rescales steps anyway.
     */
    public static final int DP_EXPECTED_LISTS = 32;

    private static final double ADAGRAD_EPSILON = 1e-8;

    private final ScorerLayout layout;
    private final ScorerSettings settings;
    private final AdagradUpdater adagrad;
    private final DjlListwiseTrainer trainer;
    private final float[] parameters;
    private final float[] accumulators;
    private final ScorerPass forward;

    /**
     * The weights scores are computed with: an exponential average of the parameters after each
     * step ({@link #AVERAGE_DECAY}), null before the first step (scores then read the parameters).
     * Training differentiates at the parameters themselves. One micro-batch's AdaGrad step is
     * noisy; the average over the last few steps (Polyak averaging) ranks better and varies less
     * with the seed: MovieTweetings replay HR@10 0.2667 / 0.2667 / 0.2665 for seeds 42 / 7 / 1
     * against 0.2666 / 0.2663 / 0.2655 before it (and before the scaler averaged training lists
     * only; with the scaler as it was, 0.2671 / 0.2671 / 0.2668), no CPU measurably.
     */
    private float[] averaged;

    /**
     * Weight of the previous average at each step: about the last 10 steps (5 micro-batches of 64
     * events at two passes each) averaged; 0.7 and 0.97 gave the same HR@10 in the replay.
     */
    static final float AVERAGE_DECAY = 0.9f;

    private ItemInteraction itemInteraction;

    /** Parameters an ablation holds at zero ({@link ScorerSettings}); null when none. */
    private final boolean[] frozen;

    /**
     * Draws the DP-SGD noise: a fresh, unseeded {@link SecureRandom} per scorer, so nobody can
     * regenerate the noise and subtract it from the weights; seeded only where {@link
     * #withSeededNoise} asks for reproducibility (not private).
     */
    private final Random noise;

    /**
     * Noisy batches so far, kept in snapshots (format version 2) for diagnostics. It no longer
     * seeds the noise: a restored scorer draws fresh noise.
     */
    private long noisyBatches;

    private long clippedLists;
    private long examinedLists;

    /**
     * Steps not taken because their gradient was not a number ({@link #step}); not checkpointed.
     */
    private long skippedSteps;

    /**
     * Lists left out of a clipped batch because their gradient was not a number; not checkpointed.
     */
    private long droppedLists;

    private DoubleConsumer normSink;

    /** A scorer whose DP-SGD noise (if any) comes from a fresh {@link SecureRandom}. */
    public ListwiseScorer(int features, ScorerSettings settings, Device device) {
        this(features, settings, device, new SecureRandom());
    }

    /**
     * A scorer whose DP-SGD noise is drawn from {@code java.util.Random} seeded by the settings'
     * seed: offline replays and tests that must be reproducible. Anyone who knows the seed can
     * regenerate and subtract the noise, so its weights are NOT differentially private.
     */
    public static ListwiseScorer withSeededNoise(
            int features, ScorerSettings settings, Device device) {
        return new ListwiseScorer(features, settings, device, new Random(settings.seed()));
    }

    private ListwiseScorer(int features, ScorerSettings settings, Device device, Random noise) {
        this.noise = noise;
        this.layout = new ScorerLayout(features);
        this.settings = settings.validated();
        this.adagrad =
                new AdagradUpdater(
                        settings.learningRate(), settings.initialAccumulator(), ADAGRAD_EPSILON);
        this.frozen = frozen(layout, settings);
        this.parameters = initialParameters(layout, settings.seed());
        zeroFrozen(parameters);
        this.accumulators = adagrad.initSlots(parameters);
        this.trainer = new DjlListwiseTrainer(device);
        this.forward = ScorerForward.fastest(layout);
        withItemInteraction(ItemInteraction.Settings.defaults(settings.seed()));
    }

    /**
     * The learned item interaction whose terms {@link CandidateRanker} adds to the scores, trained
     * with the scorer and kept in its snapshots. Off where the scorer clips gradients (robust
     * training, DP-SGD): its per-item vectors would learn from each list unclipped.
     */
    public ItemInteraction itemInteraction() {
        return itemInteraction;
    }

    /**
     * Replaces the item interaction with a fresh one of {@code s} (off where the scorer clips), as
     * an ablation; before the scorer serves a {@link CandidateRanker}, which reads it once.
     */
    public ListwiseScorer withItemInteraction(ItemInteraction.Settings s) {
        this.itemInteraction =
                new ItemInteraction(settings.clips() ? ItemInteraction.Settings.off() : s);
        return this;
    }

    /**
     * The mean loss and gradient of the scorer's parameters as {@link #gradients(List, int[],
     * float[])}, with {@code offsets[i]} added to list i's scores (the item interaction's terms,
     * which this pass does not differentiate); {@code probabilities[i]}, when not null, receives
     * list i's softmax probabilities. No clipping: the item interaction is off where the scorer
     * clips.
     */
    public ScorerGradients gradients(
            List<FeatureList> lists,
            int[] targets,
            float[] weights,
            float[][] offsets,
            float[][] probabilities) {
        if (settings.clips()) {
            throw new IllegalStateException("score offsets with clipped gradients");
        }
        PaddedListBatch batch = PaddedListBatch.of(layout, lists, targets, weights, offsets);
        float[] flat = probabilities == null ? null : new float[batch.lists * batch.maxCandidates];
        ScorerGradients g = trainer.gradients(layout, parameters, batch, flat);
        if (probabilities != null) {
            for (int i = 0; i < batch.lists; i++) {
                int from = i * batch.maxCandidates;
                probabilities[i] = Arrays.copyOfRange(flat, from, from + lists.get(i).candidates());
            }
        }
        return g;
    }

    /**
     * W zero: every feature starts neutral and the context gates learn from data. H random with
     * unit-variance pre-activations for unit-scale inputs, so the hidden units start diverse; u
     * small, so the untrained hidden layer barely moves the scores.
     */
    static float[] initialParameters(ScorerLayout layout, long seed) {
        float[] p = new float[layout.size()];
        Random random = new Random(seed);
        double hScale = 1.0 / Math.sqrt(layout.hiddenInputs());
        for (int i = layout.hOffset(); i < layout.bOffset(); i++) {
            p[i] = (float) (random.nextGaussian() * hScale);
        }
        for (int i = layout.uOffset(); i < layout.size(); i++) {
            p[i] = (float) (random.nextGaussian() * 0.01);
        }
        return p;
    }

    /** The hidden layer (H, b, u) when it is off; the gated rows of W when gating is off. */
    private static boolean[] frozen(ScorerLayout layout, ScorerSettings settings) {
        if (settings.hiddenLayer() && settings.contextGating()) {
            return null;
        }
        boolean[] frozen = new boolean[layout.size()];
        if (!settings.hiddenLayer()) {
            Arrays.fill(frozen, layout.hOffset(), layout.size(), true);
        }
        if (!settings.contextGating()) {
            Arrays.fill(frozen, layout.wOffset() + layout.features(), layout.hOffset(), true);
        }
        return frozen;
    }

    private void zeroFrozen(float[] values) {
        if (frozen != null) {
            for (int i = 0; i < values.length; i++) {
                values[i] = frozen[i] ? 0f : values[i];
            }
        }
    }

    public ScorerLayout layout() {
        return layout;
    }

    public ScorerSettings settings() {
        return settings;
    }

    public Device device() {
        return trainer.device();
    }

    /** A copy of the flat parameters. */
    public float[] parameters() {
        return parameters.clone();
    }

    /**
     * Sets the ungated linear weight of one feature (the context's first entry is always 1): a
     * starting point such as "rank by trending", before any {@link #step}.
     */
    public void setInitialWeight(int feature, float weight) {
        parameters[layout.wOffset() + feature] = weight;
    }

    /** A copy of the AdaGrad accumulators, one per parameter. */
    public float[] accumulators() {
        return accumulators.clone();
    }

    /** A copy of the weights scores are computed with: the average, or the parameters. */
    public float[] scoringWeights() {
        return scoringParameters().clone();
    }

    private float[] scoringParameters() {
        return averaged == null ? parameters : averaged;
    }

    /** Score of every candidate of {@code list}, higher first; plain Java, for serving. */
    public float[] scores(FeatureList list) {
        return forward.score(scoringParameters(), list);
    }

    /**
     * Scores of several lists in one DJL pass (for a GPU); {@code result[i]} has list i's length.
     */
    public float[][] batchScores(List<FeatureList> lists) {
        PaddedListBatch batch = PaddedListBatch.of(layout, lists);
        float[] flat = trainer.scores(layout, scoringParameters(), batch);
        float[][] scores = new float[lists.size()][];
        for (int i = 0; i < scores.length; i++) {
            int from = i * batch.maxCandidates;
            scores[i] = Arrays.copyOfRange(flat, from, from + lists.get(i).candidates());
        }
        return scores;
    }

    /** Mean loss and gradient of a micro-batch, each list's target at index {@code targets[i]}. */
    public ScorerGradients gradients(List<FeatureList> lists, int[] targets) {
        float[] weights = new float[lists.size()];
        Arrays.fill(weights, 1f);
        return gradients(lists, targets, weights);
    }

    /**
     * As {@link #gradients(List, int[])}, list i's loss weighted by {@code weights[i]}. With a clip
     * norm, each list's gradient is clipped to it before they are averaged; with DP-SGD noise, the
     * clipped sum gets Gaussian noise and is divided by {@link #DP_EXPECTED_LISTS}.
     */
    public ScorerGradients gradients(List<FeatureList> lists, int[] targets, float[] weights) {
        PaddedListBatch batch = PaddedListBatch.of(layout, lists, targets, weights);
        if (!settings.clips()) {
            return trainer.gradients(layout, parameters, batch);
        }
        double[] loss = new double[1];
        float[][] perList = trainer.exampleGradients(layout, parameters, batch, loss);
        double[] sum = new double[parameters.length];
        for (float[] g : perList) {
            zeroFrozen(g);
            addClipped(sum, g);
        }
        double divisor = batch.lists;
        if (settings.addsNoise()) {
            addNoise(sum);
            divisor = DP_EXPECTED_LISTS;
        }
        float[] gradient = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            gradient[i] = (float) (sum[i] / divisor);
        }
        return new ScorerGradients(loss[0], gradient, batch.lists);
    }

    /**
     * Adds {@code g} scaled down to the clip norm where its L2 norm exceeds it. A gradient that is
     * not a number adds nothing: the batch's step (and its noise) then happens as without that
     * list, which is the neighbouring batch DP-SGD's accounting assumes, where a NaN sum would skip
     * it.
     */
    private void addClipped(double[] sum, float[] g) {
        double norm = norm(g);
        if (normSink != null) {
            normSink.accept(norm);
        }
        examinedLists++;
        if (!Double.isFinite(norm)) {
            droppedLists++;
            return;
        }
        double scale = 1;
        if (norm > settings.clipNorm()) {
            scale = settings.clipNorm() / norm;
            clippedLists++;
        }
        for (int i = 0; i < g.length; i++) {
            sum[i] += scale * g[i];
        }
    }

    static double norm(float[] g) {
        double squares = 0;
        for (float v : g) {
            squares += (double) v * v;
        }
        return Math.sqrt(squares);
    }

    /** N(0, σ²C²) on every trained parameter, from {@link #noise}. */
    private void addNoise(double[] sum) {
        noisyBatches++;
        double sd = settings.noiseMultiplier() * settings.clipNorm();
        for (int i = 0; i < sum.length; i++) {
            if (frozen == null || !frozen[i]) {
                sum[i] += sd * noise.nextGaussian();
            }
        }
    }

    /**
     * The DP-SGD gradient of a batch without lists: the noise alone over {@link
     * #DP_EXPECTED_LISTS}. Stepping on it keeps a batch's step from telling whether it had a list.
     */
    public ScorerGradients noiseGradients() {
        if (!settings.addsNoise()) {
            throw new IllegalStateException("the scorer adds no DP-SGD noise");
        }
        double[] sum = new double[parameters.length];
        addNoise(sum);
        float[] gradient = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            gradient[i] = (float) (sum[i] / DP_EXPECTED_LISTS);
        }
        return new ScorerGradients(0, gradient, 0);
    }

    /** Receives each list's gradient norm before clipping (a diagnostic; clipping on only). */
    public void reportNormsTo(DoubleConsumer sink) {
        this.normSink = sink;
    }

    /** Lists whose gradient was clipped, of {@link #examinedLists}. */
    public long clippedLists() {
        return clippedLists;
    }

    /** Lists whose gradient was computed on its own (clipping on). */
    public long examinedLists() {
        return examinedLists;
    }

    long noisyBatches() {
        return noisyBatches;
    }

    /** The mean weighted loss in double-precision plain Java: the reference for the DJL pass. */
    public double loss(List<FeatureList> lists, int[] targets, float[] weights) {
        return ScorerForward.meanLoss(layout, parameters, lists, targets, weights);
    }

    /**
     * One AdaGrad step along {@code g}, unless a value of it, or of the weights and sums it would
     * leave, is not a number: that step is skipped (and counted, {@link #skippedSteps}), since one
     * NaN in a weight makes every later score NaN. Returns whether the step was taken.
     */
    public boolean step(ScorerGradients g) {
        if (g.gradient().length != parameters.length) {
            throw new IllegalArgumentException(
                    g.gradient().length + " gradient values for " + parameters.length);
        }
        float[] gradient = g.gradient();
        if (frozen != null) {
            gradient = gradient.clone();
            zeroFrozen(gradient);
        }
        if (!RowUpdater.isFinite(gradient)) {
            skippedSteps++;
            return false;
        }
        // on copies: a finite gradient large enough to leave a weight or a squared-gradient sum
        // beyond the float range is skipped too, as the parameter server skips such a row's step
        float[] stepped = parameters.clone();
        float[] summed = accumulators.clone();
        adagrad.apply(stepped, summed, gradient, settings.l2());
        if (!RowUpdater.isFinite(stepped) || !RowUpdater.isFinite(summed)) {
            skippedSteps++;
            return false;
        }
        System.arraycopy(stepped, 0, parameters, 0, parameters.length);
        System.arraycopy(summed, 0, accumulators, 0, accumulators.length);
        average();
        return true;
    }

    /** Steps {@link #step} skipped since this scorer was made: none, unless an input is broken. */
    public long skippedSteps() {
        return skippedSteps;
    }

    /**
     * Lists whose gradient was not a number, left out of their batch where gradients are clipped
     * per list (robust training, DP-SGD): none, unless an input is broken.
     */
    public long droppedLists() {
        return droppedLists;
    }

    private void average() {
        if (averaged == null) {
            averaged = parameters.clone();
            return;
        }
        for (int i = 0; i < parameters.length; i++) {
            averaged[i] = AVERAGE_DECAY * averaged[i] + (1f - AVERAGE_DECAY) * parameters[i];
        }
    }

    /**
     * Writes parameters and accumulators: version byte, feature count, hidden units, arrays, then
     * the count of noisy batches (version 2; a diagnostic, it does not seed the noise), then the
     * item interaction's vectors (version 3, {@link ItemInteraction#writeTo}), then whether the
     * scorer has an average and, if so, its values (version 4).
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(SNAPSHOT_VERSION);
        out.writeInt(layout.features());
        out.writeInt(layout.hidden());
        for (int i = 0; i < parameters.length; i++) {
            out.writeFloat(parameters[i]);
        }
        for (int i = 0; i < accumulators.length; i++) {
            out.writeFloat(accumulators[i]);
        }
        out.writeLong(noisyBatches);
        itemInteraction.writeTo(out);
        out.writeBoolean(averaged != null);
        if (averaged != null) {
            for (float v : averaged) {
                out.writeFloat(v);
            }
        }
    }

    /**
     * Replaces parameters and accumulators with a snapshot {@link #writeTo} wrote. A snapshot of
     * fewer features (one taken before features were appended) fills the first columns, one of
     * fewer hidden units (16 before the layer had 32) the first units; the appended columns and
     * units keep the weights and accumulators this scorer started with, as a fresh scorer of the
     * same seed has them.
     */
    public void readFrom(DataInput in) throws IOException {
        byte version = in.readByte();
        if (version < 1 || version > SNAPSHOT_VERSION) {
            throw new IOException(
                    "scorer snapshot version " + version + ", expected " + SNAPSHOT_VERSION);
        }
        ScorerLayout written = readWrittenLayout(in);
        float[] before = parameters.clone();
        float[] accumulatedBefore = accumulators.clone();
        int[] to = readWeights(in, written);
        // version 1 predates DP-SGD: no noise was drawn
        noisyBatches = version == 1 ? 0 : in.readLong();
        // version 3 added the item interaction; from before it, the item vectors start fresh
        if (version >= 3) {
            itemInteraction.readFrom(in);
        } else {
            itemInteraction.clear();
        }
        // version 4 added the average; from before it, scores read the parameters until a step
        averaged = null;
        if (version >= 4 && in.readBoolean()) {
            averaged = readAverage(in, to);
        }
        // a snapshot of a scorer with the hidden layer or the gating on, restored where the
        // settings switch them off (an ablation): those slots stay at zero, as they start
        zeroFrozen(parameters);
        if (averaged != null) {
            zeroFrozen(averaged);
        }
        keepStateIfNotAllNumbers(before, accumulatedBefore);
    }

    /** The snapshot's features and hidden units, at most this scorer's. */
    private ScorerLayout readWrittenLayout(DataInput in) throws IOException {
        int features = in.readInt();
        int hidden = in.readInt();
        if (features <= 0
                || features > layout.features()
                || hidden <= 0
                || hidden > layout.hidden()) {
            throw new IOException(
                    "scorer snapshot of "
                            + features
                            + " features and "
                            + hidden
                            + " hidden units for a scorer of "
                            + layout.features()
                            + " and "
                            + layout.hidden());
        }
        return new ScorerLayout(features, hidden);
    }

    /**
     * Reads the parameters and accumulators of a {@code written} scorer into their places in this
     * one, and returns those places ({@link #positions}).
     */
    private int[] readWeights(DataInput in, ScorerLayout written) throws IOException {
        float[] p = readFloats(in, written.size());
        float[] a = readFloats(in, written.size());
        int[] to = positions(written, layout);
        for (int i = 0; i < to.length; i++) {
            parameters[to[i]] = p[i];
            accumulators[to[i]] = a[i];
        }
        return to;
    }

    /** The snapshot's average, its values placed at {@code to}. */
    private float[] readAverage(DataInput in, int[] to) throws IOException {
        float[] average = readFloats(in, to.length);
        float[] placed = parameters.clone(); // appended columns and units: as the parameters
        for (int i = 0; i < to.length; i++) {
            placed[to[i]] = average[i];
        }
        return placed;
    }

    /**
     * A snapshot written before non-finite steps were skipped may hold NaN, which would make every
     * score NaN from the restore on: such weights are not taken, the scorer keeps {@code before} (a
     * fresh scorer's, on a restore), and item vectors that are not all numbers start fresh.
     */
    private void keepStateIfNotAllNumbers(float[] before, float[] accumulatedBefore) {
        if (!RowUpdater.isFinite(parameters)
                || !RowUpdater.isFinite(accumulators)
                || (averaged != null && !RowUpdater.isFinite(averaged))) {
            LOG.warn(
                    "The scorer's snapshot holds weights that are not numbers: the scorer starts"
                            + " fresh instead");
            System.arraycopy(before, 0, parameters, 0, parameters.length);
            System.arraycopy(accumulatedBefore, 0, accumulators, 0, accumulators.length);
            averaged = null;
        }
        if (!itemInteraction.allFinite()) {
            LOG.warn(
                    "The scorer's snapshot holds item vectors that are not numbers: they start"
                            + " fresh instead");
            itemInteraction.clear();
        }
    }

    /**
     * Where each parameter of {@code from} lives in {@code to}, which has as many or more features
     * and hidden units: feature {@code f}, context entry {@code g} and unit {@code h} keep their
     * indices.
     */
    static int[] positions(ScorerLayout from, ScorerLayout to) {
        int[] at = new int[from.size()];
        int fromF = from.features();
        for (int g = 0; g < ScorerLayout.CONTEXT; g++) {
            for (int f = 0; f < fromF; f++) {
                at[from.wOffset() + g * fromF + f] = to.wOffset() + g * to.features() + f;
            }
        }
        for (int h = 0; h < from.hidden(); h++) {
            for (int i = 0; i < from.hiddenInputs(); i++) {
                int column = i < fromF ? i : to.features() + (i - fromF);
                at[from.hOffset() + h * from.hiddenInputs() + i] =
                        to.hOffset() + h * to.hiddenInputs() + column;
            }
            at[from.bOffset() + h] = to.bOffset() + h;
            at[from.uOffset() + h] = to.uOffset() + h;
        }
        return at;
    }

    private static float[] readFloats(DataInput in, int n) throws IOException {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }

    @Override
    public void close() {
        trainer.close();
    }
}
