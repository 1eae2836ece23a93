package io.schemashift.cli;

import io.schemashift.config.Phase;
import io.schemashift.control.ControlStore;
import io.schemashift.control.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
            "  - forward, the phase moves exactly one step (old-only, dual-write, shadow-read, read-new,"
                    + " new-primary, new-only);",
            "  - forward (a later phase, or a higher --read-new) is refused while the mismatches or the"
                    + " divergences of the last --window are above --max-mismatches / --max-divergences.",
            "Moving back any number of steps is always allowed; 'rollback' is the one-step shortcut.",
            "Percentages not given are kept."
        })
final class PhaseCommand extends CommandBase {

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

    @Option(names = "--reason", required = true, paramLabel = "<text>", description = "Why; recorded in the audit.")
    String reason;

    @Option(names = "--force", description = "Override the guard rails; recorded in the audit.")
    boolean force;

    @Option(
            names = "--window",
            paramLabel = "<duration>",
            defaultValue = "15m",
            converter = Converters.Window.class,
            description = "How far back the guard rails count (default: ${DEFAULT-VALUE}).")
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

    @Mixin
    Author author;

    @Override
    int run(Context context) throws Exception {
        if (reason.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--reason must not be empty");
        }
        String tableName = table == null ? null : table(context);
        RolloutState current = rollout(context);
        RolloutState next = tableName == null
                ? current.with(
                        target,
                        readNew == null ? current.readNewPercent() : readNew,
                        shadow == null ? current.shadowPercent() : shadow)
                : current.withTable(tableName, target);
        if (next.sameRollout(current)) {
            out().printf("%s: no change, already %s%n", current.migration(), current.describe());
            out().flush();
            return OK;
        }
        Phase from = tableName == null ? current.phase() : current.phaseOf(tableName);
        List<String> refusals = refusals(context.store(), current, next, from);
        if (!refusals.isEmpty() && !force) {
            throw new Failure("refusing to move " + subject(current, tableName) + " from " + from + " to " + target
                    + ": " + String.join("; ", refusals) + "; fix the cause, or pass --force (recorded in the audit)");
        }
        if (!refusals.isEmpty()) {
            err().println("schemashift: warning: forced past: " + String.join("; ", refusals));
            err().flush();
        }
        change(context, current, next, tableName, author.name(), reason.strip(), !refusals.isEmpty());
        return OK;
    }

    private List<String> refusals(ControlStore store, RolloutState current, RolloutState next, Phase from)
            throws Exception {
        List<String> refusals = new ArrayList<>();
        int steps = target.ordinal() - from.ordinal();
        if (steps > 1) {
            refusals.add("phases cannot be skipped: the next phase after " + from + " is "
                    + Phase.values()[from.ordinal() + 1] + " (" + target + " is " + steps + " steps ahead)");
        }
        boolean forward = steps > 0 || (steps == 0 && next.readNewPercent() > current.readNewPercent());
        if (forward) {
            Instant since = Instant.now().minus(window);
            long mismatches = store.mismatchesSince(since);
            if (mismatches > maxMismatches) {
                refusals.add(mismatches + " mismatches in the last " + Text.window(window) + " (allowed: "
                        + maxMismatches + "; see 'schemashift mismatches')");
            }
            long divergences = store.divergencesSince(since);
            if (divergences > maxDivergences) {
                refusals.add(divergences + " divergences in the last " + Text.window(window) + " (allowed: "
                        + maxDivergences + ")");
            }
        }
        return refusals;
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

    private static String subject(RolloutState r, String table) {
        return table == null ? r.migration() : r.migration() + ", table " + table + ",";
    }
}
