package io.schemashift.runtime;

import io.schemashift.api.Side;
import io.schemashift.mirror.NewDatabase;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The mapped tables, per side, that the user may not read (an insert-only audit table, a new table
 * not granted yet), on PostgreSQL and MariaDB. On PostgreSQL an INSERT's generated keys come back
 * only through {@code RETURNING}, which needs the read: a write to such a table asks for no keys, so
 * it cannot fail for them (its mirror, which needs them, is recorded instead). On both, a claim is
 * made to return its keys ({@code RETURNING}) only where the user may read its table, and a read
 * picked for a new table the user may not read is served by the old side in {@code read-new}. Read
 * when the first connection opens and with the catalog again.
 *
 * @param oldUnreadable mapped tables (their lower-case old names) whose old table the user may not read
 * @param newUnreadable those whose new table the user may not read
 */
record ReadableTables(Set<String> oldUnreadable, Set<String> newUnreadable) {

    /** Every table readable: not asked on H2, which has no grants per table. */
    static final ReadableTables ALL = new ReadableTables(Set.of(), Set.of());

    /**
     * Asks the database through {@code old} (the application's first connection), and through a
     * connection of {@code newDatabase} for the new tables when they are in a separate one.
     *
     * @throws SQLException when the privileges cannot be read
     */
    static ReadableTables read(Connection old, NewDatabase newDatabase, Dialect dialect, Mapping mapping)
            throws SQLException {
        if (dialect == Dialect.H2) {
            return ALL;
        }
        Set<String> oldUnreadable = unreadable(old, mapping, Side.OLD, dialect);
        Set<String> newUnreadable;
        if (newDatabase == null) {
            newUnreadable = unreadable(old, mapping, Side.NEW, dialect);
        } else {
            try (Connection c = newDatabase.borrow()) {
                newUnreadable = unreadable(c, mapping, Side.NEW, dialect);
            }
        }
        return new ReadableTables(Set.copyOf(oldUnreadable), Set.copyOf(newUnreadable));
    }

    private static Set<String> unreadable(Connection c, Mapping mapping, Side side, Dialect dialect)
            throws SQLException {
        return dialect == Dialect.MARIADB ? unreadableOnMariadb(c, mapping, side) : unreadable(c, mapping, side);
    }

    /**
     * MariaDB has no {@code has_table_privilege}, and its grants come from users, roles, databases,
     * tables and columns: a read of no row of every column answers for all of them at once (a column
     * the user may not read refuses {@code *}: error 1142 or 1143). A table not there (1146) has no
     * keys to return either.
     */
    private static Set<String> unreadableOnMariadb(Connection c, Mapping mapping, Side side) throws SQLException {
        Set<String> unreadable = new HashSet<>();
        try (Statement st = c.createStatement()) {
            for (TableMapping t : mapping.tables()) {
                String table = side == Side.OLD
                        ? quoted(t.oldName())
                        : (t.newSchema() == null ? "" : quoted(t.newSchema()) + ".") + quoted(t.newName());
                try {
                    st.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0").close();
                } catch (SQLException e) {
                    if (e.getErrorCode() == 1142 || e.getErrorCode() == 1143) {
                        unreadable.add(t.oldName().toLowerCase(Locale.ROOT));
                    } else if (e.getErrorCode() != 1146) {
                        throw e;
                    }
                }
            }
        }
        return unreadable;
    }

    /** A configured name as MariaDB reads it: each dot-separated part quoted. */
    private static String quoted(String name) {
        StringBuilder q = new StringBuilder();
        for (String part : name.split("\\.")) {
            q.append(q.length() == 0 ? "" : ".").append(Dialect.MARIADB.sqlOfStored(part));
        }
        return q.toString();
    }

    private static Set<String> unreadable(Connection c, Mapping mapping, Side side) throws SQLException {
        Set<String> unreadable = new HashSet<>();
        // to_regclass: NULL for a table not there (yet), which has no keys to return either
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT NOT has_table_privilege(to_regclass(?), 'SELECT') WHERE to_regclass(?) IS NOT NULL")) {
            for (TableMapping t : mapping.tables()) {
                String table = side == Side.OLD
                        ? t.oldName()
                        : (t.newSchema() == null ? "" : t.newSchema() + ".") + t.newName();
                ps.setString(1, table);
                ps.setString(2, table);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        unreadable.add(t.oldName().toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return unreadable;
    }

    /** The tables the user may not read, each old table by its name and each new one as {@code the new table of <old name>}, for the log. */
    List<String> unreadable() {
        List<String> tables = new ArrayList<>();
        oldUnreadable.stream().sorted().forEach(tables::add);
        newUnreadable.stream().sorted().forEach(t -> tables.add("the new table of " + t));
        return tables;
    }

    /** Whether the user may read mapped table {@code table} (its lower-case old name) on {@code side}. */
    boolean mayRead(String table, Side side) {
        return !(side == Side.OLD ? oldUnreadable : newUnreadable).contains(table);
    }
}
