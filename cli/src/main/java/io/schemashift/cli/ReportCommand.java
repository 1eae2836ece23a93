package io.schemashift.cli;

import io.schemashift.control.AuditEntry;
import io.schemashift.control.ControlSchema;
import io.schemashift.control.ControlStore;
import io.schemashift.control.ControlTables;
import io.schemashift.control.RolloutState;
import io.schemashift.coverage.CoverageEntry;
import io.schemashift.coverage.CoverageStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.data.time.FixedMillisecond;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The migration report for the review: Markdown and self-contained HTML, with plots. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a migration report (report.md with its PNG plots, and a self-contained report.html): the"
                    + " timeline of phases and who moved them, backfill and verify runs, mismatches and divergences"
                    + " per table over time, the statement coverage and the open items."
        })
final class ReportCommand extends CommandBase {

    private static final int PLOT_WIDTH = 900;
    private static final int PLOT_HEIGHT = 360;

    @Option(
            names = "--out",
            paramLabel = "<dir>",
            description = "Directory to write into (created if needed). Default: schemashift-report-<migration>.")
    Path outDir;

    @Option(names = "--json", description = "Print JSON (the files written) for scripts.")
    boolean json;

    /** One recorded event of a table: a mismatch or a divergence. */
    private record Event(String table, Instant at) {}

    @Override
    int run(Context context) throws Exception {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // plots are drawn off-screen, also without a display
        }
        String migration = context.config().migration();
        Path dir = outDir != null ? outDir : Path.of("schemashift-report-" + migration);
        ControlStore store = context.store();
        ControlTables tables = store.tables();
        ReportDocument doc = new ReportDocument("Migration report: " + migration);

        Optional<RolloutState> now = optional(store::read).flatMap(r -> r);
        doc.paragraph("Generated " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " from "
                + context.config().source()
                + ". Phase now: "
                + now.map(RolloutState::describe).orElse("(no rollout stored: run 'schemashift init')")
                + ".");

        timeline(doc, optional(() -> store.audit(10_000)).orElse(List.of()));
        List<RunRow> runs =
                optional(() -> runs(context, tables.runs(), migration)).orElse(null);
        runs(doc, runs, tables.runs());
        List<Event> mismatches = events(context, tables.mismatch(), migration);
        List<Event> divergences = events(context, tables.divergence(), migration);
        List<String> plots = new ArrayList<>();
        plot(doc, plots, "mismatches.png", "Shadow-read mismatches per table", mismatches);
        plot(doc, plots, "divergences.png", "Divergences per table", divergences);
        List<CoverageEntry> coverage = optional(() -> new CoverageStore(context.connections(), migration).read())
                .orElse(null);
        coverage(doc, migration, coverage);
        openItems(doc, coverage, divergences, runs == null ? List.of() : runs);

