package io.schemashift.coverage;

import io.schemashift.config.Phase;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.StatementKind;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One statement shape the driver saw on a mapped table: what it is (fixed at first sight) and
 * how often it ran in each phase. The counts are the only mutable state: {@link LongAdder}s,
 * added to by application threads and read by the flush.
 */
final class Shape {

    /** The fingerprint of the overflow entry. */
    static final String OVERFLOW = "overflow";

    final String fingerprint;
    final String tables;
    final StatementKind kind;
    final Verdict[] verdicts;
    final String reason;
    final String example;
    final Instant firstSeen;
    private final LongAdder[] counts = new LongAdder[Phase.values().length];
    /** The counts up to the last successful flush (flush thread only). */
    private final long[] flushed = new long[Phase.values().length];

    Shape(RewriteResult result, boolean separate, Instant firstSeen) {
        this(
                result.fingerprint().hash(),
                String.join(",", result.tables()),
                result.kind(),
                Preview.verdicts(result, separate),
                Preview.reason(result, separate),
                result.fingerprint().text(),
                firstSeen);
    }

    private Shape(
            String fingerprint,
            String tables,
            StatementKind kind,
            Verdict[] verdicts,
            String reason,
            String example,
            Instant firstSeen) {
        this.fingerprint = fingerprint;
        this.tables = tables;
        this.kind = kind;
        this.verdicts = verdicts;
        this.reason = reason;
        this.example = example;
        this.firstSeen = firstSeen;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** The entry that counts the executions of shapes beyond {@code coverage.maxShapes}. */
    static Shape overflow(Instant firstSeen) {
        Verdict[] unknown = new Verdict[Phase.values().length];
        java.util.Arrays.fill(unknown, Verdict.PASS_THROUGH);
        return new Shape(
                OVERFLOW,
                "",
                StatementKind.OTHER,
                unknown,
                "overflow",
                "(shapes beyond coverage.maxShapes)",
                firstSeen);
    }

    void seen(Phase phase) {
        counts[phase.ordinal()].increment();
    }

    /** The executions per phase since the last {@link #flushed(long[])}, in phase order. */
    long[] pending() {
        long[] delta = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            delta[i] = counts[i].sum() - flushed[i];
        }
        return delta;
    }

    /** Marks {@code delta} (from {@link #pending()}) as written. */
    void flushed(long[] delta) {
        for (int i = 0; i < delta.length; i++) {
            flushed[i] += delta[i];
        }
    }

    /** What this shape looks like now, counts included. */
    CoverageEntry entry(Instant lastSeen) {
        long[] total = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            total[i] = counts[i].sum();
        }
        return new CoverageEntry(
                fingerprint,
                tables,
                kind,
                List.of(verdicts),
                reason,
                example,
                CoverageEntry.counts(total),
                firstSeen,
                lastSeen);
    }
}
