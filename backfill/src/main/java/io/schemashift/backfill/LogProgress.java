package io.schemashift.backfill;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Progress as log lines, for runs without a terminal (CI, cron, kubectl logs). */
final class LogProgress implements ProgressListener {

    private static final Logger LOG = LoggerFactory.getLogger(LogProgress.class);

    private final long intervalNanos;
    private String task;
    private long estimate;
    private long startNanos;
    private long lastLogNanos;

    LogProgress(long intervalMillis) {
        this.intervalNanos = intervalMillis * 1_000_000;
    }

    @Override
    public void started(String task, String table, long estimatedRows) {
        this.task = task;
        this.estimate = estimatedRows;
        this.startNanos = System.nanoTime();
        this.lastLogNanos = startNanos;
        LOG.info("{} {}: started, about {} rows", task, table, estimatedRows);
    }

    @Override
    public void advanced(String table, long rowsDone, long batchRows) {
        long now = System.nanoTime();
        if (now - lastLogNanos >= intervalNanos) {
            lastLogNanos = now;
            double rate = rowsDone / Math.max(1e-9, (now - startNanos) / 1e9);
            long etaSeconds = estimate > rowsDone && rate > 0 ? (long) ((estimate - rowsDone) / rate) : 0;
            LOG.info(
                    "{} {}: {} of about {} rows, {} rows/s, ETA {}s",
                    task,
                    table,
                    rowsDone,
                    estimate,
                    Math.round(rate),
                    etaSeconds);
        }
    }

    @Override
    public void finished(String table, long rowsDone) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        LOG.info(
                "{} {}: done, {} rows in {}s ({} rows/s)",
                task,
                table,
                rowsDone,
                String.format("%.1f", seconds),
                Math.round(rowsDone / Math.max(seconds, 1e-9)));
    }
}
