package io.schemashift.backfill;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** A terminal progress bar per table: rows done of the estimate, rate, ETA. */
final class BarProgress implements ProgressListener {

    private ProgressBar bar;

    @Override
    public void started(String task, String table, long estimatedRows) {
        close();
        bar = new ProgressBarBuilder()
                .setTaskName(task + " " + table)
                .setInitialMax(estimatedRows > 0 ? estimatedRows : -1)
                .setUnit(" rows", 1)
                .showSpeed()
                .setUpdateIntervalMillis(500)
                .build();
    }

    @Override
    public void advanced(String table, long rowsDone, long batchRows) {
        if (bar != null) {
            if (bar.getMax() > 0 && rowsDone > bar.getMax()) {
                bar.maxHint(rowsDone); // the estimate was low
            }
            bar.stepTo(rowsDone);
        }
    }

    @Override
    public void finished(String table, long rowsDone) {
        if (bar != null) {
            bar.maxHint(rowsDone);
            bar.stepTo(rowsDone);
        }
        close();
    }

    private void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
