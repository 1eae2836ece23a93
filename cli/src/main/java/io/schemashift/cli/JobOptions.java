package io.schemashift.cli;

import io.schemashift.api.Side;
import io.schemashift.backfill.ProgressListener;
import io.schemashift.verify.Verifier;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options {@code backfill} and {@code verify} share: which tables, in which direction, how fast. */
final class JobOptions {

    @Option(
            names = "--table",
            paramLabel = "<table>",
            description = "Work on this old table (repeatable). Default: every mapped table, in the YAML's order.")
    List<String> tables = new ArrayList<>();

    @Option(
            names = "--rate",
            paramLabel = "<rows/s>",
            defaultValue = "0",
            converter = Converters.Count.class,
            description = "At most this many rows per second on average; 0 for no limit (default).")
    long rate;

    @Option(
            names = "--backoff",
            paramLabel = "<factor>",
            defaultValue = "3",
            converter = Converters.Backoff.class,
            description = "Pause when a batch's (chunk's) read takes more than <factor> times the"
                    + " median of the first 10 (default: ${DEFAULT-VALUE}); 0 switches it off.")
    double backoff;

    @Option(
            names = "--from",
            paramLabel = "old|new",
            converter = Truth.SideName.class,
            description = "Copy from this side. Default: the side that holds the truth in each table's phase (old up"
                    + " to read-new, new from new-primary). Copying into the side that holds the truth only inserts"
                    + " rows it lacks: nothing there is overwritten or deleted.")
    Side from;

    @Option(
            names = "--dry-run",
            description = "Print what would change (rows to insert, update, delete, per table) and change nothing.")
    boolean dryRun;

    /** A verifier of the YAML's mapping, paced by these options. */
    Verifier verifier(Context context, ProgressListener progress) {
        Verifier.Builder builder = Verifier.builder(
                        context.config().mapping(), context.dialect(), context.connections())
                .migration(context.config().migration())
                .values(context.config().report().values())
                .rowsPerSecond(rate)
                .latencyBackoff(backoff)
                .progress(progress);
        if (context.newConnections() != null) {
            builder.newDatabase(context.newConnections());
        }
        return builder.build();
    }
}
