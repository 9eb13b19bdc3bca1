package io.streamrec.tools.offline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamrec.eval.PrequentialCounts;
import org.junit.jupiter.api.Test;

/** The quickstart's quality plot and page. */
class QualityReportTest {
    @Test
    void writesAPlotAndAPage(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        PrequentialCounts c = new PrequentialCounts(0);
        c.record(0L, new int[] {0, -1, 2, 1});
        c.record(604_800_000L, new int[] {-1, 0, -1, 3});
        QualityReport.write(c, "test report", dir);
        java.awt.image.BufferedImage png =
                javax.imageio.ImageIO.read(dir.resolve("quality.png").toFile());
        assertThat(png.getWidth()).isGreaterThan(400);
        // the lines of the model, trending and trending + co-occurrence (their series' colours)
        assertThat(drawn(png, 0x1f77b4)).as("model").isTrue();
        assertThat(drawn(png, 0xff7f0e)).as("trending").isTrue();
        assertThat(drawn(png, 0x2ca02c)).as("trending + co-occurrence").isTrue();
        String html = java.nio.file.Files.readString(dir.resolve("report.html"));
        assertThat(html)
                .contains("test report", "1970-01-01", "1970-01-08", "quality.png")
                .contains("<th>trending + co-occurrence</th>")
                .contains("trending + co-occurrence 1.0000")
                .contains(
                        "<td>1970-01-08</td><td>1</td><td>0.0000</td><td>1.0000</td>"
                                + "<td>0.0000</td><td>1.0000</td></tr>");
    }

    /**
     * A window in which a recommender ranked nothing (trending + co-occurrence under BPR, before a
     * restore to RANKER) is a gap in its line, as "n/a" in the table, not a collapse to 0.
     */
    @Test
    void aWindowARecommenderRankedNothingInIsAGapInItsLine(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        long week = 604_800_000L;
        PrequentialCounts c = new PrequentialCounts(0);
        c.record(0L, new int[] {0, -1, 2, PrequentialCounts.NOT_RANKED});
        c.record(7 * week, new int[] {-1, 0, -1, 3});

        java.util.Map<String, double[]> series =
                QualityReport.hitRates(new java.util.ArrayList<>(c.windows().values()));

        double[] blend = series.get("trending + co-occurrence");
        assertThat(blend[0]).isNaN();
        assertThat(blend[blend.length - 1]).isEqualTo(1.0);
        assertThat(series.get("model")[0]).isEqualTo(1.0);
        // the chart takes the gap: the line's last point is drawn, the page says n/a
        QualityReport.write(c, "gap", dir);
        java.awt.image.BufferedImage png =
                javax.imageio.ImageIO.read(dir.resolve("quality.png").toFile());
        assertThat(drawn(png, 0x2ca02c)).as("trending + co-occurrence").isTrue();
        assertThat(java.nio.file.Files.readString(dir.resolve("report.html")))
                .contains(
                        "<td>1970-01-01</td><td>1</td><td>1.0000</td><td>0.0000</td>"
                                + "<td>1.0000</td><td>n/a</td></tr>");
    }

    private static boolean drawn(java.awt.image.BufferedImage png, int rgb) {
        for (int x = 0; x < png.getWidth(); x++) {
            for (int y = 0; y < png.getHeight(); y++) {
                if ((png.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    return true;
                }
            }
        }
        return false;
    }
}
