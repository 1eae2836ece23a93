package io.schemashift.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /** Run with {@code --json}, which a script reads: one object with the timeline, the totals and the report. */
    @Test
    void demo_writesReport_withTimelinePlotsCoverageAndOpenItems() throws Exception {
        DemoTest.Run run = DemoTest.run("demo", "--json");
        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode result = new ObjectMapper().readTree(run.out());
        assertThat(result.get("ok").asBoolean()).as(run.out()).isTrue();
        assertThat(result.get("divergenceCaughtAndRepaired").asBoolean()).isTrue();
        JsonNode steps = result.get("steps");
        assertThat(steps).hasSize(14);
        assertThat(steps.get(0).get("phase").asText()).isEqualTo("old-only");
        assertThat(steps.get(0).get("label").asText()).isEqualTo("app runs on the old table only");
        assertThat(steps.get(6).get("mismatches").asLong())
                .as("the injected divergence caught")
                .isPositive();
        assertThat(steps.get(13).get("phase").asText()).isEqualTo("new-only");
        assertThat(steps.get(13).get("mirrored").asLong()).isZero();
        assertThat(result.get("total").get("mirrored").asLong()).isPositive();
        assertThat(result.get("app").get("failed").asLong()).isZero();
        Path md = Path.of(result.get("report").asText());
        assertThat(md.getFileName()).hasToString("report.md");
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
