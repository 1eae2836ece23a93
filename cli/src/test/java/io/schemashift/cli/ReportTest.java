package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** {@code schemashift report}, written at the end of a demo run: Markdown with plots, self-contained HTML. */
class ReportTest {

    @Test
    void demo_writesReport_withTimelinePlotsCoverageAndOpenItems() throws Exception {
        Cli.Run run = Cli.run(Map.of(), "demo");
        assertThat(run.exit()).as(run.toString()).isZero();
        Matcher m = Pattern.compile("migration report: (\\S+report\\.md) \\(and report\\.html beside it\\)")
                .matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        Path md = Path.of(m.group(1));
        Path dir = md.getParent();

        String markdown = Files.readString(md);
        assertThat(markdown)
                .startsWith("# Migration report: demo-")
                .contains("## Timeline")
                .contains("| old-only -> dual-write |")
                .contains("| new-primary -> new-only |")
                .contains("## Backfill and verify runs")
                .contains("![Shadow-read mismatches per table](mismatches.png)")
                .contains("![Divergences per table](divergences.png)")
                .contains("## Statement coverage")
                .containsPattern("statement shape\\(s\\) on mapped tables, \\d+ execution\\(s\\)")
                .contains("| customers | rewritten |")
                .contains("## Open items")
                .contains("| divergences | customers |");
        for (String png : new String[] {"mismatches.png", "divergences.png"}) {
            BufferedImage image = ImageIO.read(dir.resolve(png).toFile());
            assertThat(image).as(png).isNotNull();
            assertThat(image.getWidth()).isEqualTo(900);
            assertThat(image.getHeight()).isEqualTo(360);
        }

        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("src=\"mismatches.png\"");
        Matcher img = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")
                .matcher(html);
        int images = 0;
        while (img.find()) {
            BufferedImage inlined =
                    ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(img.group(1))));
            assertThat(inlined).isNotNull();
            images++;
        }
        assertThat(images).isEqualTo(2);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    @Test
    void bucket_cutsTheSpanIntoAtMostAboutSixty() {
        assertThat(ReportCommand.bucket(Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(1));
        assertThat(ReportCommand.bucket(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(10));
        assertThat(ReportCommand.bucket(Duration.ofHours(3))).isEqualTo(Duration.ofMinutes(10));
        assertThat(ReportCommand.bucket(Duration.ofDays(30))).isEqualTo(Duration.ofDays(1));
    }
}
