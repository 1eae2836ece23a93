package io.schemashift.shadow;

import io.schemashift.api.ConnectionSource;
import io.schemashift.api.Side;
import io.schemashift.mirror.NewDatabase;
import io.schemashift.mirror.SessionSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Connections for shadow work, never the application's: each executor thread keeps one connection to the
 * application's own database (the old side, and the new side too when it lives there); a separate new-side database
 * is reached through the new side's pool, one connection per query. Every connection carries a network timeout a
 * little above {@code shadow.timeout}. Thread-safe.
 */
final class SideConnections implements AutoCloseable {

    /** Work on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    // PostgreSQL, MariaDB and H2 ignore the executor of setNetworkTimeout or run only a cheap abort on it.
    private static final Executor DIRECT = Runnable::run;

    private final ConnectionSource primaryDatabase;
    private final NewDatabase newDatabase;
    private final int networkTimeoutMillis;
    private final ThreadLocal<Connection> local = new ThreadLocal<>();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    /** The session settings this object's own connections were given. */
    private final SessionSettings.Given given = new SessionSettings.Given();

    SideConnections(ConnectionSource primaryDatabase, NewDatabase newDatabase, int networkTimeoutMillis) {
        this.primaryDatabase = primaryDatabase;
        this.newDatabase = newDatabase;
        this.networkTimeoutMillis = networkTimeoutMillis;
    }

    /** Runs {@code work} on a connection to {@code side}'s database, outside any application transaction. */
    <T> T on(Side side, Work<T> work) throws SQLException {
        return on(side, null, work);
    }

    /**
     * Runs {@code work} on a connection to {@code side}'s database, outside any application
     * transaction, under the application connection's session {@code settings} ({@code null}: the
     * connection's own).
     */
    <T> T on(Side side, SessionSettings settings, Work<T> work) throws SQLException {
        if (side == Side.NEW && newDatabase != null) {
            try (Connection c = newDatabase.borrowForShadow()) {
                timeout(c);
                try {
                    if (settings != null) {
                        newDatabase.align(c, settings, true);
                    }
                    return work.run(c);
                } finally {
                    rollbackQuietly(c); // the pool hands out auto-commit off: end the read's snapshot
                }
            }
        }
        if (primaryDatabase.pooled()) {
            // the application's own pool: borrow for this read only, never keep one of its connections
            try (Connection c = primaryDatabase.open()) {
                c.setAutoCommit(true);
                timeout(c);
                return settings == null ? work.run(c) : lent(c, settings, work);
            }
        }
        Connection c = local.get();
        if (c == null) {
            c = primaryDatabase.open();
            c.setAutoCommit(true);
            timeout(c);
            local.set(c);
            open.add(c);
        }
        try {
            if (settings != null) {
                given.align(c, settings, true);
            }
            return work.run(c);
        } catch (SQLException | RuntimeException e) {
            // after a timeout or a broken socket the connection's state is unknown: start afresh next time
            local.remove();
            open.remove(c);
            closeQuietly(c);
            throw e;
        }
    }

    /**
     * Runs {@code work} on {@code c}, lent by the application's pool, under {@code settings}; the
     * connection gets its own back before it returns, so that no application thread inherits them.
     */
    private static <T> T lent(Connection c, SessionSettings settings, Work<T> work) throws SQLException {
        SessionSettings own = SessionSettings.read(c, settings.dialect());
        if (own.equals(settings)) {
            return work.run(c);
        }
        settings.apply(c);
        try {
            return work.run(c);
        } finally {
            own.apply(c);
        }
    }

    /** Whether both schemas live in the application's database. */
    boolean sameDatabase() {
        return newDatabase == null;
    }

    /**
     * Runs {@code work} in one read-only, repeatable-read transaction on the application's database: every read in
     * it sees the same snapshot.
     */
    <T> T inSnapshot(Work<T> work) throws SQLException {
        return on(Side.OLD, c -> {
            int isolation = c.getTransactionIsolation();
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setAutoCommit(false);
            try {
                return work.run(c);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
                c.setTransactionIsolation(isolation);
            }
        });
    }

    private void timeout(Connection c) {
        try {
            c.setNetworkTimeout(DIRECT, networkTimeoutMillis);
        } catch (SQLException | RuntimeException unsupported) {
            // the query timeout still bounds the query
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // HikariCP discards a connection whose rollback fails
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // it is being discarded either way
        }
    }

    @Override
    public void close() {
        for (Connection c : open) {
            closeQuietly(c);
        }
        open.clear();
    }
}
