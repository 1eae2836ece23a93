package io.schemashift.runtime;

import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Routine;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored procedures and functions an application can call, read from the catalog with their
 * definitions, so that the rewriter can tell a call of one that changes a mapped table. H2's
 * routines are Java methods and are not read.
 */
final class Routines {

    /**
     * PostgreSQL: functions and procedures outside the system schemas and extensions, trigger
     * functions left out (a statement cannot call one). {@code pg_get_functiondef} shows every
     * body, whoever owns it.
     */
    private static final String POSTGRESQL =
            """
            SELECT p.proname, pg_get_functiondef(p.oid)
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
              AND p.prokind IN ('f', 'p') AND p.prorettype <> 'trigger'::regtype
              AND NOT EXISTS (SELECT 1 FROM pg_depend d
                              WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')""";

    /**
     * MariaDB/MySQL: the routines of the application's database (an unqualified table name in a
     * routine of another database is that database's table); the definition is {@code NULL} for a
     * routine the user may call but not read.
     */
    private static final String MARIADB =
            """
            SELECT ROUTINE_NAME, ROUTINE_DEFINITION FROM information_schema.ROUTINES
            WHERE ROUTINE_SCHEMA = DATABASE()""";

    private Routines() {}

    static List<Routine> read(Connection connection, Dialect dialect) throws SQLException {
        String sql =
                switch (dialect) {
                    case POSTGRESQL -> POSTGRESQL;
                    case MARIADB -> MARIADB;
                    case H2 -> null;
                };
        List<Routine> routines = new ArrayList<>();
        if (sql == null) {
            return routines;
        }
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                routines.add(new Routine(rs.getString(1), rs.getString(2)));
            }
        }
        return routines;
    }
}
