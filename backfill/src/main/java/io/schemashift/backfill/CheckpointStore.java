package io.schemashift.backfill;

import io.schemashift.api.Side;
import io.schemashift.backfill.internal.Identifiers;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Where the backfill keeps its {@link Checkpoint}s. Each method gets the connection to use, so
 * that {@link #save} runs in the same transaction as the batch it records: a batch and its
 * checkpoint commit together or not at all.
 */
public interface CheckpointStore {

    /** The default table name. */
    String DEFAULT_TABLE = "schemashift_backfill_checkpoint";

    /** The side whose database holds the checkpoints. */
    Side side();

    /** Creates the storage if it does not exist yet. */
    void prepare(Connection connection) throws SQLException;

    /** The checkpoint of {@code table} in {@code migration}, if any. */
    Optional<Checkpoint> load(Connection connection, String migration, String table) throws SQLException;

    /** Writes (replaces) a checkpoint, in the connection's current transaction. */
    void save(Connection connection, Checkpoint checkpoint) throws SQLException;

    /**
     * Checkpoints in table {@value #DEFAULT_TABLE} on the given side: {@code migration, table_name,
     * last_key, rows_copied, updated_at}, created when missing.
     */
    static CheckpointStore table(Side side) {
        return table(side, DEFAULT_TABLE);
    }

    /**
     * Checkpoints in the named table on the given side.
     *
     * @throws IllegalArgumentException if {@code tableName} is not a plain, optionally
     *     schema-qualified identifier
     */
    static CheckpointStore table(Side side, String tableName) {
        if (side == null) {
            throw new IllegalArgumentException("checkpoint side must be OLD or NEW, not null");
        }
        return new JdbcCheckpointStore(side, Identifiers.requireQualified(tableName, "checkpoint table"));
    }
}
