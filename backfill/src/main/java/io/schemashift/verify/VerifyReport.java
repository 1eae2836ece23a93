package io.schemashift.verify;

import io.schemashift.api.Side;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

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
 * @param counts how many rows differ of each kind, all of them (not only the listed ones); a
 *     kind absent from the map counts 0
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
        Map<RowDifference.Kind, Long> counts,
        Duration elapsed) {

    public VerifyReport {
        rows = List.copyOf(rows);
        Map<RowDifference.Kind, Long> copy = new EnumMap<>(RowDifference.Kind.class);
        copy.putAll(counts);
        counts = Collections.unmodifiableMap(copy);
    }

    /** How many rows differ as {@code kind}, listed or not. */
    public long count(RowDifference.Kind kind) {
        return counts.getOrDefault(kind, 0L);
    }

    /** How many rows a repair copying from {@code from} would change on the other side, by action. */
    public Map<RepairAction, Long> plan(Side from) {
        Map<RepairAction, Long> plan = new EnumMap<>(RepairAction.class);
        for (RepairAction a : RepairAction.values()) {
            plan.put(a, 0L);
        }
        counts.forEach((kind, n) -> plan.merge(RepairAction.of(kind, from), n, Long::sum));
        return plan;
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
