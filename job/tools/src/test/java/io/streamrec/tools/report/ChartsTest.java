package io.streamrec.tools.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
    private static FontMetrics labelFont() {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return g.getFontMetrics();
    }

    @Test
    void everyLabelIsWrittenWhenAllFit() {
        assertThat(Charts.labelEvery(labelFont(), days(5))).isEqualTo(1);
    }

    /** The quickstart's 27 weekly windows: the labels written must not run into each other. */
    @Test
    void labelsWrittenFitSideBySideOverThePlot() {
        FontMetrics metrics = labelFont();
        List<String> labels = days(27);
        int every = Charts.labelEvery(metrics, labels);
        int written = (labels.size() + every - 1) / every;
        int widest = metrics.stringWidth(labels.get(0));

        assertThat(every).isGreaterThan(1);
        assertThat(written * (widest + Charts.LABEL_GAP)).isLessThanOrEqualTo(Charts.PLOT_WIDTH);
    }

    /** A grid line's label has as many decimals as the step needs, so it is the line's value. */
    @Test
    void yLabelsShowTheStepsDecimals() {
        assertThat(Charts.yLabel(0.025, 0.025)).isEqualTo("0.025");
        assertThat(Charts.yLabel(0.075, 0.025)).isEqualTo("0.075");
        // y summed step by step carries rounding error: 3 x 0.025 is 0.07500000000000001
        assertThat(Charts.yLabel(0.025 + 0.025 + 0.025, 0.025)).isEqualTo("0.075");
        assertThat(Charts.yLabel(0.75, 0.25)).isEqualTo("0.75");
        assertThat(Charts.yLabel(1.25, 0.25)).isEqualTo("1.25");
        // at least as many decimals as before: one from 0.1 up, two below
        assertThat(Charts.yLabel(0.1, 0.05)).isEqualTo("0.10");
        assertThat(Charts.yLabel(20, 5)).isEqualTo("20.0");
        assertThat(Charts.yLabel(500, 250)).isEqualTo("500.0");
    }

    private static List<String> days(int n) {
        List<String> labels = new ArrayList<>();
        Instant start = Instant.parse("2013-02-28T00:00:00Z");
        for (int i = 0; i < n; i++) {
            labels.add(Charts.dayLabel(start.plus(Duration.ofDays(7L * i)).toEpochMilli()));
        }
        return labels;
    }

    /**
     * A window without a value (NaN) is a gap in the line, not bridged from the window before to
     * the one after: nothing of the line's colour is drawn at the middle window's x. The same chart
     * with a value there draws it, so the check sees a line where there is one.
     */
    @Test
    void aMiddleWindowWithoutAValueBreaksTheLine(@TempDir Path dir) throws Exception {
        List<String> labels = days(3);
        int middleX = Charts.LEFT + Charts.PLOT_WIDTH / 2;
        Charts.lines(
                dir.resolve("gap.png"),
                "gap",
                "HR@10",
                labels,
                Map.of("m", new double[] {0.5, Double.NaN, 0.5}));
        Charts.lines(
                dir.resolve("full.png"),
                "full",
                "HR@10",
                labels,
                Map.of("m", new double[] {0.5, 0.5, 0.5}));

        assertThat(drawnInColumn(dir.resolve("full.png"), middleX, 0x1f77b4)).isTrue();
        assertThat(drawnInColumn(dir.resolve("gap.png"), middleX, 0x1f77b4)).isFalse();
    }

    private static boolean drawnInColumn(Path png, int x, int rgb) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        for (int y = 0; y < image.getHeight(); y++) {
            if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                return true;
            }
        }
        return false;
    }

    /**
     * A latency chart of no samples is drawn with a short axis: it hung, labelling powers of ten up
     * to infinity.
     */
    @Test
    void aDistributionWithoutSamplesIsDrawnAndDoesNotHang(@TempDir Path dir) {
        Map<String, double[]> samples = new LinkedHashMap<>();
        samples.put("none", new double[0]);

        assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> {
                    Charts.cdf(dir.resolve("empty.png"), "empty", Map.of());
                    Charts.cdf(dir.resolve("none.png"), "none", samples);
                });
        assertThat(dir.resolve("empty.png")).isNotEmptyFile();
        assertThat(dir.resolve("none.png")).isNotEmptyFile();
    }
}
