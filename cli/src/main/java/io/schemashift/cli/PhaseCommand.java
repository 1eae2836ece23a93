package io.schemashift.cli;

import io.schemashift.config.Phase;
import io.schemashift.control.PhaseGuard;
import io.schemashift.control.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** Moves the migration (or one table) to a phase and/or changes the percentages, behind guard rails. */
@Command(
        name = "phase",
        mixinStandardHelpOptions = true,
        description = {
            "Sets the phase of the migration (or, with --table, of one table) and the percentages.",
            "Guard rails, which --force overrides (the audit then says forced):",
            "  - the phase moves one step at a time, forward and back (old-only, dual-write, shadow-read,"
                    + " read-new, new-primary, new-only); 'rollback' is the one-step-back shortcut;",
            "  - forward (a later phase, or a higher --read-new): a --window of at least 1m; no more"
                    + " mismatches / divergences in it than --max-mismatches / --max-divergences; no instance"
                    + " reporting lost records or a logging failure;",
            "  - forward past shadow-read: at least --min-comparisons shadow comparisons ran on the live"
                    + " instances under the current rollout;",
            "  - into read-new: for each table, a completed backfill and a clean verify started after it;",
            "  - a move of the primary (into new-primary, or back to read-new): the key generator of the side"
                    + " about to generate keys is past the largest key on both sides ('schemashift keys sync').",
            "Percentages not given are kept. --dry-run prints the verdicts and changes nothing; --wait"
                    + " blocks until every live instance applies the change (exit 7 on --timeout)."
        })
final class PhaseCommand extends MoveCommand {

    @Parameters(
            index = "0",
            paramLabel = "<phase>",
            converter = Converters.PhaseName.class,
            description = "old-only, dual-write, shadow-read, read-new, new-primary or new-only.")
    Phase target;

    @Option(
            names = "--read-new",
            paramLabel = "<0-100>",
            converter = Converters.Percent.class,
            description = "Share of reads served from the new side in read-new.")
    Integer readNew;

    @Option(
            names = "--shadow",
            paramLabel = "<0-100>",
            converter = Converters.Percent.class,
            description = "Share of reads also run on the other side and compared.")
    Integer shadow;

    @Option(
            names = "--table",
            paramLabel = "<table>",
            description = "Set the phase of this (old) table only, as an override of the migration's phase.")
    String table;

    @Option(
            names = "--window",
            paramLabel = "<duration>",
            defaultValue = "15m",
            converter = Converters.Window.class,
            description = "How far back the guard rails count (default: ${DEFAULT-VALUE}; at least 1m unless --force).")
    Duration window;

    @Option(
            names = "--max-mismatches",
            paramLabel = "<n>",
            defaultValue = "0",
            converter = Converters.Count.class,
            description = "Most mismatches in the window that still allow moving forward (default: ${DEFAULT-VALUE}).")
    long maxMismatches;

    @Option(
            names = "--max-divergences",
            paramLabel = "<n>",
            defaultValue = "0",
            converter = Converters.Count.class,
            description = "Most divergences in the window that still allow moving forward (default: ${DEFAULT-VALUE}).")
    long maxDivergences;

    @Option(
            names = "--min-comparisons",
            paramLabel = "<n>",
            defaultValue = "" + PhaseGuard.DEFAULT_MIN_COMPARISONS,
            converter = Converters.Count.class,
            description = "Fewest shadow comparisons under the current rollout for a move past shadow-read"
                    + " (default: ${DEFAULT-VALUE}).")
    long minComparisons;

    @Option(names = "--dry-run", description = "Print the change and every guard's verdict; change nothing.")
    boolean dryRun;

    @Override
    int run(Context context) throws Exception {
        reason();
        String tableName = table == null ? null : table(context);
        RolloutState current = rollout(context);
        RolloutState next = tableName == null
                ? current.with(
                        target,
                        readNew == null ? current.readNewPercent() : readNew,
                        shadow == null ? current.shadowPercent() : shadow)
                : current.withTable(tableName, target);
        if (next.sameRollout(current)) {
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("migration", current.migration());
                doc.put("changed", false);
                doc.put("version", current.version());
                out().println(Json.write(doc));
            } else {
                out().printf("%s: no change, already %s%n", current.migration(), current.describe());
            }
            out().flush();
            return OK;
        }
        List<String> moving = movingTables(context, current, tableName);
        List<PhaseGuard.Verdict> verdicts = new ArrayList<>(PhaseGuard.evaluate(
                context.store(),
                current,
                next,
                tableName,
                moving,
                new PhaseGuard.Limits(window, maxMismatches, maxDivergences, minComparisons),
                context.config().control().poll(),
                Instant.now()));
        verdicts.addAll(HandoverGuard.evaluate(context, current, next, moving));
        return move(context, current, next, tableName, verdicts, dryRun);
    }

    private String table(Context context) {
        if (readNew != null || shadow != null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--read-new and --shadow apply to the whole migration, not to one table; run them without"
                            + " --table");
        }
        return mappedTable(context, table);
    }
}
