package io.streamrec.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.model.ModelConfig;
import io.streamrec.model.ModelRowInitializer;
import io.streamrec.schema.ItemRecord;
import io.streamrec.source.ItemCatalog;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServingModelTest {
    @Test
    void catalogUpdatesChangeContentAndAddItems() {
        ModelConfig config = new ModelConfig(4, 2, 3, 86_400_000L, 1L, 2);
        ItemCatalog catalog = new ItemCatalog(List.of(new ItemRecord("a", "A", List.of("g"))));
        ServingModel model = new ServingModel(config, new ModelRowInitializer(config), catalog);
        float before = model.score("u", new String[0], 0L)[0];

        catalog.put(new ItemRecord("a", "A", List.of("g"), new float[] {3f, -2f}));
        model.refreshItem("a");
        assertThat(model.score("u", new String[0], 0L)[0]).isNotEqualTo(before);

        catalog.put(new ItemRecord("b", "B", List.of("h"), new float[] {1f, 1f}));
        model.refreshItem("b");
        assertThat(model.items()).isEqualTo(2);
        assertThat(model.itemId(1)).isEqualTo("b");
    }
}
