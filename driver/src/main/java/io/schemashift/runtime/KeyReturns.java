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
 * PostgreSQL returns an INSERT's generated keys with {@code RETURNING}, which needs the privilege to
 * read the table: the mapped tables, per side, that the user writing them may not read (an
 * insert-only audit table). A write to one asks for no keys, so it cannot fail for them; its mirror,
 * which needs them, is recorded instead. Read once, when the first connection opens.
 */
final class KeyReturns {

    /** Every table returns its keys: MariaDB's and H2's drivers need no privilege for them. */
    static final KeyReturns ALL = new KeyReturns(Set.of(), Set.of());

    /** Mapped tables (their lower-case old names) whose old table, and whose new table, cannot be read. */
    private final Set<String> oldUnreadable;

    private final Set<String> newUnreadable;

    private KeyReturns(Set<String> oldUnreadable, Set<String> newUnreadable) {
        this.oldUnreadable = oldUnreadable;
        this.newUnreadable = newUnreadable;
    }

    /**
     * Asks the database through {@code old} (the application's first connection), and through a
     * connection of {@code newDatabase} for the new tables when they are in a separate one.
     *
     * @throws SQLException when the privileges cannot be read
     */
    static KeyReturns read(Connection old, NewDatabase newDatabase, Dialect dialect, Mapping mapping)
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
        return new KeyReturns(Set.copyOf(oldUnreadable), Set.copyOf(newUnreadable));
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

    /** The tables that return no keys, each old table by its name and each new one as {@code the new table of <old name>}, for the log. */
    List<String> unreadable() {
        List<String> tables = new ArrayList<>();
        oldUnreadable.stream().sorted().forEach(tables::add);
        newUnreadable.stream().sorted().forEach(t -> tables.add("the new table of " + t));
        return tables;
    }

    /** Whether a write to mapped table {@code table} on {@code side} can have its generated keys returned. */
    boolean returns(String table, Side side) {
        return !(side == Side.OLD ? oldUnreadable : newUnreadable).contains(table);
    }
}
