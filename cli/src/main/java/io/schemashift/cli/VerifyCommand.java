package io.schemashift.cli;

import io.schemashift.api.ConnectionSource;
import io.schemashift.backfill.ProgressListener;
import io.schemashift.config.MigrationConfig;
import io.schemashift.control.LoggedKey;
import io.schemashift.control.Run;
import io.schemashift.mirror.IntentLog;
import io.schemashift.rewriter.KeyCodec;
import io.schemashift.rewriter.TableMapping;
import io.schemashift.verify.RepairAction;
import io.schemashift.verify.RowDifference;
import io.schemashift.verify.Verifier;
import io.schemashift.verify.VerifyReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Compares old and new tables ({@link Verifier}) and, with {@code --repair}, fixes the side that
 * does not hold the truth.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Compares each mapped table's old and new sides: both servers checksum key-range chunks, chunks that"
                    + " differ are compared row by row. Lists missing, extra and different rows by key (values as"
                    + " report.values allows). Exit code 1 when any row differs.",
            "--repair copies each differing row from the side that holds the truth (old up to read-new, new from"
                    + " new-primary; or --from) to the other side, then checks those keys again. It never deletes or"
                    + " overwrites a row on the side that holds the truth. --dry-run prints what it would change.",
            "--from-divergences checks just the keys the driver logged (divergence and mismatch tables): the"
                    + " fast path after an incident."
        })
final class VerifyCommand extends CommandBase {

    @Mixin
    JobOptions job = new JobOptions();

    private static final int SHOWN = 50;
    /** The sides differ: a code of its own, so that a script tells drift from an outage (1). */
    static final int DIFFER = 3;

    @Option(
            names = "--chunk",
            paramLabel = "<rows>",
            defaultValue = "100000",
            converter = Converters.BatchSize.class,
            description = "Old rows per checksum chunk (default: ${DEFAULT-VALUE}). A chunk that differs is cut"
                    + " into 10 sub-chunks, and only those that differ are compared row by row.")
    int chunk;

    @Option(
            names = "--repair",
            description = "Make the other side match the side that holds the truth (or --from) for every row that"
                    + " differs.")
    boolean repair;

    @Option(
            names = "--from-divergences",
            description = "Check the keys logged in the divergence and mismatch tables first; a table with a"
                    + " record that names no usable key is then checked in full, a table without records is"
                    + " skipped.")
    boolean fromDivergences;

    @Option(
            names = "--since",
            paramLabel = "<duration>",
            converter = Converters.Window.class,
            description = "With --from-divergences: only records of the last <duration> (e.g. 2h). Default: all.")
    Duration since;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    /** The stale intent records read, by side: cleared after a repair that left the sides equal. */
    private final Map<ConnectionSource, List<IntentLog.Stale>> intents = new LinkedHashMap<>();

    @Override
    int run(Context context) throws Exception {
        if (since != null && !fromDivergences) {
            throw new ParameterException(spec.commandLine(), "--since goes with --from-divergences");
        }
        if (!repair && (job.from != null || job.dryRun)) {
            throw new ParameterException(
                    spec.commandLine(), (job.from != null ? "--from" : "--dry-run") + " goes with --repair");
        }
        List<String> names = mappedTables(context, job.tables);
        Verifier verifier = job.verifier(context, json ? ProgressListener.none() : progress());
        Truth truth = repair ? Truth.read(context) : null;

        List<Map<String, Object>> results = new ArrayList<>();
        boolean equal = true;
        Map<String, Logged> logged = fromDivergences ? logged(context, names) : Map.of();
        for (String table : names) {
            Logged l = logged.get(table);
            if (fromDivergences && l == null) {
                if (!json) {
                    out().println(table + ": no keys logged");
                }
                continue;
            }
            if (l != null && !l.keys.isEmpty()) {
                VerifyReport report = verifier.verifyKeys(table, l.keys);
                String scope = l.keys.size() + " logged keys (" + l.count(LoggedKey.Source.DIVERGENCE)
                        + " from the divergence log, " + l.count(LoggedKey.Source.MISMATCH) + " from the mismatch table"
                        + (l.count(LoggedKey.Source.INTENT) > 0
                                ? ", " + l.count(LoggedKey.Source.INTENT) + " from stale intent records"
                                : "")
                        + ")";
                equal &= check(verifier, truth, report, scope, "keys", results);
            }
            if (l == null || l.unknown > 0) {
                Instant started = Instant.now();
                VerifyReport report = verifier.verify(table, chunk);
                String scope =
                        (l == null ? "" : "checked in full (" + l.unknown + " logged records name no usable key); ")
                                + report.chunks() + " chunks, " + report.chunksDiffering() + " differ";
                boolean clean = check(verifier, truth, report, scope, "chunks", results);
                equal &= clean;
                // evidence for the read-new guard (control helper): a full verify of the table
                recordRun(
                        context,
                        new Run(
                                Run.Kind.VERIFY,
                                table,
                                started,
                                Instant.now(),
                                clean ? Run.Outcome.CLEAN : Run.Outcome.DIFFERENT,
                                report.oldRows()));
            }
        }
        if (equal && repair && !job.dryRun) {
            clearIntents(context, names);
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("migration", context.config().migration());
            doc.put("equal", equal);
            doc.put("tables", results);
            out().println(Json.write(doc));
        } else {
            out().println(
                            equal
                                    ? "verify: old and new sides are equal"
                                    : "verify: the sides differ (exit code " + DIFFER + ")");
        }
        out().flush();
        return equal ? OK : DIFFER;
    }

