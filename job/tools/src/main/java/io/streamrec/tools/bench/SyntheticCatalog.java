package io.streamrec.tools.bench;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.ItemRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A catalog of any size for the benchmarks: the real catalog's items first, then synthetic ones
 * ({@code syn-N}) with one to three of its genres drawn at random.
 */
final class SyntheticCatalog {
    private SyntheticCatalog() {}

    static ItemCatalog of(ItemCatalog real, int items, SplittableRandom random) {
        Set<String> genreSet = new LinkedHashSet<>();
        real.ids().forEach(id -> genreSet.addAll(real.attributes(id)));
        List<String> genres = new ArrayList<>(genreSet);
        List<ItemRecord> records = new ArrayList<>(items);
        for (String id : real.ids()) {
            if (records.size() == items) {
                break;
            }
            records.add(new ItemRecord(id, real.title(id), real.attributes(id), new float[0]));
        }
        for (int n = 0; records.size() < items; n++) {
            List<String> attrs = new ArrayList<>();
            for (int g = 0; g < 1 + random.nextInt(3) && !genres.isEmpty(); g++) {
                attrs.add(genres.get(random.nextInt(genres.size())));
            }
            records.add(new ItemRecord("syn-" + n, "synthetic " + n, attrs, new float[0]));
        }
        return new ItemCatalog(records);
    }
}
