package io.schemashift.compare;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How two results differ: counts of missing, extra, changed and misplaced rows, how often each column differs, and a
 * few sample rows identified by key.
 *
 * <p>Immutable and thread-safe. Keys and values appear as {@link CompareRules#values()} says: a keyed hash
 * ({@code REDACTED}), {@code ?} ({@code OMITTED}) or the value itself ({@code PLAIN}); {@code NULL} shows as
 * {@code NULL} in every mode. Neither {@link #toString()} nor {@link #summary()} carries a plain value unless the mode
 * is {@code PLAIN}.
 */
public final class MismatchReport {

    /** What is wrong with one row. */
    public enum Kind {
        /** The primary side has the row, the other side does not. */
        MISSING,
        /** The other side has the row, the primary side does not. */
        EXTRA,
        /** Both sides have a row with this key, but some columns differ. */
        CHANGED,
        /** Ordered comparison only: the sides have different rows at this position. */
        MISPLACED
    }

    /**
     * One differing column of a changed row.
     *
     * @param column the column label
     * @param primaryValue the primary side's value as {@code category:value}, e.g. {@code number:1.5} or
     *     {@code string:9f2c41d07a3be815}, or {@code NULL}
     * @param otherValue the other side's value, in the same form
     */
    public record ColumnDifference(String column, String primaryValue, String otherValue) {
        public ColumnDifference {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(primaryValue, "primaryValue");
            Objects.requireNonNull(otherValue, "otherValue");
        }
    }

    /**
     * One sample row.
     *
     * @param kind what is wrong with the row
     * @param rowIndex the row's 0-based position in its result: the primary's, or the other side's for
     *     {@link Kind#EXTRA}
     * @param key the row's key, e.g. {@code id=42}; for rows without a key, the whole row's identity
     * @param otherKey for {@link Kind#MISPLACED}, the key of the other side's row at that position; else null
     * @param columns for {@link Kind#CHANGED}, the differing columns; else empty
     */
    public record Sample(Kind kind, long rowIndex, String key, String otherKey, List<ColumnDifference> columns) {
        public Sample {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(key, "key");
            columns = List.copyOf(columns);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder()
                    .append(kind)
                    .append(" row ")
                    .append(rowIndex)
                    .append(' ')
                    .append(key);
            if (otherKey != null) {
                sb.append(" vs ").append(otherKey);
            }
            for (ColumnDifference c : columns) {
                sb.append(' ')
                        .append(c.column())
                        .append(": ")
                        .append(c.primaryValue())
                        .append(" vs ")
                        .append(c.otherValue());
            }
            return sb.toString();
        }
    }

    private final List<String> primaryColumns;
    private final List<String> otherColumns;
    private final boolean columnsDiffer;
    private final boolean ordered;
    private final long primaryRows;
    private final long otherRows;
    private final long missingRows;
    private final long extraRows;
    private final long changedRows;
    private final long misplacedRows;
    private final long firstDifferenceRow;
    private final Map<String, Long> columnDifferences;
    private final List<Sample> samples;

    MismatchReport(
            List<String> primaryColumns,
            List<String> otherColumns,
            boolean columnsDiffer,
            boolean ordered,
            long primaryRows,
            long otherRows,
            long[] counts,
            long firstDifferenceRow,
            Map<String, Long> columnDifferences,
            List<Sample> samples) {
        this.primaryColumns = List.copyOf(primaryColumns);
        this.otherColumns = List.copyOf(otherColumns);
        this.columnsDiffer = columnsDiffer;
        this.ordered = ordered;
        this.primaryRows = primaryRows;
        this.otherRows = otherRows;
        this.missingRows = counts[Kind.MISSING.ordinal()];
        this.extraRows = counts[Kind.EXTRA.ordinal()];
        this.changedRows = counts[Kind.CHANGED.ordinal()];
        this.misplacedRows = counts[Kind.MISPLACED.ordinal()];
        this.firstDifferenceRow = firstDifferenceRow;
        this.columnDifferences = Map.copyOf(columnDifferences);
        this.samples = List.copyOf(samples);
    }

    static MismatchReport columnsDiffer(List<String> primaryColumns, List<String> otherColumns) {
        return new MismatchReport(
                primaryColumns,
                otherColumns,
                true,
                false,
                0,
                0,
                new long[Kind.values().length],
                -1,
                Map.of(),
                List.of());
    }

    /** The primary side's column labels. */
    public List<String> primaryColumns() {
        return primaryColumns;
    }

    /** The other side's column labels. */
    public List<String> otherColumns() {
        return otherColumns;
    }

    /** Whether the column labels differ; then no rows were compared. */
    public boolean columnsDiffer() {
        return columnsDiffer;
    }

    /** Whether rows were compared position by position. */
    public boolean ordered() {
        return ordered;
    }

    /** Rows read from the primary side. */
    public long primaryRows() {
        return primaryRows;
    }

    /** Rows read from the other side. */
    public long otherRows() {
        return otherRows;
    }

    /** Rows the primary side has and the other side lacks. */
    public long missingRows() {
        return missingRows;
    }

    /** Rows the other side has and the primary side lacks. */
    public long extraRows() {
        return extraRows;
    }

    /** Rows present on both sides with differing columns. */
    public long changedRows() {
        return changedRows;
    }

    /** Ordered comparisons: positions at which the sides have different rows. */
    public long misplacedRows() {
        return misplacedRows;
    }

    /** Ordered comparisons: the 0-based position of the first difference; else -1. */
    public long firstDifferenceRow() {
        return firstDifferenceRow;
    }

    /** For each column that differs in a changed row, in how many rows it does; labels as the primary has them. */
    public Map<String, Long> columnDifferences() {
        return columnDifferences;
    }

    /** Up to {@link CompareRules#maxSamples()} sample rows, in the order they were found. */
    public List<Sample> samples() {
        return samples;
    }

    /** One line: what differs, how often, and the first sample. */
    public String summary() {
        if (columnsDiffer) {
            return "columns differ: primary " + primaryColumns + ", other " + otherColumns;
        }
        StringBuilder sb = new StringBuilder()
                .append(ordered ? "ordered" : "multiset")
                .append(", rows primary=")
                .append(primaryRows)
                .append(" other=")
                .append(otherRows)
                .append(": missing=")
                .append(missingRows)
                .append(" extra=")
                .append(extraRows)
                .append(" changed=")
                .append(changedRows);
        if (ordered) {
            sb.append(" misplaced=").append(misplacedRows);
            sb.append(", first difference at row ").append(firstDifferenceRow);
        }
        if (!columnDifferences.isEmpty()) {
            sb.append(", columns ").append(new TreeMap<>(columnDifferences));
        }
        if (!samples.isEmpty()) {
            sb.append(", first: ").append(samples.get(0));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "MismatchReport[" + summary() + "]";
    }
}
