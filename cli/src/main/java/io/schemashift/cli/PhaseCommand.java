package io.schemashift.cli;

import io.schemashift.config.Phase;
import io.schemashift.control.ControlStore;
import io.schemashift.control.InstanceBeat;
import io.schemashift.control.PhaseGuard;
import io.schemashift.control.RolloutState;
import io.schemashift.rewriter.TableMapping;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
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
            "  - the phase moves one step at a time, forward and back (old-only, dual-write, shadow-read,"
                    + " read-new, new-primary, new-only); 'rollback' is the one-step-back shortcut;",
            "  - forward (a later phase, or a higher --read-new): a --window of at least 1m; no more"
                    + " mismatches / divergences in it than --max-mismatches / --max-divergences; no instance"
                    + " reporting lost records or a logging failure;",
            "  - forward past shadow-read: at least --min-comparisons shadow comparisons ran on the live"
                    + " instances under the current rollout;",
            "  - into read-new: for each table, a completed backfill and a clean verify started after it.",
            "Percentages not given are kept. --dry-run prints the verdicts and changes nothing; --wait"
                    + " blocks until every live instance applies the change (exit 7 on --timeout)."
        })
final class PhaseCommand extends CommandBase {

    /** Exit code of {@code --wait} when not every live instance applied the change in time. */
    static final int WAIT_TIMED_OUT = 7;

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

    @Option(
            names = "--wait",
            description = "After the change, wait until every live instance's heartbeat reports the new version.")
    boolean await;

    @Option(
            names = "--timeout",
            paramLabel = "<duration>",
            defaultValue = "2m",
            converter = Converters.Window.class,
            description = "How long --wait waits (default: ${DEFAULT-VALUE}); then exit code 7.")
    Duration timeout;

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
        List<PhaseGuard.Verdict> verdicts = PhaseGuard.evaluate(
                context.store(),
                current,
                next,
                tableName,
                movingTables(context, current, tableName),
                new PhaseGuard.Limits(window, maxMismatches, maxDivergences, minComparisons),
                context.config().control().poll(),
                Instant.now());
        List<String> refusals = PhaseGuard.failures(verdicts);
        if (dryRun) {
            return dryRun(current, next, tableName, verdicts, refusals);
        }
        if (!refusals.isEmpty() && !force) {
            throw new Failure("refusing to move " + subject(current, tableName) + " from " + from + " to " + target
                    + ": " + String.join("; ", refusals) + "; fix the cause, or pass --force (recorded in the audit)");
        }
        if (!refusals.isEmpty()) {
            err().println("schemashift: warning: forced past: " + String.join("; ", refusals));
            err().flush();
        }
        RolloutState stored =
                change(context, current, next, tableName, author.name(), reason.strip(), !refusals.isEmpty());
        return await ? awaitInstances(context, stored.version()) : OK;
    }

    /** The tables whose phase this change moves: the one given, or every mapped table without an override. */
    private static List<String> movingTables(Context context, RolloutState current, String tableName) {
        if (tableName != null) {
            return List.of(tableName);
        }
        return context.config().mapping().tables().stream()
                .map(TableMapping::oldName)
                .filter(t -> !current.tablePhases().containsKey(t.toLowerCase(Locale.ROOT)))
                .toList();
    }

    private int dryRun(
            RolloutState current,
            RolloutState next,
            String tableName,
            List<PhaseGuard.Verdict> verdicts,
            List<String> refusals) {
        String what = tableName == null ? current.migration() : current.migration() + ", table " + tableName;
        out().printf("dry run, nothing changed: %s: %s -> %s%n", what, current.describe(), next.describe());
        for (PhaseGuard.Verdict v : verdicts) {
            out().println("  " + v);
        }
        String verdict = refusals.isEmpty()
                ? "allowed"
                : force ? "allowed only because of --force (audited as forced)" : "refused";
        out().println("verdict: " + verdict);
        out().flush();
        return refusals.isEmpty() || force ? OK : FAILED;
    }

    /** Waits until every live instance reports {@code version} or later; exit 7 on timeout. */
    private int awaitInstances(Context context, long version) throws Exception {
        Duration poll = context.config().control().poll();
        long deadline = System.nanoTime() + timeout.toNanos();
        ControlStore store = context.store();
        while (true) {
            Instant now = Instant.now();
            List<InstanceBeat> behind = store.instances().stream()
                    .filter(b -> !b.stale(now, poll) && b.configVersion() < version)
                    .toList();
            if (behind.isEmpty()) {
                out().printf("every live instance applies version %d%n", version);
                out().flush();
                return OK;
            }
            if (System.nanoTime() >= deadline) {
                err().println("schemashift: error: after " + Text.window(timeout) + ", " + behind.size()
                        + " live instance(s) still apply an older version than " + version + ": "
                        + behind.stream()
                                .map(b -> b.instanceId() + " (version " + b.configVersion() + ")")
                                .collect(Collectors.joining(", "))
                        + "; see 'schemashift status'");
                err().flush();
                return WAIT_TIMED_OUT;
            }
            Thread.sleep(Math.max(50, Math.min(poll.toMillis() / 2, 1_000)));
        }
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
