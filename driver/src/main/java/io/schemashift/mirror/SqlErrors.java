package io.schemashift.mirror;

import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;

/** What a side statement's failure means, the same way for mirrors and shadow reads. */
public final class SqlErrors {

    private SqlErrors() {}

    /**
     * A statement cancelled by a query timeout, or a connection whose network timeout (the
     * budget) ran out: drivers report the latter as a broken connection with a socket timeout as
     * its cause.
     */
    public static boolean isTimeout(SQLException e) {
        String state = e.getSQLState();
        if (e instanceof SQLTimeoutException
                || "57014".equals(state) // PostgreSQL and H2: statement cancelled
                || "70100".equals(state) // MariaDB: query interrupted (max_statement_time)
                || (state != null && state.startsWith("HYT"))) {
            return true;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
