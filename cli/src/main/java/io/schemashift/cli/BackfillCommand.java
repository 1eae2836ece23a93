package io.schemashift.cli;

import io.schemashift.backfill.Backfill;
import io.schemashift.backfill.BackfillReport;
import io.schemashift.config.Phase;
import io.schemashift.control.RolloutState;
import io.schemashift.control.Run;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Copies the old tables' rows to the new tables: {@link Backfill} with the YAML's mapping. */
@Command(
        name = "backfill",
        mixinStandardHelpOptions = true,
        description = {
            "Copies the rows of the old tables into the new tables through the mapping, in key order and in"
                    + " batches. Idempotent (rows already on the new side are left alone), resumable (--resume),"
                    + " throttled (--rate, latency back-off).",
            "Start it once every application instance writes in phase dual-write (or later): it refuses a table"
                    + " in old-only unless --force."
        })
final class BackfillCommand extends CommandBase {

    @Mixin
    JobOptions job = new JobOptions();

    @Option(
            names = "--batch",
            paramLabel = "<rows>",
            defaultValue = "1000",
            converter = Converters.BatchSize.class,
            description = "Rows per batch, each one transaction (default: ${DEFAULT-VALUE}). An application"
                    + " write to a row waits at most for one batch.")
    int batch;

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
            description = "Run even where the phase is old-only (changes after a row's copy are lost).")
    boolean force;

    @Override
    int run(Context context) throws Exception {
        List<String> names = mappedTables(context, job.tables);
        checkDualWrites(context, names);
        Backfill.Builder builder = Backfill.builder(
                        context.config().mapping(), context.dialect(), context.connections())
                .migration(context.config().migration())
                .batchSize(batch)
                .rowsPerSecond(job.rate)
                .latencyBackoff(job.backoff)
                .progress(progress());
        if (context.newConnections() != null) {
            builder.newSide(context.newConnections());
        }
        if (lineageTable != null) {
            builder.lineageTable(lineageTable);
        }
        BackfillReport report = builder.build().run(names, resume);
        for (BackfillReport.TableResult t : report.tables()) {
            Instant finished = Instant.now(); // evidence for the read-new guard (control helper)
            context.store()
                    .recordRun(new Run(
                            Run.Kind.BACKFILL,
                            t.table(),
                            finished.minus(t.elapsed()),
                            finished,
                            Run.Outcome.COMPLETED,
                            t.rows()));
            double seconds = Math.max(t.elapsed().toNanos() / 1e9, 1e-9);
            out().printf(
                            Locale.ROOT,
                            "%s: %d rows in %d batches, %.1fs (%.0f rows/s)%s, paced %s, backed off %s%n",
                            t.table(),
                            t.rows(),
                            t.batches(),
                            seconds,
                            t.rows() / seconds,
                            t.resumedFrom() > 0 ? ", resumed after " + t.resumedFrom() + " rows" : "",
                            Text.age(t.paced()),
                            Text.age(t.backedOff()));
        }
        out().printf(
                        "backfill done: %d rows in %d table(s); check with 'schemashift verify'%n",
                        report.rows(), report.tables().size());
        out().flush();
        return OK;
    }

    /**
     * Refuses tables whose phase is {@code old-only}: their writes are not mirrored, so rows the app
     * changes after their copy would differ. The phase is the control table's when the YAML names
     * one (and {@code init} has run), else the YAML's.
     */
    private void checkDualWrites(Context context, List<String> names) throws Exception {
        RolloutState stored = context.config().control().controlTable().isPresent()
                ? context.store().read().orElse(null)
                : null;
        List<String> oldOnly = new ArrayList<>();
        for (String table : names) {
            String key = table.toLowerCase(Locale.ROOT);
            Phase phase = stored != null
                    ? stored.phaseOf(key)
                    : context.config().rollout().phaseOf(key);
            if (phase == Phase.OLD_ONLY) {
                oldOnly.add(table);
            }
        }
        if (oldOnly.isEmpty()) {
            return;
        }
        String message = "phase old-only for " + String.join(", ", oldOnly) + ": writes are not mirrored, so rows"
                + " changed after their copy would differ; move to dual-write first ('schemashift phase dual-write')";
        if (!force) {
            throw new Failure("refusing to backfill: " + message + ", or pass --force");
        }
        err().println("schemashift: warning: " + message);
        err().flush();
    }
}
