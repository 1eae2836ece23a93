package io.schemashift.cli;

import io.schemashift.api.Side;
import io.schemashift.backfill.Backfill;
import io.schemashift.backfill.BackfillReport;
import io.schemashift.backfill.ProgressListener;
import io.schemashift.config.Phase;
import io.schemashift.control.Run;
import io.schemashift.verify.RepairAction;
import io.schemashift.verify.Verifier;
import io.schemashift.verify.VerifyReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Copies the rows of the side that holds the truth to the other side: {@link Backfill} with the
 * YAML's mapping, in the direction each table's phase (or {@code --from}) gives.
 */
@Command(
        name = "backfill",
        mixinStandardHelpOptions = true,
        description = {
            "Copies rows from the side that holds the truth (old up to read-new, new from new-primary; or --from)"
                    + " to the other side through the mapping, in key order and in batches. Only rows the target"
                    + " lacks are inserted: nothing is overwritten or deleted. Idempotent, resumable (--resume),"
                    + " throttled (--rate, latency back-off).",
            "Start it once every application instance mirrors writes (dual-write to new-primary): it refuses a"
                    + " table in old-only or new-only unless --force."
        })
final class BackfillCommand extends CommandBase {

    /** Rows per checksum chunk of the verify behind {@code --dry-run}. */
    private static final int DRY_RUN_CHUNK = 100_000;

    @Mixin
    JobOptions job = new JobOptions();

    @Option(
            names = "--batch",
            paramLabel = "<rows>",
            defaultValue = "10000",
            converter = Converters.BatchSize.class,
            description = "Rows per batch, each one transaction (default: ${DEFAULT-VALUE}). An application"
                    + " write to a row waits at most for one batch.")
    int batch;

    @Option(
            names = "--row-locks",
            description = "PostgreSQL: lock only the rows each batch copies, never the whole source table. By"
                    + " default a batch locks the table when no writer holds it (about twice as fast), and then"
                    + " application writes to any of its rows wait for that batch; with --row-locks only writers of"
                    + " the batch's own rows wait.")
    boolean rowLocks;

    @Option(
            names = "--resume",
            description = "Continue each table after its checkpoint (the last committed batch). Without it the"
                    + " backfill starts at the first key, which is harmless but reads everything again.")
    boolean resume;

    @Option(
            names = "--lineage-table",
            paramLabel = "<table>",
            description = "Also record every batch (key range, rows, time) in this table on the new side,"
                    + " created when missing.")
    String lineageTable;

    @Option(
            names = "--force",
            description = "Run even where the phase is old-only or new-only (changes after a row's copy are lost).")
    boolean force;

    @Option(names = "--json", description = "Print JSON for scripts (no progress lines).")
    boolean json;

    @Override
    int run(Context context) throws Exception {
        List<String> names = mappedTables(context, job.tables);
        Truth truth = Truth.read(context);
        List<Truth.Direction> directions = new ArrayList<>();
        for (String table : names) {
            directions.add(truth.direction(table, job.from));
        }
        checkMirrored(directions);
        for (Truth.Direction d : directions) {
            print(d.describe(job.dryRun ? "backfill --dry-run" : "backfill"));
        }
        out().flush();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("migration", context.config().migration());
        doc.put("dryRun", job.dryRun);
        List<Object> tables = new ArrayList<>();
        doc.put("tables", tables);
        if (job.dryRun) {
            return dryRun(context, directions, doc, tables);
        }
        Map<Side, Backfill> backfills = new EnumMap<>(Side.class);
        List<BackfillReport.TableResult> results = new ArrayList<>();
        for (Truth.Direction d : directions) {
            Backfill backfill = backfills.computeIfAbsent(d.source(), from -> backfill(context, from));
            BackfillReport.TableResult t =
                    backfill.run(List.of(d.table()), resume).tables().get(0);
            results.add(t);
            Instant finished = Instant.now(); // evidence for the read-new guard (control helper)
            recordRun(
                    context,
                    new Run(
                            Run.Kind.BACKFILL,
                            t.table(),
                            finished.minus(t.elapsed()),
                            finished,
                            Run.Outcome.COMPLETED,
                            t.rows()));
            double seconds = Math.max(t.elapsed().toNanos() / 1e9, 1e-9);
            Map<String, Object> table = direction(d);
            table.put("rows", t.rows());
            table.put("batches", t.batches());
            table.put("seconds", t.elapsed().toMillis() / 1000.0);
            table.put("resumedAfter", t.resumedFrom());
            table.put("pacedSeconds", t.paced().toMillis() / 1000.0);
            table.put("backedOffSeconds", t.backedOff().toMillis() / 1000.0);
            tables.add(table);
            print(String.format(
                    Locale.ROOT,
                    "%s: %d rows in %d batches, %.1fs (%.0f rows/s)%s, paced %s, backed off %s",
                    t.table(),
                    t.rows(),
                    t.batches(),
                    seconds,
                    t.rows() / seconds,
                    t.resumedFrom() > 0 ? ", resumed after " + t.resumedFrom() + " rows" : "",
                    Text.age(t.paced()),
                    Text.age(t.backedOff())));
            out().flush();
        }
        long rows = results.stream().mapToLong(BackfillReport.TableResult::rows).sum();
        doc.put("rows", rows);
        print("backfill done: " + rows + " rows in " + results.size() + " table(s); check with 'schemashift verify'");
        if (json) {
            out().println(Json.write(doc));
        }
        out().flush();
        return OK;
    }

