package io.schemashift.coverage;

import io.schemashift.api.Side;
import io.schemashift.config.Phase;
import io.schemashift.mirror.DivergenceReason;
import io.schemashift.rewriter.KeyedMirror;
import io.schemashift.rewriter.NonDeterminism;
import io.schemashift.rewriter.ParamSource;
import io.schemashift.rewriter.Refused;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.SideStatement;
import io.schemashift.rewriter.StatementKind;
import io.schemashift.routing.Plan;
import io.schemashift.routing.Routing;
import io.schemashift.routing.Session;
import io.schemashift.shadow.ShadowReads;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the driver does with one rewritten statement in each phase, as pure functions of the
 * rewriter's result and the driver's routing table ({@link Routing#plan}): the verdict, and which
 * SQL runs on which side with which parameters. Shared by the statement coverage the driver
 * records and by {@code schemashift rewrite}, so that the preview cannot drift from the driver.
 *
 * <p>In {@code read-new} a read is shown for a transaction picked to read from the new side (the
 * other transactions read the old side, as in {@code shadow-read}); locking reads and reads the
 * new side would narrow stay on the old side, as in the driver, and are not compared.
 */
public final class Preview {

    private Preview() {}

    /** How a side takes part in one execution. */
    public enum Role {
        /** Its result is what the application sees. */
        PRIMARY,
        /** A write copied to it after the primary. */
        MIRROR,
        /** A read also run there and compared, off the application's thread ({@code shadowPercent}). */
        SHADOW;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One statement run on one side.
     *
     * @param sql the text sent to that side
     * @param params where each {@code ?} of {@code sql} takes its value from; {@code null}: the
     *     application's own parameters, unchanged
     */
    public record Run(Side side, Role role, String sql, List<ParamSource> params) {}

    /**
     * The outcome in one phase.
     *
     * @param reason why the statement is refused or not mirrored, or why it is recorded though
     *     mirrored ({@code mirror_picked_by_other_rows}…); {@code null} when none of these
     */
    public record Step(Phase phase, Verdict verdict, String reason, List<Run> runs) {}

    /**
     * The verdict of {@code result} in every phase, in phase order; {@code sql} is the application's
     * text; {@code separate}: the new schema is in a separate database ({@code new.url}).
     */
    public static Map<Phase, Step> of(RewriteResult result, String sql, boolean separate) {
        Map<Phase, Step> steps = new EnumMap<>(Phase.class);
        for (Phase phase : Phase.values()) {
            steps.put(phase, step(result, sql, phase, separate));
        }
        return steps;
    }

    /** The verdicts alone, in phase order (what the coverage records for a shape). */
    public static Verdict[] verdicts(RewriteResult result, boolean separate) {
        Verdict[] verdicts = new Verdict[Phase.values().length];
        for (Phase phase : Phase.values()) {
            verdicts[phase.ordinal()] = step(result, null, phase, separate).verdict();
        }
        return verdicts;
    }

    /**
     * Why the statement is refused or its writes are not mirrored: the refusal reason ({@code
     * unparseable}…) or the non-determinism ({@code nondeterministic_sequence}…); {@code null} otherwise.
     */
    public static String reason(RewriteResult result, boolean separate) {
        if (result instanceof Refused r) {
            return r.reason().name().toLowerCase(Locale.ROOT);
        }
        if (result instanceof Rewritten rw && !rw.nondeterminism().isEmpty()) {
            // a read is not compared
            NonDeterminism first = rw.kind().isWrite()
                    ? rw.unmirrorable(separate, rw.keyedMirror() != null)
                    : ShadowReads.differing(rw, separate);
            return first == null ? null : "nondeterministic_" + first.name().toLowerCase(Locale.ROOT);
        }
        return null;
    }

    private static Step step(RewriteResult result, String sql, Phase phase, boolean separate) {
        StatementKind kind = result.kind();
        String reason = reason(result, separate);
        if (result.tables().isEmpty() || phase == Phase.OLD_ONLY) {
            return new Step(phase, Verdict.PASS_THROUGH, null, List.of(original(sql)));
        }
        if (!(result instanceof Rewritten rw)) {
            if (Session.failsWhereNewHoldsTheTruth(result, phase, phase == Phase.NEW_PRIMARY, separate)) {
                return new Step(phase, Verdict.FAILS, reason, List.of());
            }
            // DDL that changes the old table runs there and is recorded, as a refused write is
            boolean recorded = kind.isWrite()
                    || Session.recordedInEveryPhase(result)
                    || (kind == StatementKind.DDL && Session.changesRows(result));
            if (!recorded && kind != StatementKind.SELECT) {
                return new Step(phase, Verdict.PASS_THROUGH, reason, List.of(original(sql))); // DDL: where it was sent
            }
            return new Step(phase, recorded ? Verdict.RECORDED : Verdict.REFUSED, reason, List.of(original(sql)));
        }
        // a write to an unmapped table runs once
        Plan plan = rw.writesUnmapped()
                ? Routing.unmappedTarget(phase, separate)
                : Routing.plan(phase, kind, Session.mayReadNew(rw));
        if (plan == null) {
            return new Step(
                    phase, Verdict.FAILS, DivergenceReason.REFUSED_UNSUPPORTED_CONSTRUCT.refusalTag(), List.of());
        }
        NonDeterminism own = separate && plan.primary() == Side.NEW ? rw.ofTheApplicationsConnection() : null;
        if (own != null) { // as Session#onTheApplicationsConnection
            plan = Routing.onTheApplicationsConnection(phase, kind, rw.locksRows());
            if (plan == null) {
                return new Step(
                        phase,
                        Verdict.FAILS,
                        DivergenceReason.nondeterministic(own).tag(),
                        List.of());
            }
        }
        List<Run> runs = new ArrayList<>(2);
        SideStatement primary = primaryStatement(rw, plan);
        runs.add(new Run(plan.primary(), Role.PRIMARY, primary.sql(), primary.params()));
        Verdict verdict;
        if (plan.mirror() != null) {
            if (reason != null) {
                verdict = Verdict.RECORDED;
            } else if (rw.readBack() != null
                    && plan.primary() == Side.NEW
                    && rw.readBack().readsDropped()) {
                // copied rows the new side cannot give back: recorded by key (ReadBackRows)
                return new Step(phase, Verdict.RECORDED, "dropped_column_read", List.copyOf(runs));
            } else {
                // by the primary's generated keys, or once per row it returned by its key (KeyedMirror)
                boolean keys = !rw.generatedKeyColumns().isEmpty() || rw.keyedMirror() != null;
                runs.add(new Run(
                        plan.mirror(), Role.MIRROR, text(rw, plan.mirror(), keys), params(rw, plan.mirror(), keys)));
                return new Step(phase, Verdict.MIRRORED, recordedThoughMirrored(rw), List.copyOf(runs));
            }
        } else if (kind == StatementKind.SELECT && phase.comparesReads() && ShadowReads.compares(rw, separate)) {
            Side other = plan.primary().other();
            runs.add(new Run(other, Role.SHADOW, text(rw, other, false), params(rw, other, false)));
            verdict = Verdict.REWRITTEN;
        } else {
            verdict = plan.primary() == Side.NEW ? Verdict.REWRITTEN : Verdict.PASS_THROUGH;
        }
        return new Step(phase, verdict, verdict == Verdict.RECORDED ? reason : null, List.copyOf(runs));
    }

    /** The record a mirrored write leaves on every run ({@code mirror_read_other_rows}…), or {@code null}. */
    private static String recordedThoughMirrored(Rewritten rw) {
        NonDeterminism nd = rw.recordedThoughMirrored(rw.keyedMirror() != null);
        return nd == null ? null : DivergenceReason.nondeterministic(nd).tag();
    }

    private static Run original(String sql) {
        return new Run(Side.OLD, Role.PRIMARY, sql, null);
    }

    /**
     * The primary's statement: a claim that returns no rows, where a mirror follows, with {@code
     * RETURNING} of its key appended (as {@code Execution} runs it for a user who may read the table).
     */
    private static SideStatement primaryStatement(Rewritten rw, Plan plan) {
        KeyedMirror keyed = rw.keyedMirror();
        if (plan.mirror() != null && keyed != null && keyed.oldPrimary() != null) {
            return plan.primary() == Side.NEW ? keyed.newPrimary() : keyed.oldPrimary();
        }
        return statement(rw, plan.primary(), false);
    }

    /** The statement a side runs: as the driver's {@code Execution} picks it (with the primary's keys for a mirror). */
    private static SideStatement statement(Rewritten rw, Side side, boolean keys) {
        if (keys && rw.keyedMirror() != null) {
            return side == Side.NEW
                    ? rw.keyedMirror().newSide()
                    : rw.keyedMirror().oldSide();
        }
        if (keys) {
            return side == Side.NEW ? rw.newSideWithKeys() : rw.oldSideWithKeys();
        }
        return side == Side.NEW ? rw.newSide() : rw.oldSide();
    }

    private static String text(Rewritten rw, Side side, boolean keys) {
        return statement(rw, side, keys).sql();
    }

    private static List<ParamSource> params(Rewritten rw, Side side, boolean keys) {
        return statement(rw, side, keys).params();
    }
}
