package io.schemashift.routing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The side statements one application statement prepared on the application's own connection,
 * reused across executions and closed with it, and the settings the application made on its
 * statement, which the side statements running in its place take. Not thread-safe, like the
 * statement it belongs to.
 */
public final class SideStatements implements AutoCloseable {
    /**
     * A plain {@code Statement} runs a new text (with its literals) each time: past this many
     * texts the cache starts over, so that a long-lived statement does not pile up server-side
     * statements. A PreparedStatement needs at most four (two sides, with and without keys).
     */
    private static final int MAX_TEXTS = 8;

    private final Map<String, PreparedStatement> statements = new HashMap<>(4);
    /** The application's own statement, run where its text and key request are asked for; never closed here. */
    private final PreparedStatement own;

    private final String ownSql;
    private final boolean ownKeys;
    /** The application's statement settings, for the side statements that run in its place (-1: unset). */
    private int queryTimeout = -1;

    private long maxRows = -1;
    private int fetchSize = -1;
    private int maxFieldSize = -1;
    private int fetchDirection = -1;
    /** The kind of result sets the application's statement was made for ({@code null}: the default). */
    private ResultSets resultSets;

    /**
     * The result sets a statement was made for ({@code createStatement(type, concurrency[,
     * holdability])}): the side statements that run its reads in its place return the same kind, a
     * scrollable one for a paging read.
     *
     * @param holdability -1: the connection's
     */
    public record ResultSets(int type, int concurrency, int holdability) {}

    /** For a plain {@code Statement}, which has no text of its own. */
    public SideStatements() {
        this(null, null, false);
    }

    /**
     * @param own the application's prepared statement, on the application's connection
     * @param ownSql its text
     * @param ownKeys it was prepared with {@code RETURN_GENERATED_KEYS}
     */
    public SideStatements(PreparedStatement own, String ownSql, boolean ownKeys) {
        this.own = own;
        this.ownSql = ownSql;
        this.ownKeys = ownKeys;
    }

    public void queryTimeout(int seconds) {
        queryTimeout = seconds;
    }

    public void maxRows(long rows) {
        maxRows = rows;
    }

    public void fetchSize(int rows) {
        fetchSize = rows;
    }

    public void maxFieldSize(int bytes) {
        maxFieldSize = bytes;
    }

    public void fetchDirection(int direction) {
        fetchDirection = direction;
    }

    /** The application's row limit on its statement ({@code setMaxRows}); 0: none. */
    public long rowLimit() {
        return Math.max(maxRows, 0);
    }

    public void resultSets(ResultSets kind) {
        resultSets = kind;
    }

    /** Gives a side statement the settings the application made on its own statement. */
    void configure(PreparedStatement ps) throws SQLException {
        if (queryTimeout >= 0) {
            ps.setQueryTimeout(queryTimeout);
        }
        if (maxRows >= 0) {
            ps.setMaxRows((int) Math.min(maxRows, Integer.MAX_VALUE)); // pgjdbc has no setLargeMaxRows
        }
        if (fetchSize >= 0) {
            ps.setFetchSize(fetchSize);
        }
        if (maxFieldSize >= 0) {
            ps.setMaxFieldSize(maxFieldSize);
        }
        if (fetchDirection >= 0) {
            ps.setFetchDirection(fetchDirection);
        }
    }

    /**
     * Called before an execution prepares anything: the statements of earlier executions (and
     * their result sets, which JDBC closes on re-execution anyway) may go now.
     */
    void startExecution() throws SQLException {
        if (statements.size() >= MAX_TEXTS) {
            close();
        }
    }

    /**
     * The statement for {@code sql} on {@code connection}: the application's own statement when it is that
     * statement's text and key request; cached when on the application's connection; else (a pooled new-side
     * connection) prepared for this execution alone.
     */
    PreparedStatement on(Connection connection, Connection appConnection, String sql, boolean keys)
            throws SQLException {
        if (connection != appConnection) {
            return prepare(connection, sql, keys, resultSets);
        }
        if (own != null && keys == ownKeys && sql.equals(ownSql)) {
            return own;
        }
        String cacheKey = keys ? "K" + sql : sql;
        PreparedStatement ps = statements.get(cacheKey);
        if (ps == null || ps.isClosed()) {
            ps = prepare(connection, sql, keys, resultSets);
            statements.put(cacheKey, ps);
        }
        return ps;
    }

    /** Whether {@code ps} is the application's own statement, which holds the parameters the application bound. */
    boolean isOwn(PreparedStatement ps) {
        return ps == own;
    }

    /** Keys go before the kind of result set: JDBC has no call for both, and a write that asks for keys scrolls nothing. */
    private static PreparedStatement prepare(Connection c, String sql, boolean keys, ResultSets kind)
            throws SQLException {
        if (keys) {
            return c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS);
        }
        if (kind == null) {
            return c.prepareStatement(sql);
        }
        return kind.holdability() < 0
                ? c.prepareStatement(sql, kind.type(), kind.concurrency())
                : c.prepareStatement(sql, kind.type(), kind.concurrency(), kind.holdability());
    }

    @Override
    public void close() throws SQLException {
        SQLException first = null;
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException e) {
                first = first == null ? e : first;
            }
        }
        statements.clear();
        if (first != null) {
            throw first;
        }
    }
}