    private void print(String line) {
        if (!json) {
            out().println(line);
        }
    }

    /** One table's direction, the start of its JSON object. */
    private static Map<String, Object> direction(Truth.Direction d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", d.table());
        m.put("newTable", d.newTable());
        m.put("phase", d.phase().configName());
        m.put("from", Truth.name(d.source()));
        m.put("to", Truth.name(d.target()));
        return m;
    }

    private Backfill backfill(Context context, Side from) {
        Backfill.Builder builder = Backfill.builder(
                        context.config().mapping(), context.dialect(), context.connections())
                .migration(context.config().migration())
                .from(from)
                .batchSize(batch)
                .rowsPerSecond(job.rate)
                .latencyBackoff(job.backoff)
                .progress(json ? ProgressListener.none() : progress());
        if (context.newConnections() != null) {
            builder.newDatabase(context.newConnections());
        }
        if (lineageTable != null) {
            builder.lineageTable(lineageTable);
        }
        if (rowLocks) {
            builder.rowLocksOnly();
        }
        return builder.build();
    }

    /**
     * What a backfill would do, found by a verify: the rows the source has and the target lacks
     * would be inserted; rows only on the target and rows that differ are left as they are.
     */
    private int dryRun(Context context, List<Truth.Direction> directions, Map<String, Object> doc, List<Object> tables)
            throws Exception {
        Verifier verifier = job.verifier(context, json ? ProgressListener.none() : progress());
        for (Truth.Direction d : directions) {
            VerifyReport r = verifier.verify(d.table(), DRY_RUN_CHUNK);
            Map<RepairAction, Long> plan = r.plan(d.source());
            Map<String, Object> table = direction(d);
            table.put("wouldInsert", plan.get(RepairAction.INSERT));
            table.put("onlyOnTarget", plan.get(RepairAction.DELETE));
            table.put("differing", plan.get(RepairAction.UPDATE));
            tables.add(table);
            print(String.format(
                    "%s: would insert %d rows into the %s; %d rows only there are kept (backfill never deletes),"
                            + " %d rows differ and are left as they are ('verify --repair' fixes them)",
                    d.table(),
                    plan.get(RepairAction.INSERT),
                    d.sideName(d.target()),
                    plan.get(RepairAction.DELETE),
                    plan.get(RepairAction.UPDATE)));
        }
        print("backfill --dry-run: nothing changed");
        if (json) {
            out().println(Json.write(doc));
        }
        out().flush();
        return OK;
    }

    /**
     * Refuses tables whose phase mirrors no writes ({@code old-only}, {@code new-only}): rows the
     * application changes after their copy would differ.
     */
    private void checkMirrored(List<Truth.Direction> directions) throws Exception {
        List<String> unmirrored = new ArrayList<>();
        Phase phase = null;
        for (Truth.Direction d : directions) {
            if (!d.phase().mirrorsWrites()) {
                unmirrored.add(d.table());
                phase = d.phase();
            }
        }
        if (unmirrored.isEmpty()) {
            return;
        }
        String message = "phase " + phase + " for " + String.join(", ", unmirrored) + ": writes are not mirrored, so"
                + " rows changed after their copy would differ; "
                + (phase == Phase.OLD_ONLY
                        ? "move to dual-write first ('schemashift phase dual-write')"
                        : "roll back to new-primary first ('schemashift rollback')");
        if (!force) {
            throw new Failure("refusing to backfill: " + message + ", or pass --force");
        }
        err().println("schemashift: warning: " + message);
        err().flush();
    }
}
