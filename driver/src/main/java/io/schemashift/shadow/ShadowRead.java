package io.schemashift.shadow;

import io.schemashift.api.Side;
import io.schemashift.mirror.Params;
import io.schemashift.mirror.SessionSettings;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.SideStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;

/**
 * One read picked for comparison: the statement, the side that served the application, the application's bound
 * values (a snapshot: the application may bind again while the comparison runs) and the meter tags. Immutable.
 */
public final class ShadowRead {
    final ShadowReads reads;
    final Rewritten rewritten;
    final Side primary;
    final Params params;
    final Timestamp now;
    final String table;
    final String fingerprint;
    /** The application connection's session settings, for the shadow connections ({@code null}: one database). */
    final SessionSettings settings;
    /**
     * The row limit the application set on its statement ({@code setMaxRows}; 0: none): the shadow read and the
     * re-reads return as many rows, as a {@code LIMIT} in the text would.
     */
    final long rowLimit;

    ShadowRead(
            ShadowReads reads,
            Rewritten rewritten,
            Side primary,
            Params params,
            Timestamp now,
            String table,
            String fingerprint,
            SessionSettings settings,
            long rowLimit) {
        this.reads = reads;
        this.rewritten = rewritten;
        this.primary = primary;
        this.params = params;
        this.now = now;
        this.table = table;
        this.fingerprint = fingerprint;
        this.settings = settings;
        this.rowLimit = rowLimit;
    }

    /**
     * Starts capturing the rows the application reads from {@code rs}, the primary's result; {@code null} if this
     * result cannot be captured (the skip is counted). Never throws.
     */
    public ShadowCapture start(ResultSet rs) {
        try {
            if (rs.getType() != ResultSet.TYPE_FORWARD_ONLY) {
                skipped(SkipReason.SCROLLABLE);
                return null;
            }
            return new ShadowCapture(this, Rows.labels(rs));
        } catch (SQLException | RuntimeException e) {
            skipped(SkipReason.CAPTURE_FAILED);
            return null;
        }
    }

    /** The statement as it runs on {@code side}. */
    SideStatement statement(Side side) {
        return side == Side.OLD ? rewritten.oldSide() : rewritten.newSide();
    }

    int maxRows() {
        return reads.maxRows();
    }

    List<String> key() {
        return reads.key(rewritten);
    }

    void skipped(SkipReason reason) {
        reads.metrics().skipped(reason, table, fingerprint);
    }

    void counted(ShadowOutcome outcome) {
        reads.metrics().outcome(outcome, table, fingerprint);
    }
}
