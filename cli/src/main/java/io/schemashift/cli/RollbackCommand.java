package io.schemashift.cli;

import io.schemashift.config.Phase;
import io.schemashift.control.RolloutState;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** One phase back, always allowed. */
@Command(
        name = "rollback",
        mixinStandardHelpOptions = true,
        description = {
            "Moves the migration (or, with --table, one table) one phase back. Always allowed: no guard"
                    + " rail applies. Percentages are kept.",
            "Fails when the phase is already old-only."
        })
final class RollbackCommand extends CommandBase {

    @Option(names = "--reason", required = true, paramLabel = "<text>", description = "Why; recorded in the audit.")
    String reason;

    @Option(names = "--table", paramLabel = "<table>", description = "Roll back this (old) table's phase only.")
    String table;

    @Mixin
    Author author;

    @Override
    int run(Context context) throws Exception {
        if (reason.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--reason must not be empty");
        }
        if (table != null && context.config().mapping().table(table).isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "unknown table '" + table + "'; per-table phases apply to the tables mapped in "
                            + context.config().source());
        }
        String tableName = table == null ? null : table.toLowerCase(Locale.ROOT);
        RolloutState current = rollout(context);
        Phase from = tableName == null ? current.phase() : current.phaseOf(tableName);
        if (from == Phase.OLD_ONLY) {
            throw new Failure(
                    "nothing to roll back: " + (tableName == null ? current.migration() : "table " + tableName)
                            + " is already at old-only, the first phase");
        }
        RolloutState next = tableName == null
                ? current.with(from.previous(), current.readNewPercent(), current.shadowPercent())
                : current.withTable(tableName, from.previous());
        change(context, current, next, tableName, author.name(), reason.strip(), false);
        return OK;
    }
}
