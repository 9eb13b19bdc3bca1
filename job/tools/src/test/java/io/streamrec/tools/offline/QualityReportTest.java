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
        c.record(0L, new int[] {0, -1, 2});
        c.record(604_800_000L, new int[] {-1, 0, -1});
        QualityReport.write(c, "test report", dir);
        java.awt.image.BufferedImage png =
                javax.imageio.ImageIO.read(dir.resolve("quality.png").toFile());
        assertThat(png.getWidth()).isGreaterThan(400);
        // the model's line (the first series' colour) was drawn
        boolean modelLine = false;
        for (int x = 0; x < png.getWidth() && !modelLine; x++) {
            for (int y = 0; y < png.getHeight() && !modelLine; y++) {
                modelLine = (png.getRGB(x, y) & 0xFFFFFF) == 0x1f77b4;
            }
        }
        assertThat(modelLine).isTrue();
        String html = java.nio.file.Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("test report", "1970-01-01", "1970-01-08", "quality.png");
    }
}
