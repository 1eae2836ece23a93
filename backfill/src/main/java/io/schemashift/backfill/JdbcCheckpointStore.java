package io.schemashift.backfill;

import io.schemashift.api.Side;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Optional;

/** Checkpoints in a plain table; portable SQL only (update, else insert). */
final class JdbcCheckpointStore implements CheckpointStore {

    private final Side side;
    private final String table;

    JdbcCheckpointStore(Side side, String table) {
        this.side = side;
        this.table = table;
    }

    @Override
    public Side side() {
        return side;
    }

    @Override
    public void prepare(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table
                    + " (migration VARCHAR(200) NOT NULL, table_name VARCHAR(200) NOT NULL,"
                    + " last_key VARCHAR(4000), rows_copied BIGINT NOT NULL, updated_at TIMESTAMP NOT NULL,"
                    + " PRIMARY KEY (migration, table_name))");
        }
    }

    @Override
    public Optional<Checkpoint> load(Connection connection, String migration, String tableName) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT last_key, rows_copied, updated_at FROM " + table + " WHERE migration = ? AND table_name = ?")) {
            ps.setString(1, migration);
            ps.setString(2, tableName);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Checkpoint(
                        migration,
                        tableName,
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getTimestamp(3).toInstant()));
            }
        }
    }

    @Override
    public void save(Connection connection, Checkpoint cp) throws SQLException {
        Timestamp at = Timestamp.from(cp.updatedAt());
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table
                + " SET last_key = ?, rows_copied = ?, updated_at = ? WHERE migration = ? AND table_name = ?")) {
            update.setString(1, cp.lastKey());
            update.setLong(2, cp.rowsCopied());
            update.setTimestamp(3, at);
            update.setString(4, cp.migration());
            update.setString(5, cp.table());
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                + " (migration, table_name, last_key, rows_copied, updated_at) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, cp.migration());
            insert.setString(2, cp.table());
            insert.setString(3, cp.lastKey());
            insert.setLong(4, cp.rowsCopied());
            insert.setTimestamp(5, at);
            insert.executeUpdate();
        }
    }

    @Override
    public String toString() {
        return "CheckpointStore[" + side + ":" + table + "]";
    }
}
