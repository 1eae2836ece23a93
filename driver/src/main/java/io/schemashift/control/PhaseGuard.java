package io.schemashift.control;

import io.schemashift.config.Phase;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The guard rails of a change of rollout, with the evidence from the control store: every check
 * and its verdict, so that {@code schemashift phase} can refuse, {@code --force} can override (the
 * audit then says forced) and {@code --dry-run} can print them. Stateless; thread-safe.
 *
 * <p>Every change obeys {@link Transitions} (one step at a time, forward and back). A forward
 * change (a later phase, or a higher read-new percentage) also needs: a window of at least {@link
 * #MIN_WINDOW}; no more mismatches and divergences in it than allowed; no instance that beat in it
 * reporting lost records or a logging failure. Past {@code shadow-read}, the live instances on the
 * current version must have run at least the minimum number of comparisons; into {@code read-new},
 * each table needs a completed backfill and a clean verify that started after it.
 */
public final class PhaseGuard {

    /** The shortest window a forward guard counts over; shorter is refused unless forced. */
    public static final Duration MIN_WINDOW = Duration.ofMinutes(1);
    /** Comparisons that must have run under the current rollout before a move past shadow-read. */
    public static final long DEFAULT_MIN_COMPARISONS = 100;

    private PhaseGuard() {}

    /**
     * How strict the forward guards are.
     *
     * @param window how far back mismatches, divergences and instance reports count
     * @param minComparisons comparisons needed before a move past shadow-read
     */
    public record Limits(Duration window, long maxMismatches, long maxDivergences, long minComparisons) {}

    /** One check and its outcome; {@code detail} says what was found (and, failed, what is allowed). */
    public record Verdict(String check, boolean passed, String detail) {

        @Override
        public String toString() {
            return (passed ? "pass " : "FAIL ") + check + ": " + detail;
        }
    }

    /**
     * Evaluates the change from {@code current} to {@code next}.
     *
     * @param table the table whose override changes, or {@code null} for the whole migration
     * @param tables the (old) tables whose phase changes with it: {@code table}, or every mapped
     *     table without an override
     * @param poll {@code control.poll}: an instance is live while its beat is younger than 3 polls
     * @throws SQLException if the evidence cannot be read (a missing table or column: run init)
     */
    public static List<Verdict> evaluate(
            ControlStore store,
            RolloutState current,
            RolloutState next,
            String table,
            List<String> tables,
            Limits limits,
            Duration poll,
            Instant now)
            throws SQLException {
        Phase from = table == null ? current.phase() : current.phaseOf(table);
        Phase to = table == null ? next.phase() : next.phaseOf(table);
        List<Verdict> verdicts = new ArrayList<>();
        Optional<String> step = Transitions.refusal(from, to);
        verdicts.add(new Verdict("one step", step.isEmpty(), step.orElse(from + " -> " + to)));
        boolean forward =
                to.ordinal() > from.ordinal() || (to == from && next.readNewPercent() > current.readNewPercent());
        if (!forward) {
            return verdicts;
        }
        Duration window = limits.window();
        String inWindow = " in the last " + text(window);
        verdicts.add(new Verdict(
                "window",
                window.compareTo(MIN_WINDOW) >= 0,
                window.compareTo(MIN_WINDOW) >= 0
                        ? text(window)
                        : "--window " + text(window) + " is too short to show anything (allowed: at least "
                                + text(MIN_WINDOW) + ")"));
        Instant since = now.minus(window);
        long mismatches = store.mismatchesSince(since);
        verdicts.add(new Verdict(
                "mismatches",
                mismatches <= limits.maxMismatches(),
                mismatches + " mismatches" + inWindow + " (allowed: " + limits.maxMismatches()
                        + "; see 'schemashift mismatches')"));
        long divergences = store.divergencesSince(since);
        verdicts.add(new Verdict(
                "divergences",
                divergences <= limits.maxDivergences(),
                divergences + " divergences" + inWindow + " (allowed: " + limits.maxDivergences() + ")"));
        List<InstanceBeat> beats = store.instances();
        List<String> incomplete = beats.stream()
                .filter(b -> !b.lastBeat().isBefore(since) || !b.stale(now, poll))
                .filter(InstanceBeat::evidenceIncomplete)
                .map(b -> b.instanceId() + " (" + b.lostRecords() + " lost"
                        + (b.logFailure() == null ? "" : ", " + b.logFailure()) + ")")
                .toList();
        verdicts.add(new Verdict(
                "records complete",
                incomplete.isEmpty(),
                incomplete.isEmpty()
                        ? "no instance reports lost records or a logging failure" + inWindow
                        : "instances report lost divergence/mismatch records or cannot write them: "
                                + String.join(", ", incomplete)
                                + " (fix the table or grants, run a full 'schemashift verify', restart them)"));
        if (to.ordinal() > Phase.SHADOW_READ.ordinal()) {
            List<InstanceBeat> live = beats.stream()
                    .filter(b -> !b.stale(now, poll) && b.configVersion() == current.version())
                    .toList();
            long comparisons =
                    live.stream().mapToLong(InstanceBeat::comparisons).sum();
            verdicts.add(new Verdict(
                    "comparisons",
                    comparisons >= limits.minComparisons(),
                    comparisons + " shadow comparisons ran on " + live.size() + " live instance(s) under version "
                            + current.version() + " (needed: " + limits.minComparisons()
                            + "; raise --shadow in " + from + " and wait)"));
        }
        if (from.ordinal() < Phase.READ_NEW.ordinal() && to.ordinal() >= Phase.READ_NEW.ordinal()) {
            for (String t : tables) {
                verdicts.add(backfilledAndVerified(store, t));
            }
        }
        return verdicts;
    }

    /** What each failed verdict found, one line each. */
    public static List<String> failures(List<Verdict> verdicts) {
        return verdicts.stream().filter(v -> !v.passed()).map(Verdict::detail).collect(Collectors.toList());
    }

    private static Verdict backfilledAndVerified(ControlStore store, String table) throws SQLException {
        String check = "backfill and verify of " + table;
        List<Run> backfills = store.lastRuns(Run.Kind.BACKFILL, table, 1);
        if (backfills.isEmpty() || backfills.get(0).outcome() != Run.Outcome.COMPLETED) {
            return new Verdict(
                    check,
                    false,
                    backfills.isEmpty()
                            ? table + ": no backfill recorded (run 'schemashift backfill --table " + table + "')"
                            : table + ": the last backfill "
                                    + backfills.get(0).outcome().text() + " at "
                                    + backfills.get(0).finished() + " (run 'schemashift backfill --table " + table
                                    + "')");
        }
        Run backfill = backfills.get(0);
        List<Run> verifies = store.lastRuns(Run.Kind.VERIFY, table, 1);
        Optional<Run> verify = verifies.stream().findFirst();
        if (verify.isEmpty()
                || verify.get().started().isBefore(backfill.finished())
                || verify.get().outcome() != Run.Outcome.CLEAN) {
            return new Verdict(
                    check,
                    false,
                    table + ": backfill completed at " + backfill.finished() + "; "
                            + verify.map(v -> "the last verify " + v.outcome().text() + ", started " + v.started())
                                    .orElse("no verify recorded")
                            + " (needed: a clean verify started after the backfill: 'schemashift verify --table "
                            + table + "')");
        }
        return new Verdict(
                check,
                true,
                "backfill completed at " + backfill.finished() + ", verify clean at "
                        + verify.get().finished());
    }

    private static String text(Duration d) {
        if (d.toMillis() % 3_600_000 == 0) {
            return d.toHours() + "h";
        }
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + "m";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }
}
