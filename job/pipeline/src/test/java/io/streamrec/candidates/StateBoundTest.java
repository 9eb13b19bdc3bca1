package io.streamrec.candidates;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.ingest.ItemCatalog;
import io.streamrec.schema.EventType;
import io.streamrec.schema.UserEvent;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A long random stream against small caps: no per-item or per-user list outgrows its cap. */
class StateBoundTest {
    @Test
    void listsStayWithinTheirCapsUnderALongRandomStream() {
        CandidateSettings small = CandidateStatisticsSerializerTest.smallCaps(15, 100);
        CandidateGenerator generator = new CandidateGenerator(small, ItemCatalog.empty());
        Random random = new Random(11);
        long t = 1_400_000_000_000L;
        for (int i = 0; i < 40_000; i++) {
            t += random.nextInt(60_000);
            // skewed items and users: popular items meet many users, busy users many items
            String item = "i" + (int) (Math.pow(random.nextDouble(), 2) * 2_000);
            String user = "u" + (int) (Math.pow(random.nextDouble(), 2) * 1_000);
            if (i % 100 == 0) {
                generator.candidates(user, t);
            }
            generator.update(new UserEvent("e" + i, user, item, EventType.CLICK, 1f, t));
        }
        assertThat(generator.pairs().longestRow()).isEqualTo(15);
        assertThat(generator.neighbourhood().longestSimilarList()).isEqualTo(12);
        assertThat(generator.neighbourhood().longestRecentUsers()).isEqualTo(10);
        assertThat(generator.longestUserItems()).isEqualTo(30);
        assertThat(generator.popularity().items()).isLessThanOrEqualTo(2_000);
        assertThat(generator.candidates("u1", t).size()).isLessThanOrEqualTo(8 * 20);
    }
}
