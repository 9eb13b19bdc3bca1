package io.streamrec.tools.audit;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.model.RowKeys;
import io.streamrec.schema.RecommendationRequest;
import io.streamrec.schema.UserEvent;
import io.streamrec.worker.NegativeSampler;
import io.streamrec.worker.UserHistory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The row updates a stream of events implies, computed from the input alone: per event one
 * contribution to every distinct row its loss touches (the user, the positive item, the sampled
 * negatives, the user's recent items, their attributes, and the dense rows), and one positive to
 * its item's row. Every row's update and positive counters on the parameter server must equal these
 * exactly, as in a run without failures: one event applied twice or lost changes them. Negatives
 * are seeded by user and event id and turn away the user's items before the event (which the input
 * decides), so they can be drawn here too; this needs a catalog that holds every item of the stream
 * (otherwise the sampler's item set depends on arrival order), see {@link #coveredBy}. It draws
 * every negative uniformly: negatives from the workers' rings of recent positives ({@code
 * model.recent-negative-fraction}) depend on how users' events interleaved at each worker, which
 * the input does not decide, so no oracle can draw them; see {@link #derivable}.
 *
 * <p>A forget request ({@link RecommendationRequest#isForget()}) is applied as the job applies it:
 * the worker drops the user's items, so the user's later events draw negatives and take recent
 * items as a new user's do, and the parameter server erases the user's row, whose counters then
 * count only the later events. Feed a user's events and forgets in the order the worker took them.
 */
public final class ExpectedContributions {
    /** A row's expected update and positive counters. */
    public record Counters(long updates, long positives) {}

    private final ItemCatalog catalog;
    private final ModelConfig model;
    private final int maxUserItems;
    private final NegativeSampler sampler;
    private final List<String> dense;
    private final Map<String, String[]> history = new HashMap<>();
    private final Map<String, long[]> counts = new HashMap<>();

    /**
     * @param maxUserItems the items the workers remember per user ({@code worker.max-user-items}):
     *     the sampler turns a user's remembered items away as negatives, so the draws depend on it
     */
    public ExpectedContributions(ItemCatalog catalog, ModelConfig model, int maxUserItems) {
        this.catalog = catalog;
        this.model = model;
        this.maxUserItems = maxUserItems;
        this.sampler = new NegativeSampler(model.seed());
        catalog.ids().forEach(sampler::add);
        List<String> denseRows =
                new ArrayList<>(List.of(RowKeys.DENSE_W, RowKeys.DENSE_C, RowKeys.DENSE_PHI));
        if (model.contentDim() > 0) {
            denseRows.add(RowKeys.DENSE_U);
        }
        this.dense = List.copyOf(denseRows);
    }

    /** Whether every event's item is in the catalog, which makes the count well defined. */
    public static boolean coveredBy(List<UserEvent> events, ItemCatalog catalog) {
        return events.stream().allMatch(e -> catalog.contains(e.itemId()));
    }

    /**
     * Whether the input decides every event's negatives under the workers' {@code
     * model.recent-negative-fraction}: only where that share rounds to none of the model's
     * negatives.
     */
    public static boolean derivable(ModelConfig model, double recentNegativeFraction) {
        return NegativeSampler.recentDraws(model.negatives(), recentNegativeFraction) == 0;
    }

    /** The sum of all rows' expected update counters; see {@link #perRow}. */
    public static long count(
            List<UserEvent> events, ItemCatalog catalog, ModelConfig model, int maxUserItems) {
        return perRow(events, catalog, model, maxUserItems).values().stream()
                .mapToLong(Counters::updates)
                .sum();
    }

    /**
     * Every row's expected counters, by row key, of a stream without forgets.
     *
     * @param events the events in the order each user's events were processed (per user, the order
     *     of their Kafka partition)
     */
    public static Map<String, Counters> perRow(
            List<UserEvent> events, ItemCatalog catalog, ModelConfig model, int maxUserItems) {
        ExpectedContributions expected = new ExpectedContributions(catalog, model, maxUserItems);
        events.forEach(expected::add);
        return expected.rows();
    }

    /** An accepted event: one contribution to every row its loss touches. */
    public void add(UserEvent e) {
        // the user's items before the event, bounded as the worker keeps them
        String[] items = history.getOrDefault(e.userId(), new String[0]);
        Set<String> exampleItems = new HashSet<>();
        exampleItems.add(e.itemId());
        exampleItems.addAll(
                Arrays.asList(
                        sampler.sample(
                                e.userId(), e.eventId(), e.itemId(), items, model.negatives())));
        int l = model.historyLength();
        exampleItems.addAll(
                Arrays.asList(items).subList(Math.max(0, items.length - l), items.length));
        Set<String> touched = new HashSet<>(dense);
        touched.add(RowKeys.user(e.userId()));
        for (String item : exampleItems) {
            touched.add(RowKeys.item(item));
            catalog.attributes(item).forEach(a -> touched.add(RowKeys.attribute(a)));
        }
        touched.forEach(key -> counts.computeIfAbsent(key, k -> new long[2])[0]++);
        counts.get(RowKeys.item(e.itemId()))[1]++;
        history.put(e.userId(), UserHistory.append(items, e.itemId(), maxUserItems));
    }

    /**
     * A request of the user: a forget drops the user's items (the worker's keyed state) and erases
     * the user's row (the parameter server); any other request is a read and changes no row.
     */
    public void add(RecommendationRequest request) {
        if (request.isForget()) {
            history.remove(request.userId());
            counts.remove(RowKeys.user(request.userId()));
        }
    }

    /** Every row's expected counters so far, by row key. */
    public Map<String, Counters> rows() {
        Map<String, Counters> rows = new HashMap<>();
        counts.forEach((key, c) -> rows.put(key, new Counters(c[0], c[1])));
        return rows;
    }
}
