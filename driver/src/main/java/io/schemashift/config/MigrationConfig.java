package io.schemashift.config;

import io.schemashift.api.ReportValues;
import io.schemashift.rewriter.Mapping;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A validated SchemaShift configuration file. Immutable; built only by {@link ConfigReader}, so
 * every instance has passed validation. {@code toString()} never shows a secret.
 *
 * @param source where it was read from (a path or classpath name), for messages
 * @param migration the migration id: a tag on every metric, log line and audit row
 */
public record MigrationConfig(
        String source,
        String migration,
        NewSide newSide,
        Mapping mapping,
        Rollout rollout,
        Compare compare,
        Writes writes,
        Shadow shadow,
        Control control,
        Report report,
        Coverage coverage) {

    /**
     * Where the new schema lives.
     *
     * @param url JDBC URL of a separate new-side database; {@code null}: same database, same connection
     * @param pool HikariCP settings for the new-side pool (only with {@code url})
     */
    public record NewSide(String url, String user, Secret password, String schema, Properties pool) {

        public NewSide {
            Properties copy = new Properties();
            copy.putAll(pool);
            pool = copy;
        }

        /** Whether the new schema lives in a separate database reached through its own pool. */
        public boolean separateDatabase() {
            return url != null;
        }

        @Override
        public Properties pool() {
            Properties copy = new Properties();
            copy.putAll(pool);
            return copy;
        }

        @Override
        public String toString() {
            return "NewSide[url=" + (url == null ? null : RedactedUrl.of(url)) + ", user=" + user + ", password="
                    + password + ", schema=" + schema + "]";
        }
    }

    /**
     * The part of the configuration that may change at run time (file watch or control table).
     *
     * @param tablePhases per-table phase overrides, by lower-case old table name
     * @param seed seeds the hash that picks the side of each transaction, for reproducible tests
     */
    public record Rollout(
            Phase phase,
            int readNewPercent,
            int shadowPercent,
            Stickiness stickiness,
            Map<String, Phase> tablePhases,
            long seed) {

        public Rollout {
            tablePhases = Map.copyOf(tablePhases);
        }

        /** The phase that applies to the (old, lower-case) table {@code table}. */
        public Phase phaseOf(String table) {
            return tablePhases.getOrDefault(table, phase);
        }
    }

    /** Whether a routing decision holds for a transaction or for the whole connection. */
    public enum Stickiness {
        TRANSACTION,
        CONNECTION
    }

    /** Rules of the shadow comparison. */
    public record Compare(
            List<String> ignore, String order, String timestampPrecision, int maxRows, boolean caseInsensitive) {

        public Compare {
            ignore = List.copyOf(ignore);
        }
    }

    /** What a failing mirror write does to the application's statement. */
    public enum MirrorFailurePolicy {
        /** The application proceeds; the divergence is recorded for repair. */
        RECORD,
        /** The application's statement fails. */
        FAIL
    }

    /**
     * Dual-write settings.
     *
     * @param budget the longest a mirror statement may add to the application's statement
     * @param breakerFailures consecutive mirror failures that open the circuit breaker
     * @param breakerCooldown how long an open breaker skips the new side before probing again
     * @param divergenceTable the table (on the primary database) that records divergences
     * @param intent a transaction leaves an intent record in the primary's own transaction naming
     *     the rows that are not safe yet (with a separate new database, those it mirrored; always,
     *     those of a one-sided change whose divergence records are not written yet), cleared once
     *     they are, so that a crash cannot hide a difference
     * @param intentTable the table of intent records (in both databases)
     * @param intentStaleAfter an intent older than this is taken for a transaction whose process
     *     died before it was cleared, and turned into divergence records
     */
    public record Writes(
            MirrorFailurePolicy onMirrorFailure,
            Duration budget,
            int breakerFailures,
            Duration breakerCooldown,
            String divergenceTable,
            boolean intent,
            String intentTable,
            Duration intentStaleAfter) {}

    /**
     * The shadow-read executor.
     *
     * @param threads worker threads that run shadow queries and comparisons
     * @param queue comparisons that may wait; beyond it they are dropped and counted
     * @param timeout the longest a shadow query may run
     */
    public record Shadow(int threads, int queue, Duration timeout) {}

    /**
     * The control plane.
     *
     * @param table the control table that holds the rollout for every instance, or {@code null}
     * @param poll how often the control table is read (and the heartbeat written)
     * @param catalogRefresh how often the catalog (routines, triggers, rules, views, foreign keys) is
     *     read again, to see what another client created since
     * @param heartbeatTable where each instance reports what it applies
     * @param auditTable where every change of phase or percentages is recorded
     * @param runsTable where backfill and verify record their runs, per table
     */
    public record Control(
            String table,
            Duration poll,
            Duration catalogRefresh,
            String heartbeatTable,
            String auditTable,
            String runsTable) {

        public Optional<String> controlTable() {
            return Optional.ofNullable(table);
        }
    }

    /** Where mismatch reports go, and whether they may carry values. */
    public record Report(String mismatchTable, ReportValues values) {}

    /**
     * The statement coverage the driver records (see docs/preflight.md).
     *
     * @param enabled whether the driver records statement shapes at all
     * @param maxShapes distinct shapes kept in memory; further shapes are only counted, as overflow
     * @param file a JSON file rewritten at every flush, or {@code null}
     */
    public record Coverage(boolean enabled, int maxShapes, String file) {}
}