    /**
     * Prints (and with --repair, repairs) one report; whether the table is equal in the end. The
     * repair copies from the side that holds the truth (or the side --from names); into the side
     * that holds the truth it only inserts.
     */
    private boolean check(
            Verifier verifier,
            Truth truth,
            VerifyReport report,
            String scope,
            String mode,
            List<Map<String, Object>> results)
            throws Exception {
        Map<String, Object> result = json(report);
        result.put("checked", mode);
        results.add(result);
        print(report, scope);
        if (!repair || report.clean()) {
            return report.clean();
        }
        Truth.Direction d = truth.direction(report.table(), job.from);
        Set<RepairAction> allowed = d.intoTruth() ? EnumSet.of(RepairAction.INSERT) : EnumSet.allOf(RepairAction.class);
        Map<RepairAction, Long> plan = report.plan(d.source());
        long refused = plan.entrySet().stream()
                .filter(e -> !allowed.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue)
                .sum();
        result.put("from", Truth.name(d.source()));
        result.put("phase", d.phase().configName());
        Map<String, Object> planJson = new LinkedHashMap<>();
        plan.forEach((action, n) -> planJson.put(action.label(), allowed.contains(action) ? n : 0L));
        planJson.put("refused", refused);
        result.put(job.dryRun ? "wouldChange" : "plan", planJson);
        if (!json) {
            out().println("  " + d.describe(job.dryRun ? "repair --dry-run" : "repair"));
            out().printf(
                            "  %s: insert %d, update %d, delete %d rows on the %s%s%n",
                            job.dryRun ? "would change" : "changes",
                            allowed.contains(RepairAction.INSERT) ? plan.get(RepairAction.INSERT) : 0,
                            allowed.contains(RepairAction.UPDATE) ? plan.get(RepairAction.UPDATE) : 0,
                            allowed.contains(RepairAction.DELETE) ? plan.get(RepairAction.DELETE) : 0,
                            d.sideName(d.target()),
                            refused == 0
                                    ? ""
                                    : "; refused: " + plan.get(RepairAction.UPDATE) + " updates and "
                                            + plan.get(RepairAction.DELETE) + " deletes there, which holds the truth");
            out().flush();
        }
        if (job.dryRun) {
            return false;
        }
        VerifyReport after = verifier.repair(report, d.source(), allowed);
        result.put("repaired", report.rows().size());
        result.put("afterRepair", json(after));
        if (!json) {
            out().println("  repaired " + report.rows().size() + " rows; those keys now: "
                    + (after.clean()
                            ? "equal"
                            : after.differences() + " still differ"
                                    + (refused > 0 ? " (refused above)" : " (writes raced the repair?)"))
                    + (report.truncated() ? "; more rows differ than were listed: run verify --repair again" : ""));
        }
        return after.clean() && !report.truncated();
    }

    /** The logged keys of this run's tables, by mapped old table name. */
    private Map<String, Logged> logged(Context context, List<String> names) throws Exception {
        Instant from = since == null ? Instant.EPOCH : Instant.now().minus(since);
        Map<String, Logged> byTable = new LinkedHashMap<>();
        Set<String> unmapped = new TreeSet<>();
        List<LoggedKey> keys = new ArrayList<>(context.store().loggedKeys(from));
        keys.addAll(staleIntents(context));
        for (LoggedKey k : keys) {
            Optional<TableMapping> tm = context.config().mapping().table(k.table());
            if (tm.isEmpty()) {
                unmapped.add(k.table());
                continue;
            }
            String table = tm.get().oldName();
            if (!names.contains(table)) {
                continue;
            }
            Logged l = byTable.computeIfAbsent(table, t -> new Logged());
            if (!usable(k.key(), tm.get().key().size())) {
                l.unknown++;
            } else if (l.keys.add(k.key())) {
                l.bySource.merge(k.source(), 1L, Long::sum);
            }
        }
        if (!unmapped.isEmpty()) {
            err().println("schemashift: warning: records for tables not mapped in "
                    + context.config().source() + " skipped: " + String.join(", ", unmapped));
            err().flush();
        }
        return byTable;
    }

    /**
     * Whether a logged key names one row: {@link KeyCodec} text with a value for every key column.
     * The driver logs {@code null} when it could not tell the rows, a mismatch record names its first
     * differing row as {@code id=…} (redacted unless {@code report.values: plain}): neither is usable.
     */
    private static boolean usable(String key, int columns) {
        if (key == null) {
            return false;
        }
        try {
            List<String> values = KeyCodec.decode(key);
            return values.size() == columns && values.stream().allMatch(Objects::nonNull);
        } catch (IllegalArgumentException notAKey) {
            return false;
        }
    }