        Path markdown = doc.write(dir);
        Path html = dir.resolve("report.html");
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("migration", migration);
            m.put("markdown", markdown.toAbsolutePath().toString());
            m.put("html", html.toAbsolutePath().toString());
            m.put(
                    "plots",
                    plots.stream()
                            .map(p -> dir.resolve(p).toAbsolutePath().toString())
                            .toList());
            out().println(Json.write(m));
        } else {
            out().println("report written: " + markdown.toAbsolutePath() + " and " + html.toAbsolutePath());
        }
        out().flush();
        return OK;
    }

    private void timeline(ReportDocument doc, List<AuditEntry> audit) {
        doc.heading("Timeline");
        if (audit.isEmpty()) {
            doc.paragraph("No change of phase or percentages recorded.");
            return;
        }
        List<AuditEntry> oldestFirst = new ArrayList<>(audit);
        Collections.reverse(oldestFirst);
        List<List<String>> rows = new ArrayList<>();
        for (AuditEntry e : oldestFirst) {
            rows.add(List.of(
                    e.at().truncatedTo(ChronoUnit.SECONDS).toString(),
                    e.by(),
                    e.table() == null ? "all" : e.table(),
                    e.fromPhase() + " -> " + e.toPhase(),
                    e.fromReadNewPercent() + "% -> " + e.toReadNewPercent() + "%",
                    e.fromShadowPercent() + "% -> " + e.toShadowPercent() + "%",
                    e.reason() + (e.forced() ? " (forced)" : "")));
        }
        doc.table(List.of("at (UTC)", "by", "table", "phase", "read-new", "shadow", "reason"), rows);
    }

    /** One backfill or verify run, as {@code control.runsTable} records it. */
    private record RunRow(String kind, String table, Instant started, Instant finished, String outcome, long rows) {}

    private static List<RunRow> runs(Context context, String table, String migration) throws SQLException {
        List<RunRow> runs = new ArrayList<>();
        try (Connection c = context.connections().open();
                PreparedStatement ps = c.prepareStatement("SELECT kind, table_name, started_at, finished_at, outcome,"
                        + " rows_done FROM " + table + " WHERE migration = ? ORDER BY started_at")) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    runs.add(new RunRow(
                            rs.getString(1),
                            rs.getString(2),
                            ControlSchema.instant(rs.getObject(3, LocalDateTime.class)),
                            ControlSchema.instant(rs.getObject(4, LocalDateTime.class)),
                            rs.getString(5),
                            rs.getLong(6)));
                }
            }
        }
        return runs;
    }

    private void runs(ReportDocument doc, List<RunRow> runs, String table) {
        doc.heading("Backfill and verify runs");
        if (runs == null) {
            doc.paragraph("No run history: table " + table + " is not there (run 'schemashift init').");
        } else if (runs.isEmpty()) {
            doc.paragraph("No backfill or verify run recorded.");
        } else {
            List<List<String>> rows = new ArrayList<>();
            for (RunRow r : runs) {
                rows.add(List.of(
                        r.started().truncatedTo(ChronoUnit.SECONDS).toString(),
                        r.kind(),
                        r.table(),
                        r.outcome(),
                        String.valueOf(r.rows()),
                        Text.age(Duration.between(r.started(), r.finished()))));
            }
            doc.table(List.of("started (UTC)", "run", "table", "outcome", "rows", "took"), rows);
        }
    }

    private static List<Event> events(Context context, String table, String migration) throws SQLException {
        List<Event> events = new ArrayList<>();
        try (Connection c = context.connections().open();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT table_name, at FROM " + table + " WHERE migration = ? ORDER BY at")) {
            ps.setString(1, migration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new Event(rs.getString(1), ControlSchema.instant(rs.getObject(2, LocalDateTime.class))));
                }
            }
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("42")) {
                throw e;
            }
            // the table is not there yet: nothing recorded
        }
        return events;
    }

    /** A time series per table of {@code events}, counted in buckets of a round length. */
    private void plot(ReportDocument doc, List<String> plots, String file, String title, List<Event> events)
            throws IOException {
        doc.heading(title);
        if (events.isEmpty()) {
            doc.paragraph("None recorded.");
            return;
        }
        Instant first = events.get(0).at();
        Instant last = events.get(events.size() - 1).at();
        Duration bucket = bucket(Duration.between(first, last));
        long size = bucket.toMillis();
        Map<String, TreeMap<Long, Integer>> counts = new TreeMap<>();
        for (Event e : events) {
            long start = Math.floorDiv(e.at().toEpochMilli(), size) * size;
            counts.computeIfAbsent(e.table(), t -> new TreeMap<>()).merge(start, 1, Integer::sum);
        }
        TimeSeriesCollection data = new TimeSeriesCollection();
        List<List<String>> rows = new ArrayList<>();
        counts.forEach((table, byBucket) -> {
            TimeSeries series = new TimeSeries(table);
            // zeros between the buckets that have events, so that the line drops to 0 in between
            for (long t = byBucket.firstKey(); t <= byBucket.lastKey(); t += size) {
                series.add(new FixedMillisecond(t), byBucket.getOrDefault(t, 0));
            }
            data.addSeries(series);
            int total = byBucket.values().stream().mapToInt(Integer::intValue).sum();
            rows.add(List.of(table, String.valueOf(total)));
        });
        JFreeChart chart = ChartFactory.createTimeSeriesChart(
                title, "time (UTC)", "per " + Text.window(bucket), data, true, false, false);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(png, chart, PLOT_WIDTH, PLOT_HEIGHT);
        doc.image(file, title, png.toByteArray());
        plots.add(file);
        doc.table(List.of("table", "total"), rows);
    }

    /** 1 s, 10 s, 1 min, 10 min, 1 h, 1 d: the first that cuts {@code span} into at most about 60 buckets. */
    static Duration bucket(Duration span) {
        for (Duration d : List.of(
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                Duration.ofMinutes(1),
                Duration.ofMinutes(10),
                Duration.ofHours(1))) {
            if (span.dividedBy(d) <= 60) {
                return d;
            }
        }
        return Duration.ofDays(1);
    }

    private void coverage(ReportDocument doc, String migration, List<CoverageEntry> coverage) {
        doc.heading("Statement coverage");
        if (coverage == null) {
            doc.paragraph("Not available: table " + ControlSchema.STATEMENTS_TABLE + " is not there (run"
                    + " 'schemashift init').");
            return;
        }
        CoverageReport report = new CoverageReport(migration, coverage);
        doc.paragraph(report.summary() + ".");
        List<List<String>> rows = new ArrayList<>();
        for (CoverageEntry e : coverage) {
            rows.add(List.of(
                    e.tables(),
                    CoverageReport.Group.of(e).text,
                    e.kind().name().toLowerCase(Locale.ROOT),
                    CoverageReport.runs(e),
                    Text.cut(e.example(), 120),
                    e.reason() == null ? "" : e.reason(),
                    CoverageReport.verdicts(e)));
        }
        if (!rows.isEmpty()) {
            doc.table(List.of("table", "what", "kind", "runs", "shape", "reason", "verdicts"), rows);
        }
    }

    /**
     * Refused statement shapes, and per table the divergences recorded after its last clean
     * verify (a clean verify, repair included, leaves the sides equal up to its start).
     */
    private void openItems(
            ReportDocument doc, List<CoverageEntry> coverage, List<Event> divergences, List<RunRow> runs) {
        doc.heading("Open items");
        List<List<String>> rows = new ArrayList<>();
        if (coverage != null) {
            for (CoverageEntry e : coverage) {
                if (CoverageReport.Group.of(e) == CoverageReport.Group.REFUSED) {
                    rows.add(List.of(
                            "refused statement",
                            e.tables(),
                            Text.cut(e.example(), 120) + " [" + e.reason() + "]",
                            "rewrite it, or map what it needs; from new-primary on it fails with 0A000"));
                }
            }
        }
        Map<String, Instant> cleanSince = new TreeMap<>();
        for (RunRow r : runs) {
            if (r.kind().equals("verify") && r.outcome().equals("clean")) {
                cleanSince.merge(r.table().toLowerCase(Locale.ROOT), r.started(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        Map<String, List<Event>> open = new TreeMap<>();
        for (Event e : divergences) {
            Instant clean = cleanSince.get(e.table().toLowerCase(Locale.ROOT));
            if (clean == null || e.at().isAfter(clean)) {
                open.computeIfAbsent(e.table(), t -> new ArrayList<>()).add(e);
            }
        }
        open.forEach((table, list) -> rows.add(List.of(
                "unrepaired divergences",
                table,
                list.size() + " recorded after the last clean verify, latest "
                        + list.get(list.size() - 1).at().truncatedTo(ChronoUnit.SECONDS),
                "schemashift verify --repair --table " + table)));
        if (rows.isEmpty()) {
            doc.paragraph("None: no refused statement, and no divergence after the last clean verify of its table.");
        } else {
            doc.table(List.of("item", "table", "what", "action"), rows);
        }
    }

    /** A value read from a table that may not be there yet: empty then. */
    private static <T> Optional<T> optional(SqlSupplier<T> read) throws SQLException {
        try {
            return Optional.ofNullable(read.get());
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("42")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @FunctionalInterface
    private interface SqlSupplier<T> {
        T get() throws SQLException;
    }
}
