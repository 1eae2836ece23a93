package io.schemashift.backfill;

import java.util.function.Consumer;

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
     * is not null), otherwise a plain line to {@code lines} at the start of each table, every 10
     * seconds and at its end.
     */
    static ProgressListener console(Consumer<String> lines) {
        return System.console() != null ? new BarProgress() : lines(lines, 10_000);
    }

    /** Plain lines only: one when a table starts, one every {@code intervalMillis}, one at its end. */
    static ProgressListener lines(Consumer<String> sink, long intervalMillis) {
        if (sink == null || intervalMillis < 0) {
            throw new IllegalArgumentException("progress lines need a sink and an interval of 0 ms or more");
        }
        return new LineProgress(sink, intervalMillis);
    }
}
