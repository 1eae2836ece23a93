package io.schemashift.compare;

import java.util.Optional;

/**
 * The result of one comparison: the outcome, the rows read from each side and, on {@link Outcome#MISMATCH}, the
 * report. Immutable and thread-safe; {@link #toString()} carries no plain value unless the values mode is
 * {@link ValuesMode#PLAIN}.
 */
public final class ComparisonResult {
    private final Outcome outcome;
    private final long primaryRows;
    private final long otherRows;
    private final MismatchReport mismatch;

    private ComparisonResult(Outcome outcome, long primaryRows, long otherRows, MismatchReport mismatch) {
        this.outcome = outcome;
        this.primaryRows = primaryRows;
        this.otherRows = otherRows;
        this.mismatch = mismatch;
    }

    static ComparisonResult match(long primaryRows, long otherRows) {
        return new ComparisonResult(Outcome.MATCH, primaryRows, otherRows, null);
    }

    static ComparisonResult truncated(long primaryRows, long otherRows) {
        return new ComparisonResult(Outcome.TRUNCATED, primaryRows, otherRows, null);
    }

    static ComparisonResult mismatch(MismatchReport report) {
        return new ComparisonResult(Outcome.MISMATCH, report.primaryRows(), report.otherRows(), report);
    }

    /** The outcome. */
    public Outcome outcome() {
        return outcome;
    }

    /** Rows read from the primary side (for {@link Outcome#TRUNCATED}: before the comparison stopped). */
    public long primaryRows() {
        return primaryRows;
    }

    /** Rows read from the other side (for {@link Outcome#TRUNCATED}: before the comparison stopped). */
    public long otherRows() {
        return otherRows;
    }

    /** The report if the outcome is {@link Outcome#MISMATCH}; else empty. */
    public Optional<MismatchReport> mismatch() {
        return Optional.ofNullable(mismatch);
    }

    /** One line: the outcome and, on mismatch, the report's summary. */
    public String summary() {
        return mismatch == null
                ? outcome + ", rows primary=" + primaryRows + " other=" + otherRows
                : outcome + ", " + mismatch.summary();
    }

    @Override
    public String toString() {
        return "ComparisonResult[" + summary() + "]";
    }
}
