package io.schemashift.backfill.internal;

import io.schemashift.backfill.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls a listener so that its failures never reach the run: logged once, then dropped. */
public final class SafeProgress implements ProgressListener {

    private static final Logger LOG = LoggerFactory.getLogger(SafeProgress.class);

    private final ProgressListener delegate;
    private boolean logged;

    public SafeProgress(ProgressListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void started(String task, String table, long estimatedRows) {
        try {
            delegate.started(task, table, estimatedRows);
        } catch (RuntimeException e) {
            failed(table, e);
        }
    }

    @Override
    public void advanced(String table, long rowsDone, long batchRows) {
        try {
            delegate.advanced(table, rowsDone, batchRows);
        } catch (RuntimeException e) {
            failed(table, e);
        }
    }

    @Override
    public void finished(String table, long rowsDone) {
        try {
            delegate.finished(table, rowsDone);
        } catch (RuntimeException e) {
            failed(table, e);
        }
    }

    private void failed(String table, RuntimeException e) {
        if (!logged) {
            logged = true;
            LOG.warn("progress listener failed on table {}; further failures are dropped silently", table, e);
        }
    }
}
