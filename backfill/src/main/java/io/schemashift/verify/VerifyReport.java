package io.schemashift.verify;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of comparing one table's old and new sides. Immutable.
 *
 * @param table the old table name
 * @param oldRows rows checked on the old side
 * @param newRows rows checked on the new side
 * @param chunks key-range chunks compared (0 for a check of given keys)
 * @param chunksDiffering chunks whose checksums differed
 * @param differences rows that differ, missing or extra: the number that matters (non-zero
 *     means the sides are not equal)
 * @param rows the differing rows, at most the verifier's {@code maxReported}
 * @param elapsed wall time
 */
public record VerifyReport(
        String table,
        long oldRows,
        long newRows,
        long chunks,
        long chunksDiffering,
        long differences,
        List<RowDifference> rows,
        Duration elapsed) {

    public VerifyReport {
        rows = List.copyOf(rows);
    }

    /** Whether the sides are equal. */
    public boolean clean() {
        return differences == 0;
    }

    /** Whether more rows differ than {@link #rows()} lists. */
    public boolean truncated() {
        return differences > rows.size();
    }

    /** Just the keys of the listed rows. */
    public List<String> keys() {
        return rows.stream().map(RowDifference::key).toList();
    }
}
