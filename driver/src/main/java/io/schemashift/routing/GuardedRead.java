package io.schemashift.routing;

import io.schemashift.rewriter.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A read the driver runs for itself on the application's connection, inside its transaction (an
 * upsert's look-up, a copy's read-back). A failed statement aborts a PostgreSQL transaction, the
 * application's: there the read travels between a savepoint and its release in one round trip, and
 * a failure goes back to the savepoint.
 */
final class GuardedRead {

    private final Connection connection;
    private final String savepoint;
    private final boolean guard;

    GuardedRead(MigrationContext context, Connection connection, String savepoint) throws SQLException {
        this.connection = connection;
        this.savepoint = savepoint;
        this.guard = context.dialect() == Dialect.POSTGRESQL && !connection.getAutoCommit();
    }

    /** The text to prepare: the statements {@code reads}, between the savepoint and its release where guarded. */
    String text(List<String> reads) {
        List<String> parts = new ArrayList<>();
        if (guard) {
            parts.add("SAVEPOINT " + savepoint);
        }
        parts.addAll(reads);
        if (guard) {
            parts.add("RELEASE SAVEPOINT " + savepoint);
        }
        return String.join("; ", parts);
    }

    /** Executes {@code ps}, prepared from {@link #text}: whether its first read's result is rows. */
    boolean execute(PreparedStatement ps) throws SQLException {
        boolean rows = ps.execute();
        return guard ? ps.getMoreResults() : rows; // past the SAVEPOINT
    }

    /** After a failed read: back to the savepoint; where that fails too, the transaction stays aborted. */
    void failed() {
        if (guard) {
            try (Statement st = connection.createStatement()) {
                st.execute("ROLLBACK TO SAVEPOINT " + savepoint);
            } catch (SQLException e) {
                // the application's next statement says the transaction is aborted
            }
        }
    }
}
