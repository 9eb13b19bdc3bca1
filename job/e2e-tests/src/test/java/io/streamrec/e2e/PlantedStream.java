package io.streamrec.e2e;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.ItemRecord;
import io.streamrec.schema.UserEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A synthetic stream with planted structure: users and items fall into clusters, and a user mostly
 * interacts with items of its own cluster. Popularity cannot see the clusters; a model that pools
 * the user's recent items can.
 */
final class PlantedStream {
    final List<UserEvent> events = new ArrayList<>();
    final List<ItemRecord> items = new ArrayList<>();
    final ItemCatalog catalog;

    PlantedStream(int clusters, int itemsPerCluster, int usersPerCluster, int n, long seed) {
        Random random = new Random(seed);
        for (int c = 0; c < clusters; c++) {
            for (int i = 0; i < itemsPerCluster; i++) {
                // a weak content signal: half of the items carry their cluster's genre
                List<String> genres = i % 2 == 0 ? List.of("genre" + c) : List.of("misc");
                items.add(new ItemRecord("c" + c + "i" + i, "item " + c + "/" + i, genres));
            }
        }
        catalog = new ItemCatalog(items);
        long t = 1_600_000_000_000L;
        for (int e = 0; e < n; e++) {
            int cluster = random.nextInt(clusters);
            String user = "c" + cluster + "u" + random.nextInt(usersPerCluster);
            int itemCluster = random.nextDouble() < 0.9 ? cluster : random.nextInt(clusters);
            String item = "c" + itemCluster + "i" + random.nextInt(itemsPerCluster);
            t += 60_000L;
            events.add(new UserEvent("ev-" + e, user, item, EventType.CLICK, Float.NaN, t));
        }
    }
}
