package io.schemashift.runtime;

import io.schemashift.catalog.ColumnType;
import io.schemashift.config.MigrationConfig;
import io.schemashift.config.Phase;
import io.schemashift.coverage.StatementCoverage;
import io.schemashift.rewriter.CascadingKey;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Rewriter;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What a tool may use of the driver beside its JDBC surface: the rewriter the driver builds for a
 * configuration (the preview of {@code schemashift rewrite}), how it compares column defaults, the
 * foreign keys whose actions it records, the collations it reads, and the driver running in this JVM,
 * for a tool that runs an application in-process (the demo). The runtime's parts (shadow executor,
 * control loop, coverage) stay behind it. Thread-safe.
 */
public final class InProcessDriver {

    private final MigrationRuntime runtime;

    private InProcessDriver(MigrationRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * The rewriter the driver uses for {@code config} on a database of {@code dialect}; {@code md}
     * supplies the old columns the file does not list ({@code null}: left unknown).
     *
     * @throws SQLException if {@code md} cannot be read
     */
    public static Rewriter rewriter(MigrationConfig config, Dialect dialect, DatabaseMetaData md) throws SQLException {
        return MigrationRuntime.rewriter(config, dialect, md);
    }

    /**
     * Like {@link #rewriter(MigrationConfig, Dialect, DatabaseMetaData)}, with a separate new
     * database's triggers, columns and foreign keys read through {@code newMd} (the same as {@code
     * md} when the new schema is in the same database), as the running driver reads them.
     *
     * @throws SQLException if the metadata cannot be read
     */
    public static Rewriter rewriter(
            MigrationConfig config, Dialect dialect, DatabaseMetaData md, DatabaseMetaData newMd) throws SQLException {
        return MigrationRuntime.rewriter(config, dialect, md, newMd);
    }

    /**
     * Whether an old column whose default the database reports as {@code oldDefault} and its new
     * column ({@code newDefault}) store the same value where an INSERT leaves them out, as the
     * driver judges it ({@code schemashift doctor} checks it before the migration); an identity
     * column ({@code oldIdentity}, {@code newIdentity}: JDBC's {@code IS_AUTOINCREMENT}) numbers
     * each side's rows on its own, and a constant the two types round apart is stored apart.
     */
    public static boolean sameDefault(
            String oldDefault,
            boolean oldIdentity,
            ColumnType oldType,
            String newDefault,
            boolean newIdentity,
            ColumnType newType) {
        return ColumnDefaults.sharedAlike(
                ColumnDefaults.compared(oldDefault, oldIdentity),
                oldType,
                ColumnDefaults.compared(newDefault, newIdentity),
                newType);
    }

    /**
     * The foreign keys of {@code config}'s mapped tables whose actions change one side's rows only,
     * read through the old side's {@code md} and the new side's {@code newMd} (the same with the new
     * schema in the same database): the driver records the writes that fire them ({@code
     * schemashift doctor} reports them).
     *
     * @throws SQLException if the metadata cannot be read
     */
    public static List<CascadingKey> cascadingKeys(
            MigrationConfig config, Dialect dialect, DatabaseMetaData md, DatabaseMetaData newMd) throws SQLException {
        return MigrationRuntime.cascadingKeys(config, dialect, md, newMd);
    }

    /**
     * The collation that orders each string column (by lower-case name) of {@code table}, as the
     * driver reads it to tell the columns each side orders its own way ({@code schemashift doctor}
     * reports them); empty on databases without per-column collations.
     *
     * @param catalog MariaDB's database, {@code null} for the connection's
     * @param schema PostgreSQL's schema, {@code null} for the connection's
     * @throws SQLException if the catalog cannot be read
     */
    public static Map<String, String> collations(
            Connection c, Dialect dialect, String catalog, String schema, String table) throws SQLException {
        return Collations.read(c, dialect, catalog, schema, table);
    }

    /**
     * The driver started in this JVM for the configuration {@code info} names (as a connection's
     * properties name it); empty when no connection has started it. Starts nothing.
     */
    public static Optional<InProcessDriver> running(Properties info) {
        return Runtimes.running(info).map(InProcessDriver::new);
    }

    /** The phase in force now. */
    public Phase phase() {
        return runtime.rollout().phase();
    }

    /**
     * Waits until the driver applies control-table version {@code version} or a later one (it reads
     * the control table every {@code control.poll}).
     *
     * @return false if it did not within {@code timeout}
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public boolean awaitVersion(long version, Duration timeout) throws InterruptedException {
        return runtime.awaitVersion(version, timeout);
    }

    /**
     * Waits until the shadow comparisons already handed to the executor have finished.
     *
     * @return false if they did not within {@code timeout}
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public boolean awaitShadowReads(Duration timeout) throws InterruptedException {
        return runtime.shadow().drain(timeout);
    }

    /** Writes the statement coverage counted so far; nothing when coverage is off. */
    public void flushCoverage() {
        StatementCoverage coverage = runtime.coverage();
        if (coverage != null) {
            coverage.flush();
        }
    }

    /** Stops the driver (control loop, shadow executor, divergence log) and forgets it. */
    public void close() {
        Runtimes.close(runtime);
    }
}
