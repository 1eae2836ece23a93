package io.schemashift.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options {@code backfill} and {@code verify} share: which tables, and how fast. */
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
            description = "At most this many old rows per second on average; 0 for no limit (default).")
    long rate;

    @Option(
            names = "--backoff",
            paramLabel = "<factor>",
            defaultValue = "3",
            converter = Converters.Backoff.class,
            description = "Pause when a batch's (chunk's) read on the old side takes more than <factor> times the"
                    + " median of the first 10 (default: ${DEFAULT-VALUE}); 0 switches it off.")
    double backoff;
}
