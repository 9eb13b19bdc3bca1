package io.streamrec.tools.audit;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.model.ModelConfig;
import io.streamrec.schema.UserEvent;
import io.streamrec.worker.NegativeSampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The number of row updates a stream of events implies, computed from the input alone: per event
 * one contribution to every distinct row its loss touches (the user, the positive item, the sampled
 * negatives, the user's recent items, their attributes, and the three dense rows). The sum of the
 * parameter server's per-row update counters must equal it exactly: one event applied twice or lost
 * changes it. Negatives are seeded by event id, so they can be drawn here too; this needs a catalog
 * that holds every item of the stream (otherwise the sampler's item set depends on arrival order),
 * see {@link #coveredBy}.
 */
public final class ExpectedContributions {
    private ExpectedContributions() {}

    /** Whether every event's item is in the catalog, which makes the count well defined. */
    public static boolean coveredBy(List<UserEvent> events, ItemCatalog catalog) {
        return events.stream().allMatch(e -> catalog.contains(e.itemId()));
    }

    /**
     * @param events the events in the order each user's events were processed (per user, the order
     *     of their Kafka partition)
     */
    public static long count(List<UserEvent> events, ItemCatalog catalog, ModelConfig model) {
        NegativeSampler sampler = new NegativeSampler(model.seed());
        catalog.ids().forEach(sampler::add);
        int l = model.historyLength();
        Map<String, List<String>> history = new HashMap<>();
        long total = 0;
        for (UserEvent e : events) {
            List<String> items = history.computeIfAbsent(e.userId(), u -> new ArrayList<>());
            Set<String> exampleItems = new HashSet<>();
            exampleItems.add(e.itemId());
            exampleItems.addAll(
                    Arrays.asList(sampler.sample(e.eventId(), e.itemId(), model.negatives())));
            exampleItems.addAll(items.subList(Math.max(0, items.size() - l), items.size()));
            Set<String> attributes = new HashSet<>();
            exampleItems.forEach(i -> attributes.addAll(catalog.attributes(i)));
            total += 1 + exampleItems.size() + attributes.size() + 3;
            items.add(e.itemId());
        }
        return total;
    }
}
