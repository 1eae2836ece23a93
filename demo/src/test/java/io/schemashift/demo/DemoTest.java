package io.schemashift.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.cli.SchemaShiftCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code schemashift demo}, run in-process: a whole migration on embedded H2. */
class DemoTest {

    /** A timeline line: time, step number and label, phase, then the four counts. */
    static final Pattern ROW = Pattern.compile(
            "^\\s+[\\d.]+s\\s+(\\d+)\\s+(.+?)\\s+(old-only|dual-write|shadow-read|read-new|new-primary|new-only)"
                    + "\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$",
            Pattern.MULTILINE);

    /** What one in-process run printed and returned. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** Runs the command line of {@code ./schemashift demo} in-process, with an empty environment. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = DemoMain.commandLine(new SchemaShiftCommand(name -> null));
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int exit = line.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** One timeline line. */
    record Row(String label, String phase, long statements, long mirrored, long compared, long mismatches) {}

    @Test
    void demo_wholeMigration_printsEveryStepAndExitsZeroWithin60s() {
        long start = System.nanoTime();
        Run run = run("demo");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(run.exit()).as(run.toString()).isZero();
        // 12–20 s on a quiet machine; the bound leaves room for a loaded CI host
        assertThat(took).as("demo duration").isLessThan(Duration.ofSeconds(60));
        assertDemoOutput(run.out());
    }

    @Test
    void demo_help_describesItself() {
        Run run = run("demo", "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.out())
                .contains("Usage: schemashift demo")
                .contains("--threads")
                .contains("--step");
    }

    /** What every run of the demo must show; shared with {@code DemoIT}, which runs the launcher. */
    static void assertDemoOutput(String out) {
        Map<Integer, Row> rows = rows(out);
        assertThat(rows).as(out).containsOnlyKeys(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
        assertThat(rows.values().stream().map(Row::phase))
                .as("phases of the timeline")
                .containsExactly(
                        "old-only",
                        "dual-write",
                        "dual-write",
                        "dual-write",
                        "shadow-read",
                        "read-new",
                        "read-new",
                        "shadow-read",
                        "shadow-read",
                        "shadow-read",
                        "shadow-read",
                        "read-new",
                        "new-primary",
                        "new-only");
        for (int step : new int[] {1, 2, 5, 6, 8, 11, 12, 13, 14}) {
            assertThat(rows.get(step).statements())
                    .as("statements in step %d", step)
                    .isPositive();
        }
        assertThat(rows.get(1).mirrored()).as("nothing mirrored in old-only").isZero();
        for (int step : new int[] {2, 5, 6, 8, 11, 12, 13}) {
            assertThat(rows.get(step).mirrored())
                    .as("mirrored in step %d", step)
                    .isPositive();
        }
        assertThat(rows.get(14).mirrored()).as("nothing mirrored in new-only").isZero();
        for (int step : new int[] {1, 2}) {
            assertThat(rows.get(step).compared())
                    .as("no comparison in step %d", step)
                    .isZero();
        }
        for (int step : new int[] {5, 6, 11, 12, 13}) {
            assertThat(rows.get(step).compared())
                    .as("comparisons in step %d", step)
                    .isPositive();
            assertThat(rows.get(step).mismatches())
                    .as("no mismatch in step %d: the divergence is not there", step)
                    .isZero();
        }
        assertThat(rows.get(7).mismatches())
                .as("the injected divergence caught")
                .isPositive();
        assertThat(rows.get(14).compared()).as("no comparison in new-only").isZero();

        assertThat(out)
                .contains("$ schemashift phase dual-write")
                .contains("$ schemashift phase new-only")
                .contains("$ schemashift rollback")
                .contains("read-new, read-new 50%, shadow 100% -> shadow-read")
                .containsPattern("the app's driver applied version 5 after \\d+ ms")
                .containsPattern("backfill done: \\d+ rows in 1 table\\(s\\)")
                .containsPattern("verify: old and new sides are equal\\n\\s+[\\d.]+s\\s+4  verify")
                .containsPattern("caught by shadow reads: [1-9]\\d* mismatching comparison")
                .containsPattern("\\$ schemashift mismatches --top 3\\n.*COUNT.*\\n\\s+[1-9]\\d*\\s.*customers")
                .containsPattern("different\\s+\\[\"7\"\\]\\s+full_name\\s")
                .contains("verify: the sides differ (exit code 3)")
                .contains("repaired 1 rows; those keys now: equal")
                .containsPattern("refusing to move demo-\\w+ from shadow-read to read-new: [1-9]\\d* mismatches in the"
                        + " last 15m")
                .containsPattern("phase read-new --reason .* --max-mismatches [1-9]\\d*")
                .containsPattern("app: +\\d+ statements on 4 threads, 0 failed")
                .containsPattern("migration report: \\S+report\\.md \\(and report\\.html beside it\\)")
                .doesNotContain("forced")
                .doesNotContain("FORCED");
    }

    static Map<Integer, Row> rows(String out) {
        Map<Integer, Row> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(out);
        while (m.find()) {
            rows.put(
                    Integer.parseInt(m.group(1)),
                    new Row(
                            m.group(2),
                            m.group(3),
                            Long.parseLong(m.group(4)),
                            Long.parseLong(m.group(5)),
                            Long.parseLong(m.group(6)),
                            Long.parseLong(m.group(7))));
        }
        return rows;
    }
}
