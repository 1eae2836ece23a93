package io.schemashift.shadow;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The primary rows of one shadowed read, captured on the application's thread as it iterates: each row is taken
 * (every column, with {@code getObject}) when the application moves past it, so nothing is queried twice and no row
 * the application did not reach is read. When the application reaches the end, or closes the result set, the rows
 * are handed to the shadow executor. Nothing here ever fails or delays the application beyond reading the row it is
 * on; a capture that cannot finish is counted as skipped. Not thread-safe, like the result set.
 */
public final class ShadowCapture {
    private final ShadowRead read;
    private final List<String> labels;
    private final List<Object[]> rows = new ArrayList<>();
    private boolean onRow;
    private boolean done;

    ShadowCapture(ShadowRead read, List<String> labels) {
        this.read = read;
        this.labels = labels;
    }

    /**
     * The application's {@code next()}: takes the row it leaves, then moves {@code rs}.
     *
     * @throws SQLException the result set's own exception, unchanged
     */
    public boolean next(ResultSet rs) throws SQLException {
        if (done) {
            return rs.next();
        }
        if (onRow) {
            take(rs);
        }
        boolean more;
        try {
            more = rs.next();
        } catch (SQLException | RuntimeException e) {
            abandon(SkipReason.PRIMARY_FAILED);
            throw e;
        }
        onRow = more;
        if (!more && !done) {
            complete();
        }
        return more;
    }

    /**
     * The application closes {@code rs} (or its statement): takes the row it is on and, if that was the last row,
     * hands the rows over; a read left before its end is not compared. Never throws.
     */
    public void finish(ResultSet rs) {
        if (done) {
            return;
        }
        try {
            if (onRow) {
                take(rs);
            }
            if (!done) {
                if (rs.next()) {
                    abandon(SkipReason.PARTIAL_READ);
                } else {
                    complete();
                }
            }
        } catch (SQLException | RuntimeException e) {
            abandon(SkipReason.PARTIAL_READ);
        }
    }

    private void take(ResultSet rs) {
        if (rows.size() >= read.maxRows()) {
            done = true;
            rows.clear();
            read.counted(ShadowOutcome.TRUNCATED);
            return;
        }
        try {
            rows.add(Rows.row(rs, labels.size()));
        } catch (SQLException | RuntimeException e) {
            abandon(SkipReason.CAPTURE_FAILED);
        }
    }

    private void abandon(SkipReason reason) {
        if (!done) {
            done = true;
            rows.clear();
            read.skipped(reason);
        }
    }

    private void complete() {
        done = true;
        read.reads.submit(new ShadowJob(read, labels, rows), read);
    }
}
