package io.schemashift.backfill;

/**
 * Hears how a backfill or verify run advances, table by table. Callbacks arrive on the running
 * thread; keep them quick. An exception thrown by a listener is logged once and dropped: it
 * never stops the run (to stop a run, interrupt its thread).
 */
public interface ProgressListener {

    /**
     * A table starts.
     *
     * @param task {@code "backfill"} or {@code "verify"}
     * @param estimatedRows the expected row count (an estimate, possibly 0 when unknown)
     */
    default void started(String task, String table, long estimatedRows) {}

    /** A batch (backfill) or chunk (verify) of {@code batchRows} rows is done. */
    default void advanced(String table, long rowsDone, long batchRows) {}

    /** The table is done. */
    default void finished(String table, long rowsDone) {}

    /** A listener that ignores everything. */
    static ProgressListener none() {
        return new ProgressListener() {};
    }

    /**
     * A progress bar with rows, rate and ETA when a terminal is attached ({@code System.console()}
     * is not null), otherwise an SLF4J log line every 10 seconds and at the end of each table.
     */
    static ProgressListener console() {
        return System.console() != null ? new BarProgress() : new LogProgress(10_000);
    }

    /** Log lines only: one every {@code intervalMillis} per table, and one at its end. */
    static ProgressListener logging(long intervalMillis) {
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("log interval must not be negative");
        }
        return new LogProgress(intervalMillis);
    }
}