    private void print(VerifyReport r, String scope) {
        if (json) {
            return;
        }
        if (r.clean()) {
            out().printf("%s: %d old rows, %d new rows, %s: equal%n", r.table(), r.oldRows(), r.newRows(), scope);
            return;
        }
        Map<RowDifference.Kind, Long> kinds = new LinkedHashMap<>();
        for (RowDifference.Kind k : RowDifference.Kind.values()) {
            kinds.put(k, r.rows().stream().filter(d -> d.kind() == k).count());
        }
        out().printf(
                        "%s: %d old rows, %d new rows, %s: %d rows differ (listed: %d missing, %d extra, %d different)%n",
                        r.table(),
                        r.oldRows(),
                        r.newRows(),
                        scope,
                        r.differences(),
                        kinds.get(RowDifference.Kind.MISSING),
                        kinds.get(RowDifference.Kind.EXTRA),
                        kinds.get(RowDifference.Kind.DIFFERENT));
        String format = "  %-9s  %-24s  %-24s  %-18s  %s%n";
        out().printf(format, "KIND", "KEY", "COLUMNS", "OLD", "NEW");
        int shown = Math.min(SHOWN, r.rows().size());
        for (RowDifference d : r.rows().subList(0, shown)) {
            out().printf(
                            format,
                            d.kind().name().toLowerCase(Locale.ROOT),
                            d.key(),
                            d.columns().isEmpty() ? "-" : String.join(",", d.columns()),
                            d.oldValue() == null ? "-" : d.oldValue(),
                            d.newValue() == null ? "-" : d.newValue());
        }
        if (r.differences() > shown) {
            out().printf("  … %d more (--json lists up to 10,000)%n", r.differences() - shown);
        }
    }

    private static Map<String, Object> json(VerifyReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", r.table());
        m.put("oldRows", r.oldRows());
        m.put("newRows", r.newRows());
        m.put("chunks", r.chunks());
        m.put("chunksDiffering", r.chunksDiffering());
        m.put("differences", r.differences());
        m.put("truncated", r.truncated());
        List<Object> rows = new ArrayList<>();
        for (RowDifference d : r.rows()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("key", d.key());
            row.put("kind", d.kind().name().toLowerCase(Locale.ROOT));
            row.put("columns", d.columns());
            row.put("old", d.oldValue());
            row.put("new", d.newValue());
            rows.add(row);
        }
        m.put("rows", rows);
        return m;
    }

    /**
     * The rows named by intent records that no running process will clear any more (a process
     * stopped between the two commits of a transaction over two databases, or before the
     * divergence records of a one-sided change were written). An instance turns them into
     * divergence records when it starts; verify reads them too, so that a crash is found even
     * while no instance runs. Their records go once a repair has made every checked table equal.
     */
    private List<LoggedKey> staleIntents(Context context) {
        MigrationConfig.Writes writes = context.config().writes();
        if (!writes.intent()) {
            return List.of();
        }
        Instant before = Instant.now().minus(writes.intentStaleAfter());
        List<LoggedKey> keys = new ArrayList<>();
        List<ConnectionSource> sides = context.newConnections() == null
                ? List.of(context.connections())
                : List.of(context.connections(), context.newConnections());
        for (ConnectionSource side : sides) {
            try (Connection c = side.open()) {
                List<IntentLog.Stale> stale = IntentLog.stale(
                        c, writes.intentTable(), context.config().migration(), before);
                for (IntentLog.Stale s : stale) {
                    s.rows().forEach(r -> keys.add(new LoggedKey(r.table(), r.key(), LoggedKey.Source.INTENT, s.at())));
                }
                intents.put(side, stale);
            } catch (SQLException e) {
                err().println("schemashift: warning: cannot read the intent records in " + writes.intentTable()
                        + " (SQLState " + e.getSQLState() + "): the rows of a process that stopped before its intent"
                        + " records were cleared would not be found; run 'schemashift init'");
                err().flush();
            }
        }
        return keys;
    }

    /**
     * Deletes the intent records whose rows this run found equal or repaired: those that name
     * only tables it checked ({@code --table} may have left others out).
     */
    private void clearIntents(Context context, List<String> checked) throws SQLException {
        for (Map.Entry<ConnectionSource, List<IntentLog.Stale>> side : intents.entrySet()) {
            List<String> txns = side.getValue().stream()
                    .filter(s -> s.rows().stream().allMatch(r -> context.config()
                            .mapping()
                            .table(r.table())
                            .map(t -> checked.contains(t.oldName()))
                            .orElse(false)))
                    .map(IntentLog.Stale::txn)
                    .toList();
            try (Connection c = side.getKey().open()) {
                c.setAutoCommit(true);
                IntentLog.delete(c, context.config().writes().intentTable(), txns);
            }
        }
    }

    /** The logged records of one table. */
    private static final class Logged {
        final Set<String> keys = new LinkedHashSet<>();
        final Map<LoggedKey.Source, Long> bySource = new EnumMap<>(LoggedKey.Source.class);
        long unknown;

        long count(LoggedKey.Source source) {
            return bySource.getOrDefault(source, 0L);
        }
    }
}
