package io.schemashift.runtime;

import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Routine;
import io.schemashift.rewriter.StatementKind;
import io.schemashift.rewriter.Trigger;
import io.schemashift.rewriter.View;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The stored procedures and functions an application can call, the views it can go through and
 * the triggers its writes fire, read from the catalog with their definitions, so that the rewriter
 * can tell a statement that reaches a mapped table through one; and the functions declared
 * volatile, whose values a mirror cannot repeat. Of H2, the views and the triggers are read (a
 * trigger is a Java class: it may do anything); its routines are Java methods.
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

    /**
     * PostgreSQL triggers with their functions ({@code tgtype} bit 1: BEFORE; bits 2–5: INSERT,
     * DELETE, UPDATE, TRUNCATE), and rules as triggers of their event: a rule rewrites a write into
     * other statements (one {@code DO INSTEAD} replaces the write, as a BEFORE trigger may change it).
     * Only a PL/pgSQL function's body is SQL to judge. One in C that changes only the row it fires
     * for (contrib's and the built-in ones that set the column their first argument names) is given
     * as the assignment it makes ({@code NEW.touched := now()} for {@code moddatetime(touched)});
     * any other function's definition as {@code NULL}: it may do anything.
     */
    private static final String POSTGRESQL_TRIGGERS =
            """
            SELECT c.relname, t.tgtype, t.tgname,
                   CASE WHEN l.lanname = 'plpgsql' THEN pg_get_functiondef(t.tgfoid)
                        WHEN l.lanname IN ('c', 'internal') THEN
                            CASE WHEN p.proname IN ('suppress_redundant_updates_trigger', 'lo_manage') THEN 'RETURN NEW'
                                 WHEN t.tgnargs = 0 THEN NULL
                                 ELSE 'NEW.' || split_part(encode(t.tgargs, 'escape'), '\\000', 1) || ' := '
                                     || CASE p.proname WHEN 'moddatetime' THEN 'now()'
                                                       WHEN 'insert_username' THEN 'current_user'
                                                       WHEN 'autoinc' THEN 'nextval()'
                                                       WHEN 'tsvector_update_trigger' THEN 'to_tsvector()'
                                                       WHEN 'tsvector_update_trigger_column' THEN 'to_tsvector()' END
                            END
                   END,
                   (t.tgtype & 2) <> 0, NULL, FALSE
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                 JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_language l ON l.oid = p.prolang
            WHERE NOT t.tgisinternal AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
            UNION ALL
            SELECT c.relname, CASE r.ev_type WHEN '2' THEN 16 WHEN '3' THEN 4 ELSE 8 END,
                   r.rulename || ' (a rule)', pg_get_ruledef(r.oid), r.is_instead, NULL, TRUE
            FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE r.ev_type IN ('2', '3', '4') AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'""";

    /**
     * MariaDB/MySQL triggers of a database ({@code {database}}: the application's); without the TRIGGER privilege on its
     * table a user sees a trigger's definition as NULL (MariaDB) or not at all (MySQL: doctor, as
     * the migrator, reports it). A column's {@code
     * ON UPDATE CURRENT_TIMESTAMP} counts as a trigger before UPDATE that sets the column ({@code SET
     * NEW.c …}), which stamps it ({@link Trigger#stamps}).
     */
    private static final String MARIADB_TRIGGERS =
            """
            SELECT EVENT_OBJECT_TABLE, EVENT_MANIPULATION, TRIGGER_NAME, ACTION_STATEMENT, ACTION_TIMING = 'BEFORE',
                   NULL, FALSE
            FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = {database}
            UNION ALL
            SELECT TABLE_NAME, 'UPDATE', CONCAT(COLUMN_NAME, ' (ON UPDATE)'), CONCAT('SET NEW.', COLUMN_NAME, ' ', EXTRA), TRUE,
                   CASE WHEN LOWER(EXTRA) LIKE '%current_timestamp%' THEN COLUMN_NAME END, FALSE
            FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {database} AND EXTRA LIKE '%on update%'""";

    /**
     * H2's triggers, one row per event: Java classes, whose definition is no SQL to judge ({@code
     * NULL}: they may do anything); a column's {@code ON UPDATE} counts as a trigger before UPDATE
     * that sets it.
     */
    private static final String H2_TRIGGERS =
            """
            SELECT EVENT_OBJECT_TABLE, EVENT_MANIPULATION, TRIGGER_NAME, NULL, ACTION_TIMING = 'BEFORE', NULL, FALSE
            FROM INFORMATION_SCHEMA.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = SCHEMA()
            UNION ALL
            SELECT TABLE_NAME, 'UPDATE', COLUMN_NAME || ' (ON UPDATE)', 'SET NEW.' || COLUMN_NAME || ' = ' || COLUMN_ON_UPDATE, TRUE,
                   CASE WHEN UPPER(COLUMN_ON_UPDATE) LIKE 'CURRENT_TIMESTAMP%'
                     OR UPPER(COLUMN_ON_UPDATE) LIKE 'LOCALTIMESTAMP%' THEN COLUMN_NAME END, FALSE
            FROM INFORMATION_SCHEMA.COLUMNS WHERE COLUMN_ON_UPDATE IS NOT NULL""";

    /**
     * PostgreSQL functions declared volatile, every schema: the application's own (volatile unless
     * declared otherwise), an extension's, the built-ins ({@code timeofday()}, {@code lo_import}…).
     */
    private static final String POSTGRESQL_VOLATILE =
            "SELECT DISTINCT proname FROM pg_proc WHERE provolatile = 'v' AND prokind = 'f'";

    /** MariaDB/MySQL stored functions of the application's database not declared DETERMINISTIC (the default). */
    private static final String MARIADB_VOLATILE =
            """
            SELECT ROUTINE_NAME FROM information_schema.ROUTINES
            WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_TYPE = 'FUNCTION' AND IS_DETERMINISTIC = 'NO'""";

    /** H2 user-defined functions (Java aliases) not declared DETERMINISTIC. */
    private static final String H2_VOLATILE =
            "SELECT ROUTINE_NAME FROM INFORMATION_SCHEMA.ROUTINES WHERE ROUTINE_TYPE = 'FUNCTION' AND IS_DETERMINISTIC = 'NO'";

    /** PostgreSQL views and materialized views with their queries, every session's temporary ones included. */
    private static final String POSTGRESQL_VIEWS =
            """
            SELECT c.relname, pg_get_viewdef(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('v', 'm') AND n.nspname <> 'information_schema'
              AND (n.nspname NOT LIKE 'pg\\_%' OR n.nspname LIKE 'pg\\_temp\\_%')""";

    /** MariaDB/MySQL views of the application's database; the definition is empty without SHOW VIEW. */
    private static final String MARIADB_VIEWS =
            """
            SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()""";

    /** H2 views of the current schema. */
    private static final String H2_VIEWS =
            "SELECT TABLE_NAME, VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_SCHEMA = SCHEMA()";

    private Routines() {}

    /** The query of {@code dialect} among the three ({@code null}: that database has none to read). */
    private static String of(Dialect dialect, String postgresql, String mariadb, String h2) {
        return switch (dialect) {
            case POSTGRESQL -> postgresql;
            case MARIADB -> mariadb;
            case H2 -> h2;
        };
    }

    static List<Routine> routines(Connection connection, Dialect dialect) throws SQLException {
        return rows(
                connection,
                of(dialect, POSTGRESQL, MARIADB, null),
                rs -> new Routine(rs.getString(1), rs.getString(2)));
    }

    /** The names of the functions whose value may differ between two calls, as the database declares them. */
    static List<String> volatileFunctions(Connection connection, Dialect dialect) throws SQLException {
        return rows(connection, of(dialect, POSTGRESQL_VOLATILE, MARIADB_VOLATILE, H2_VOLATILE), rs -> rs.getString(1));
    }

    static List<View> views(Connection connection, Dialect dialect) throws SQLException {
        return rows(connection, of(dialect, POSTGRESQL_VIEWS, MARIADB_VIEWS, H2_VIEWS), rs -> {
            String definition = rs.getString(2);
            return new View(rs.getString(1), definition == null || definition.isBlank() ? null : definition);
        });
    }

    static List<Trigger> triggers(Connection connection, Dialect dialect) throws SQLException {
        return triggers(connection, dialect, "DATABASE()");
    }

    /**
     * MariaDB/MySQL: the triggers of database {@code database} of the same server (where {@code
     * new.schema} puts the new tables), as {@link #triggers} reads the application's.
     */
    static List<Trigger> triggersOf(Connection connection, String database) throws SQLException {
        return triggers(connection, Dialect.MARIADB, "'" + database.replace("'", "''") + "'");
    }

    /** The triggers, on MariaDB those of the database {@code mariadbDatabase} names (an SQL expression). */
    private static List<Trigger> triggers(Connection connection, Dialect dialect, String mariadbDatabase)
            throws SQLException {
        boolean pg = dialect == Dialect.POSTGRESQL;
        return rows(
                connection,
                of(dialect, POSTGRESQL_TRIGGERS, MARIADB_TRIGGERS.replace("{database}", mariadbDatabase), H2_TRIGGERS),
                rs -> new Trigger(
                        rs.getString(1),
                        pg ? events(rs.getInt(2)) : events(rs.getString(2)),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getBoolean(5),
                        rs.getString(6),
                        rs.getBoolean(7)));
    }

    /** One row of a catalog query as a value. */
    private interface Row<T> {
        T of(ResultSet rs) throws SQLException;
    }

    /** Every row of {@code sql}; none when there is no query ({@code null}). */
    private static <T> List<T> rows(Connection connection, String sql, Row<T> row) throws SQLException {
        List<T> rows = new ArrayList<>();
        if (sql == null) {
            return rows;
        }
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(row.of(rs));
            }
        }
        return rows;
    }

    private static Set<StatementKind> events(int tgtype) {
        Set<StatementKind> events = EnumSet.noneOf(StatementKind.class);
        if ((tgtype & 4) != 0) {
            events.add(StatementKind.INSERT);
        }
        if ((tgtype & 8) != 0) {
            events.add(StatementKind.DELETE);
        }
        if ((tgtype & 16) != 0) {
            events.add(StatementKind.UPDATE);
        }
        if ((tgtype & 32) != 0) {
            events.add(StatementKind.TRUNCATE);
        }
        return events;
    }

    /** {@code INSERT}, {@code UPDATE}, {@code DELETE} (MariaDB 11 also {@code INSERT,UPDATE}…). */
    private static Set<StatementKind> events(String manipulation) {
        Set<StatementKind> events = EnumSet.noneOf(StatementKind.class);
        for (StatementKind k : List.of(StatementKind.INSERT, StatementKind.UPDATE, StatementKind.DELETE)) {
            if (manipulation.toUpperCase(Locale.ROOT).contains(k.name())) {
                events.add(k);
            }
        }
        return events;
    }
}
