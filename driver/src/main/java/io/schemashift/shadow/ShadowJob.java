package io.schemashift.shadow;

import io.schemashift.api.Side;
import io.schemashift.compare.ComparisonInput;
import io.schemashift.compare.ComparisonResult;
import io.schemashift.compare.Outcome;
import io.schemashift.metrics.ShiftMetrics.Leg;
import io.schemashift.mirror.Binder;
import io.schemashift.mirror.SqlErrors;
import io.schemashift.rewriter.SideStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One comparison, on a shadow executor thread: runs the read on the other side, compares it with the rows the
 * application read and, on a mismatch, reads both sides again on shadow connections before reporting, so that a
 * read that raced a write counts as transient, not as a mismatch.
 */
final class ShadowJob implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowJob.class);

    private final ShadowRead read;
    private final List<String> labels;
    private final List<Object[]> rows;

    ShadowJob(ShadowRead read, List<String> labels, List<Object[]> rows) {
        this.read = read;
        this.labels = labels;
        this.rows = rows;
    }

    @Override
    public void run() {
        attempt(() -> {
            ComparisonResult first = compare(new Rows.Result(labels, rows), query(read.primary.other()));
            if (first.outcome() != Outcome.MISMATCH) {
                read.counted(outcome(first));
            } else if (read.reads.connections().sameDatabase()) {
                confirmed(rereadInSnapshot());
            } else {
                Rows.Result before = query(read.primary);
                read.reads.later(() -> attempt(() -> rereadAfterSettling(before)), read);
            }
        });
    }

    @FunctionalInterface
    private interface Step {
        void run() throws SQLException;
    }

    /** Runs a step of the comparison; its failure is counted as an error or a timeout, never thrown. */
    private void attempt(Step step) {
        long started = System.nanoTime();
        try {
            step.run();
        } catch (SQLException e) {
            boolean timeout = SqlErrors.isTimeout(e) || System.nanoTime() - started >= read.reads.timeoutNanos();
            read.counted(timeout ? ShadowOutcome.TIMEOUT : ShadowOutcome.ERROR);
            LOG.debug(
                    "[{}] shadow read of query {} failed: {} (SQLState {})",
                    read.reads.migration(),
                    read.rewritten.fingerprint().hash(),
                    e.getClass().getSimpleName(),
                    e.getSQLState());
        } catch (RuntimeException e) {
            read.counted(ShadowOutcome.ERROR);
            LOG.warn(
                    "[{}] shadow comparison of query {} failed: {}",
                    read.reads.migration(),
                    read.rewritten.fingerprint().hash(),
                    e.getClass().getName());
        }
    }

    /** The outcome of the re-read: agreement now makes the first mismatch transient. */
    private void confirmed(ComparisonResult again) {
        if (again.outcome() == Outcome.MATCH) {
            read.counted(ShadowOutcome.TRANSIENT);
            return;
        }
        if (again.outcome() == Outcome.MISMATCH) {
            read.reads.sink().report(read, again.mismatch().orElseThrow());
        }
        read.counted(outcome(again));
    }

    private static ShadowOutcome outcome(ComparisonResult r) {
        return switch (r.outcome()) {
            case MATCH -> ShadowOutcome.MATCH;
            case MISMATCH -> ShadowOutcome.MISMATCH;
            case TRUNCATED -> ShadowOutcome.TRUNCATED;
        };
    }

    /**
     * Both schemas in one database: a dual write changes both in one transaction, so both sides read in one
     * repeatable-read snapshot agree unless the data really differs.
     */
    private ComparisonResult rereadInSnapshot() throws SQLException {
        return read.reads
                .connections()
                .inSnapshot(c -> compare(query(c, read.primary), query(c, read.primary.other())));
    }

    /**
     * Separate databases commit one after the other, so no snapshot covers both. {@code before} was read from the
     * primary side at least the longest commit lag ago ({@link ShadowReads#later}): every write it saw has reached
     * the other side by now, unless its mirror failed (then it is a recorded divergence). The other side is read,
     * then the primary again: if the primary's rows moved in the meantime the mismatch is transient; else the
     * difference is real.
     */
    private void rereadAfterSettling(Rows.Result before) throws SQLException {
        Rows.Result other = query(read.primary.other());
        Rows.Result after = query(read.primary);
        if (compare(before, after).outcome() != Outcome.MATCH) {
            read.counted(ShadowOutcome.TRANSIENT);
            return;
        }
        confirmed(compare(after, other));
    }

    /** Runs the read on {@code side}, on a shadow connection, with the application's bound values. */
    private Rows.Result query(Side side) throws SQLException {
        return read.reads.connections().on(side, read.settings, c -> query(c, side));
    }

    private Rows.Result query(Connection c, Side side) throws SQLException {
        ShadowReads reads = read.reads;
        SideStatement sql = read.statement(side);
        long start = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement(sql.sql())) {
            ps.setQueryTimeout(reads.timeoutSeconds());
            if (read.rowLimit > 0) {
                ps.setMaxRows((int) Math.min(read.rowLimit, Integer.MAX_VALUE));
            }
            Binder.bind(ps, sql, read.params, read.now, null, 0);
            try (ResultSet rs = ps.executeQuery()) {
                return Rows.read(rs, read.maxRows());
            }
        } finally {
            reads.shift()
                    .latency(side == Side.OLD ? Leg.OLD_SHADOW : Leg.NEW_SHADOW)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Compares two results, {@code primary} first. Columns the mapping drops exist on the old side only (a
     * {@code SELECT *}): they are left out of both.
     */
    private ComparisonResult compare(Rows.Result primary, Rows.Result other) {
        Set<String> dropped = read.reads.droppedColumns(read.rewritten);
        int[] p = kept(primary.labels(), other.labels(), dropped);
        int[] o = kept(other.labels(), primary.labels(), dropped);
        return read.reads
                .comparator()
                .compare(ComparisonInput.builder()
                        .columns(pick(primary.labels(), p), pick(other.labels(), o))
                        .key(read.key())
                        .textColumns(read.reads.retypedColumns(read.rewritten))
                        .tables(read.rewritten.tables())
                        .orderBy(read.rewritten.ordered())
                        .rows(project(primary.rows(), p), project(other.rows(), o))
                        .build());
    }

    /** Indexes of {@code labels} to compare: all but dropped columns that {@code otherLabels} lacks. */
    private static int[] kept(List<String> labels, List<String> otherLabels, Set<String> dropped) {
        Set<String> others = new java.util.HashSet<>();
        for (String l : otherLabels) {
            others.add(l.toLowerCase(Locale.ROOT));
        }
        int[] keep = new int[labels.size()];
        int n = 0;
        for (int i = 0; i < labels.size(); i++) {
            String l = labels.get(i).toLowerCase(Locale.ROOT);
            if (!dropped.contains(l) || others.contains(l)) {
                keep[n++] = i;
            }
        }
        return java.util.Arrays.copyOf(keep, n);
    }

    private static List<String> pick(List<String> labels, int[] keep) {
        List<String> out = new ArrayList<>(keep.length);
        for (int i : keep) {
            out.add(labels.get(i));
        }
        return out;
    }

    private static Iterator<Object[]> project(List<Object[]> rows, int[] keep) {
        Iterator<Object[]> it = rows.iterator();
        if (rows.isEmpty() || keep.length == rows.get(0).length) {
            return it;
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Object[] next() {
                Object[] row = it.next();
                Object[] out = new Object[keep.length];
                for (int i = 0; i < keep.length; i++) {
                    out[i] = row[keep[i]];
                }
                return out;
            }
        };
    }
}
