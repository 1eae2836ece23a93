package io.schemashift.routing;

import io.schemashift.api.Side;
import io.schemashift.config.MigrationConfig;
import io.schemashift.metrics.ShiftMetrics;
import io.schemashift.mirror.DivergenceLog;
import io.schemashift.mirror.IntentLog;
import io.schemashift.mirror.NewDatabase;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.RewriteResult;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What routing needs of the migration it routes for: the configuration and the rollout in force,
 * the rewriter, and the side services (meters, divergence log, intent records, the separate new
 * side). The runtime, the composition root above, implements it; routing never reaches up to it.
 */
public interface MigrationContext {

    /** The validated configuration. */
    MigrationConfig config();

    /** The rollout in force now (a transaction keeps the one it started with). */
    MigrationConfig.Rollout rollout();

    /** The statement's rewrite for the new schema (cached). */
    RewriteResult rewrite(String sql);

    /**
     * The rewrite on a connection whose schema the application moved away from the old tables'
     * (there only names qualified with that schema are mapped tables).
     */
    RewriteResult rewriteAway(String sql);

    /**
     * MariaDB's {@code LOCK TABLES} naming a mapped table past {@code old-only}: the statement that
     * also locks what the driver uses on the application's connection (the new tables with one
     * database, the intent table); {@code null} for any other statement.
     */
    String lockTables(String sql);

    /**
     * DDL the application sent has taken effect (committed): what was read of the catalog (old
     * columns, routines, volatile functions, triggers, views, foreign keys, partitions) is read
     * again now, on the caller's thread and {@code through} the connection that sent it (a pool
     * the application drains could not lend another; {@code null}: a connection of the
     * runtime's own, for one whose names resolve elsewhere), so that the next statement is judged
     * by it.
     */
    void catalogChanged(Connection through);

    /** The schema that holds the mapped old tables, as the database stores it; {@code null} when unknown. */
    String oldSchema();

    ShiftMetrics metrics();

    DivergenceLog divergences();

    /** The intent records of transactions with rows not safe yet; {@code null} when off. */
    IntentLog intents();

    /** The separate new-side database; {@code null} when the new schema is in the same database. */
    NewDatabase newDatabase();

    /**
     * Whether every part of both sides' catalogs (triggers, column defaults, foreign keys, routines…)
     * has been read since the driver started; until it is (a separate new database was down, a
     * catalog table not readable), what would part the sides is not known, and a mirrored write is
     * recorded too.
     */
    boolean catalogRead();

    /**
     * Changes whenever the catalog changed what statements are rewritten to (a trigger, routine or
     * foreign key read since): a statement prepared under another version is rewritten again before
     * it runs, so that it is judged by what the catalog says now.
     */
    int rewriterVersion();

    Dialect dialect();

    /** The mapping the current rewriter holds, with what the catalog told of each table. */
    Mapping mapping();

    /** See {@code MigrationContext#autoIncrementStep()}: 0 when multi-row keys cannot be inferred. */
    long autoIncrementStep();

    /**
     * Whether the user may read mapped table {@code table} (its lower-case old name) on {@code side}
     * (asked on PostgreSQL, where a write's generated keys come back only to a user that may).
     */
    boolean mayRead(String table, Side side);

    /** Whether writes to mapped tables may run (false while the fleet's rollout is unknown). */
    boolean writesAllowed();

    /** The error of a write to {@code table} while {@link #writesAllowed()} is false. */
    SQLException writesRefused(String table);
}
