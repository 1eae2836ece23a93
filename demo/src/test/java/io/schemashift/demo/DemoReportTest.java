package io.schemashift.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The migration report a demo run ends with: Markdown with plots, self-contained HTML. */
class DemoReportTest {

    @Test
    void demo_writesReport_withTimelinePlotsCoverageAndOpenItems() throws Exception {
        DemoTest.Run run = DemoTest.run("demo");
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
                // the demo's divergences: open, unless a clean verify of the table was recorded after them
                .containsPattern(
                        "\\| unrepaired divergences \\| customers \\| \\d+ recorded after the last clean verify"
                                + "|None: no refused statement, and no divergence after the last clean verify");
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
}
