package io.schemashift.backfill;

import java.util.Locale;
import java.util.function.Consumer;

/** Progress as plain lines, for runs without a terminal (CI, cron, kubectl logs). */
final class LineProgress implements ProgressListener {

    private final Consumer<String> sink;
    private final long intervalNanos;
    private String task;
    private long estimate;
    private long startNanos;
    private long lastLineNanos;

    LineProgress(Consumer<String> sink, long intervalMillis) {
        this.sink = sink;
        this.intervalNanos = intervalMillis * 1_000_000;
    }

    @Override
    public void started(String task, String table, long estimatedRows) {
        this.task = task;
        this.estimate = estimatedRows;
        this.startNanos = System.nanoTime();
        this.lastLineNanos = startNanos;
        sink.accept(task + " " + table + ": started, about " + estimatedRows + " rows");
    }

    @Override
    public void advanced(String table, long rowsDone, long batchRows) {
        long now = System.nanoTime();
        if (now - lastLineNanos >= intervalNanos) {
            lastLineNanos = now;
            double rate = rowsDone / Math.max(1e-9, (now - startNanos) / 1e9);
            long etaSeconds = estimate > rowsDone && rate > 0 ? (long) ((estimate - rowsDone) / rate) : 0;
            sink.accept(task + " " + table + ": " + rowsDone + " of about " + estimate + " rows, " + Math.round(rate)
                    + " rows/s, ETA " + etaSeconds + "s");
        }
    }

    @Override
    public void finished(String table, long rowsDone) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        sink.accept(task + " " + table + ": done, " + rowsDone + " rows in "
                + String.format(Locale.ROOT, "%.1f", seconds) + "s ("
                + Math.round(rowsDone / Math.max(seconds, 1e-9)) + " rows/s)");
    }
}
