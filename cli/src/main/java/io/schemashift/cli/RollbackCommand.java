package io.schemashift.cli;

import io.schemashift.config.Phase;
import io.schemashift.control.RolloutState;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** One phase back: no guard rail, except the key handover when the primary moves back. */
@Command(
        name = "rollback",
        mixinStandardHelpOptions = true,
        description = {
            "Moves the migration (or, with --table, one table) one phase back. Percentages are kept. No guard"
                    + " rail applies, except one when the primary moves back (new-primary to read-new): the old"
                    + " side's key generator must be past the largest key on both sides ('schemashift keys sync"
                    + " --to old'), which --force overrides.",
            "Fails when the phase is already old-only. --wait blocks until every live instance applies the"
                    + " change (exit 7 on --timeout)."
        })
final class RollbackCommand extends MoveCommand {

    @Option(names = "--table", paramLabel = "<table>", description = "Roll back this (old) table's phase only.")
    String table;

    @Override
    int run(Context context) throws Exception {
        reason();
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
        List<String> moving = movingTables(context, current, tableName);
        return move(context, current, next, tableName, HandoverGuard.evaluate(context, current, next, moving), false);
    }
}
