package io.schemashift.shadow;

import io.schemashift.api.Side;
import io.schemashift.compare.MismatchReport;
import io.schemashift.control.ControlHealth;
import io.schemashift.control.ControlSchema;
import io.schemashift.metrics.LogThrottle;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where confirmed mismatches go: one row each in {@code report.mismatchTable} on the application's database
 * (created by {@code schemashift init}: the driver runs no DDL), and a log line at most every 10 seconds. Both carry
 * the table, the query shape, the keys and columns as the report shows them: values only as {@code report.values}
 * allows. Runs on shadow executor threads. A report that cannot be written is lost: counted ({@code
 * schemashift.shadow.reports{result=failed}}, {@code schemashift.control.failures}), reported in the heartbeat (so
 * that the phase guards refuse), and logged as one ERROR line per failing streak. Thread-safe.
 */
final class MismatchSink {
    private static final Logger LOG = LoggerFactory.getLogger(MismatchSink.class);

    private final String migration;
    private final String table;
    private final SideConnections connections;
    private final ShadowMetrics metrics;
    private final LogThrottle logThrottle = new LogThrottle(Duration.ofSeconds(10));
    private final LogThrottle errorThrottle = new LogThrottle(Duration.ofMinutes(5));

    MismatchSink(String migration, String table, SideConnections connections, ShadowMetrics metrics) {
        this.migration = migration;
        this.table = table;
        this.connections = connections;
        this.metrics = metrics;
    }

    void report(ShadowRead read, MismatchReport report) {
        long events = logThrottle.event();
        if (events > 0) {
            LOG.warn(
                    "[{}] shadow read mismatch: {} in the last 10s; latest on table {}, query {}: {}; see table {}"
                            + " or 'schemashift mismatches'",
                    migration,
                    events,
                    read.table,
                    read.rewritten.fingerprint().hash(),
                    report.summary(),
                    table);
        }
        try {
            connections.on(Side.OLD, c -> {
                try (PreparedStatement ps = c.prepareStatement(ControlSchema.insertMismatch(table))) {
                    ps.setString(1, migration);
                    ps.setString(2, read.table);
                    ps.setString(3, read.rewritten.fingerprint().hash());
                    ps.setString(4, cut(read.rewritten.fingerprint().text(), 2000));
                    ps.setString(5, "mismatch");
                    ps.setString(
                            6,
                            report.samples().isEmpty()
                                    ? null
                                    : cut(report.samples().get(0).key(), ControlSchema.KEY_TEXT_MAX));
                    ps.setString(
                            7,
                            report.columnDifferences().isEmpty()
                                    ? null
                                    : cut(
                                            String.join(
                                                    ",",
                                                    new TreeSet<>(report.columnDifferences()
                                                            .keySet())),
                                            1000));
                    ps.setString(8, cut(report.summary(), 4000));
                    ps.setObject(9, ControlSchema.timestamp(Instant.now()));
                    ps.executeUpdate();
                }
                return null;
            });
            metrics.report(true);
            if (metrics.health().recovered(ControlHealth.Operation.MISMATCH_WRITE)) {
                LOG.info("[{}] mismatch reports are written to table {} again", migration, table);
            }
        } catch (SQLException e) {
            failed(ControlHealth.classify(e), e.getSQLState(), e);
        } catch (RuntimeException e) {
            failed(ControlHealth.Kind.OTHER, "-", e);
        }
    }

    private void failed(ControlHealth.Kind kind, String sqlState, Exception e) {
        metrics.report(false);
        ControlHealth health = metrics.health();
        health.lost(1);
        boolean due = errorThrottle.event() > 0;
        if (health.failed(ControlHealth.Operation.MISMATCH_WRITE, kind) || due) {
            // Not the message: drivers put bound values into it.
            LOG.error(
                    "[{}] cannot write mismatch reports to table {}: {} (SQLState {}, {}); reports are lost until"
                            + " it can, phase guards refuse meanwhile; {}",
                    migration,
                    table,
                    kind.text(),
                    sqlState,
                    e.getClass().getSimpleName(),
                    kind.hint());
        }
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
