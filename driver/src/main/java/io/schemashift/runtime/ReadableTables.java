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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The mapped tables, per side, that the user may not read (an insert-only audit table, a new table
 * not granted yet), on PostgreSQL. There an INSERT's generated keys come back only through {@code
 * RETURNING}, which needs the read: a write to such a table asks for no keys, so it cannot fail for
 * them (its mirror, which needs them, is recorded instead); and a read picked for a new table the
 * user may not read is served by the old side in {@code read-new}. Read when the first connection
 * opens and with the catalog again.
 *
 * @param oldUnreadable mapped tables (their lower-case old names) whose old table the user may not read
 * @param newUnreadable those whose new table the user may not read
 */
record ReadableTables(Set<String> oldUnreadable, Set<String> newUnreadable) {

    /** Every table readable: not asked on MariaDB and H2, whose drivers return keys without it. */
    static final ReadableTables ALL = new ReadableTables(Set.of(), Set.of());

    /**
     * Asks the database through {@code old} (the application's first connection), and through a
     * connection of {@code newDatabase} for the new tables when they are in a separate one.
     *
     * @throws SQLException when the privileges cannot be read
     */
    static ReadableTables read(Connection old, NewDatabase newDatabase, Dialect dialect, Mapping mapping)
            throws SQLException {
        if (dialect != Dialect.POSTGRESQL) {
            return ALL;
        }
        Set<String> oldUnreadable = unreadable(old, mapping, Side.OLD);
        Set<String> newUnreadable;
        if (newDatabase == null) {
            newUnreadable = unreadable(old, mapping, Side.NEW);
        } else {
            try (Connection c = newDatabase.borrow()) {
                newUnreadable = unreadable(c, mapping, Side.NEW);
            }
        }
        return new ReadableTables(Set.copyOf(oldUnreadable), Set.copyOf(newUnreadable));
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
