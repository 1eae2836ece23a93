package io.schemashift.backfill;

import java.time.Duration;
import java.util.List;

/**
 * What one {@link Backfill#run} did. Immutable.
 *
 * @param migration the migration id
 * @param tables one result per table, in the order they ran
 * @param elapsed wall time of the whole run
 */
public record BackfillReport(String migration, List<TableResult> tables, Duration elapsed) {

    public BackfillReport {
        tables = List.copyOf(tables);
    }

    /** Rows copied in this run, over every table. */
    public long rows() {
        return tables.stream().mapToLong(TableResult::rows).sum();
    }

    /**
     * The backfill of one table.
     *
     * @param table the old table name
     * @param rows old rows this run walked over (each one copied unless the new side had it)
     * @param batches batches committed in this run
     * @param resumedFrom rows the checkpoint said were already done when this run resumed; 0 when
     *     it started from the beginning
     * @param elapsed wall time for this table
     * @param paced time slept to keep to the rows-per-second limit
     * @param backedOff time slept because the old side's read latency rose
     * @param tableLocked batches that locked the whole source table instead of its rows (PostgreSQL,
     *     same database, while no writer held the table)
     */
    public record TableResult(
            String table,
            long rows,
            long batches,
            long resumedFrom,
            Duration elapsed,
            Duration paced,
            Duration backedOff,
            long tableLocked) {}
}
