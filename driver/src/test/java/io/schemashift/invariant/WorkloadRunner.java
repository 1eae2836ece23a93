package io.schemashift.invariant;

import io.schemashift.invariant.InvariantChecker.Snapshot;
import io.schemashift.invariant.InvariantChecker.Violation;
import io.schemashift.invariant.Step.Effect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a workload of {@link Step}s through SchemaShift and checks the invariant after every
 * auto-commit statement, at every transaction end, and once more at the end of the run. After
 * each check the sides are repaired ({@link InvariantChecker#repair}), so each statement is checked
 * from equal sides and gets the blame for what it did.
 *
 * <p>Inside a transaction the other connections cannot see the work, so statements are checked
 * together when the transaction ends: a commit like one statement, a rollback (or a failed commit)
 * as "nothing changed since the transaction began".
 */
final class WorkloadRunner {

    /** The outcome of a run: what broke, and each step with what the application got. */
    record Result(List<Violation> violations, List<String> log, List<Outcome> outcomes) {}

    /** One step and what the application got: a description, or the exception. */
    record Outcome(Step step, String got, Throwable error) {
        boolean failed() {
            return error != null;
        }
    }

    private enum Mode {
        AUTO,
        /** Auto-commit off: every commit or rollback begins the next transaction. */
        MANUAL,
        /** {@code BEGIN} sent as SQL: back to auto-commit at COMMIT or ROLLBACK. */
        ONE_SHOT
    }

    private final InvariantMigration m;
    private final InvariantChecker checker;
    private final List<Violation> violations = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final List<Outcome> outcomes = new ArrayList<>();
    private Mode mode = Mode.AUTO;
    /** The state the end-of-run check starts from: the last repair. */
    private Snapshot baseline;
    /** Both sides as last read, while nothing else writes (auto-commit, between steps). */
    private Snapshot current;

    private Snapshot begin;
    private int beginIndex;

    private WorkloadRunner(InvariantMigration m, InvariantChecker checker) {
        this.m = m;
        this.checker = checker;
    }

    /**
     * Runs {@code steps} on a new SchemaShift connection and checks the invariant throughout;
     * {@code report}: print one {@code INVARIANT|…} line per violation (for summary tables).
     */
    static Result run(InvariantMigration m, List<Step> steps, boolean report) throws Exception {
        try (InvariantChecker checker = new InvariantChecker(m)) {
            return new WorkloadRunner(m, checker).runAll(steps, report);
        }
    }

    private Result runAll(List<Step> steps, boolean report) throws Exception {
        baseline = checker.snapshot();
        current = baseline;
        Step.Context ctx = new Step.Context();
        try (Connection c = m.connect()) {
            for (Step step : steps) {
                run(c, ctx, step);
            }
            if (mode != Mode.AUTO) {
                run(c, ctx, Step.rollback());
                if (mode != Mode.AUTO) {
                    run(c, ctx, Step.manualEnd());
                }
            }
        }
        Snapshot end = checker.snapshot();
        violations.addAll(checker.checkSides("end of the run", baseline, end));
        violations.addAll(checker.checkOtherSchema("end of the run", ctx.otherExpected));
        for (Violation v : report ? violations : List.<Violation>of()) {
            // One line per breach, for the summary tables in the report (grep INVARIANT|).
            System.out.println("INVARIANT|" + m.kind + "|" + (m.separate ? "separate" : "same") + "|" + m.phase + "|"
                    + v.where().replaceAll("^\\d+\\. ", "") + "|" + v.breach());
        }
        return new Result(List.copyOf(violations), List.copyOf(log), List.copyOf(outcomes));
    }

    private void run(Connection c, Step.Context ctx, Step step) throws Exception {
        Snapshot before = mode == Mode.AUTO && isWrite(step) ? current : null;
        long started = System.nanoTime();
        Outcome outcome = execute(c, ctx, step);
        long millis = (System.nanoTime() - started) / 1_000_000;
        outcomes.add(outcome);
        int index = log.size() + 1;
        String where = index + ". " + step.label() + ": " + step.shownSql();
        log.add(step.label() + ": " + step.shownSql() + "  →  " + describe(outcome) + " (" + millis + " ms)");
        if (outcome.error() != null && !(outcome.error() instanceof SQLException)) {
            violations.add(new Violation(
                    InvariantChecker.Breach.NOT_AN_SQL_EXCEPTION,
                    where,
                    java.util.Set.of(),
                    outcome.error().toString()));
        } else if (outcome.error() instanceof SQLException e && e.getSQLState() == null) {
            violations.add(new Violation(
                    InvariantChecker.Breach.ERROR_WITHOUT_SQLSTATE, where, java.util.Set.of(), e.toString()));
        }
        switch (step.effect()) {
            case WRITE, WRITE_PARTIAL -> {
                if (before != null) {
                    boolean strict = outcome.failed() && step.effect() == Effect.WRITE;
                    Snapshot after = checker.snapshot();
                    violations.addAll(checker.checkChange(where, before, after, strict));
                    repair(after);
                }
            }
            case MANUAL_BEGIN -> {
                if (!outcome.failed() && mode == Mode.AUTO) {
                    mode = Mode.MANUAL;
                    begin(index);
                }
            }
            case SQL_BEGIN -> {
                if (!outcome.failed() && mode == Mode.AUTO) {
                    mode = Mode.ONE_SHOT;
                    begin(index);
                }
            }
            case COMMIT, ROLLBACK, MANUAL_END -> {
                if (mode == Mode.AUTO) {
                    return;
                }
                String tx = "transaction of steps " + beginIndex + "–" + index + " (ended by " + step.label() + ")";
                Snapshot after = checker.snapshot();
                if (step.effect() == Effect.ROLLBACK || outcome.failed()) {
                    violations.addAll(checker.checkRolledBack(tx, begin, after));
                } else {
                    violations.addAll(checker.checkChange(tx, begin, after, false));
                }
                repair(after);
                boolean leaves = step.effect() == Effect.MANUAL_END ? !outcome.failed() : mode == Mode.ONE_SHOT;
                if (leaves) {
                    mode = Mode.AUTO;
                } else {
                    begin(index);
                }
            }
            case SAVEPOINT -> {
                // Checked with the transaction.
            }
        }
    }

    /** Brings the sides back together (as {@code verify --repair} would) so that each check starts clean. */
    private void repair(Snapshot after) throws Exception {
        current = checker.repair(after) ? checker.snapshot() : after;
        baseline = current;
    }

    private void begin(int index) throws SQLException {
        begin = checker.snapshot();
        beginIndex = index;
    }

    private static boolean isWrite(Step step) {
        return step.effect() == Effect.WRITE || step.effect() == Effect.WRITE_PARTIAL;
    }

    private static Outcome execute(Connection c, Step.Context ctx, Step step) {
        try {
            return new Outcome(step, step.action().run(c, ctx), null);
        } catch (SQLException | RuntimeException e) {
            return new Outcome(step, null, e);
        }
    }

    private static String describe(Outcome o) {
        if (o.error() == null) {
            return o.got();
        }
        String text = String.valueOf(o.error().getMessage());
        if (text.length() > 300) {
            text = text.substring(0, 300) + "…";
        }
        return "FAILED "
                + (o.error() instanceof SQLException e
                        ? e.getSQLState()
                        : o.error().getClass().getName()) + ": " + text.replace('\n', ' ');
    }
}
