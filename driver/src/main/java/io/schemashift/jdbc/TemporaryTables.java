package io.schemashift.jdbc;

import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.RefusalReason;
import io.schemashift.rewriter.Refused;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.StatementKind;
import io.schemashift.routing.Session;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The mapped tables that a temporary table of one connection hides. On PostgreSQL and MariaDB a
 * temporary table may take a mapped table's name, and the connection's statements on that name
 * then reach the temporary table: mirrored into the new table, they would fork the new side. So
 * after a statement that may create or drop one (DDL that says {@code TEMP} or {@code TEMPORARY},
 * PostgreSQL's {@code SELECT … INTO TEMP} of a mapped table's name, any DDL while one hides a
 * table, the end of a transaction then: a rollback or {@code ON COMMIT DROP} removes it), the
 * connection asks its database, once per mapped table a statement names,
 * and a statement naming a hidden table is refused: it runs on the old side alone and is recorded,
 * as any statement the rewriter cannot handle. H2 refuses a temporary table of a taken name.
 */
final class TemporaryTables {

    private static final Pattern MAY_CREATE = Pattern.compile("\\bTEMP(?:ORARY)?\\b", Pattern.CASE_INSENSITIVE);
    /** PostgreSQL statements that drop every temporary table of the session. */
    private static final Pattern DROP_ALL =
            Pattern.compile("\\s*DISCARD\\s+(?:TEMP|TEMPORARY|ALL)\\s*;?\\s*", Pattern.CASE_INSENSITIVE);

    private static final String POSTGRESQL_ASK = "SELECT 1 FROM pg_catalog.pg_class"
            + " WHERE relnamespace = pg_catalog.pg_my_temp_schema() AND relname = ?";
    /** MariaDB's "no such table": no temporary table, and no table at all, of that name. */
    private static final int MARIADB_NO_SUCH_TABLE = 1146;

    private final Dialect dialect;
    /** Where MariaDB's mapped tables are ({@code null}: the connection's database). */
    private final String schema;
    /**
     * Whether a temporary table hides each mapped table asked about since the last statement that
     * may have changed that; {@code null} while none may.
     */
    private Map<String, Boolean> asked;

    TemporaryTables(Dialect dialect, String schema) {
        this.dialect = dialect;
        this.schema = schema;
    }

    /** {@code sql}, rewritten as {@code result}, is about to run: what was asked may no longer hold once it ran. */
    void running(String sql, RewriteResult result) {
        StatementKind kind = result.kind();
        if (dialect == Dialect.H2
                || (kind != StatementKind.DDL && kind != StatementKind.OTHER && !selectsInto(result))) {
            return;
        }
        if (dialect == Dialect.POSTGRESQL && DROP_ALL.matcher(sql).matches()) {
            asked = null;
        } else if ((asked != null && kind == StatementKind.DDL)
                || MAY_CREATE.matcher(sql).find()) {
            asked = new HashMap<>(4);
        }
    }

    /**
     * Whether {@code result} may be PostgreSQL's {@code SELECT … INTO TEMP customers}, which creates
     * a table of a mapped name: JSqlParser cannot parse it, so it is a refused read naming the table
     * (checked only then: reads that parse are the hot path).
     */
    private boolean selectsInto(RewriteResult result) {
        return dialect == Dialect.POSTGRESQL
                && result.kind() == StatementKind.SELECT
                && result instanceof Refused
                && !result.tables().isEmpty();
    }

    /** The open transaction ended, or rolled back to a savepoint: a temporary table it created may be gone. */
    void transactionEnded() {
        if (asked != null && asked.containsValue(Boolean.TRUE)) {
            asked.clear();
        }
    }

    /**
     * {@code result}, or, when a temporary table of {@code connection} hides a mapped table it
     * names, its refusal.
     */
    RewriteResult judge(RewriteResult result, Connection connection) {
        boolean ddl = result.kind() == StatementKind.DDL;
        if (asked == null || result.tables().isEmpty() || (ddl && !Session.changesRows(result))) {
            return result;
        }
        for (String table : result.tables()) {
            Boolean hidden = asked.get(table);
            if (hidden == null) {
                try {
                    hidden = hides(connection, table);
                } catch (SQLException e) {
                    return Refused.as(
                            result,
                            RefusalReason.UNSUPPORTED_CONSTRUCT,
                            "this connection ran DDL that may have created a temporary table named " + table
                                    + ", and asking the database whether one hides the mapped table failed ("
                                    + e.getMessage() + ")");
                }
                asked.put(table, hidden);
            }
            if (hidden && ddl) {
                // PostgreSQL's DROP TABLE or ALTER TABLE of the name acts on the temporary table
                return Refused.as(
                        result,
                        RefusalReason.UNSUPPORTED_CONSTRUCT,
                        "DDL on the temporary table of this connection named " + table + ", which hides the mapped"
                                + " table");
            }
            if (hidden) {
                return Refused.as(
                        result,
                        RefusalReason.UNSUPPORTED_CONSTRUCT,
                        "a temporary table of this connection is named " + table
                                + " and hides the mapped table, so SchemaShift cannot tell which one the statement"
                                + " changes; give the temporary table another name");
            }
        }
        return result;
    }

    private boolean hides(Connection connection, String table) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) {
            try (PreparedStatement ps = connection.prepareStatement(POSTGRESQL_ASK)) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        }
        String name = (schema == null ? "" : quoted(schema) + ".") + quoted(table);
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SHOW CREATE TABLE " + name)) {
            return rs.next() && rs.getString(2).regionMatches(true, 0, "CREATE TEMPORARY", 0, 16);
        } catch (SQLException e) {
            if (e.getErrorCode() == MARIADB_NO_SUCH_TABLE) {
                return false;
            }
            throw e;
        }
    }

    private static String quoted(String name) {
        return '`' + name.replace("`", "``") + '`';
    }
}
