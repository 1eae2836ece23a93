package io.schemashift.backfill.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Transaction helpers shared by backfill and repair. */
public final class Transactions {

    /** Attempts for a batch that fails with a transient error (deadlock, lock timeout). */
    public static final int ATTEMPTS = 5;

    private Transactions() {}

    /** A unit of work in one or two transactions. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Whether retrying the transaction may succeed: a serialization failure or deadlock (SQLState
     * class 40), PostgreSQL's lock_not_available (55P03), MariaDB's lock wait timeout (1205).
     */
    public static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return (state != null && (state.startsWith("40") || state.equals("55P03"))) || e.getErrorCode() == 1205;
    }

    /**
     * Runs {@code work}, rolling back {@code connections} and retrying on a transient error, up to
     * {@link #ATTEMPTS} times with a growing pause.
     */
    public static <T> T retrying(Work<T> work, Connection... connections) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (SQLException e) {
                rollbackQuietly(e, connections);
                if (!isTransient(e) || attempt >= ATTEMPTS) {
                    throw e;
                }
                try {
                    Thread.sleep(20L * attempt * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Rolls back, adding a failed rollback to {@code cause} instead of hiding it. */
    public static void rollbackQuietly(Exception cause, Connection... connections) {
        for (Connection c : connections) {
            try {
                c.rollback();
            } catch (SQLException r) {
                cause.addSuppressed(r);
            }
        }
    }
}
