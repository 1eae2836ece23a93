package io.schemashift.backfill.internal;

import io.schemashift.error.ShiftSqlState;
import io.schemashift.rewriter.KeyCodec;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.TableMapping;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Lookups shared by backfill and verify. */
public final class Tables {

    private Tables() {}

    /**
     * The mappings of the named old tables, all of them when {@code names} is empty.
     *
     * @throws SQLException (42000) naming the table and the mapped ones when a name is not mapped
     */
    public static List<TableMapping> resolve(Mapping mapping, Collection<String> names) throws SQLException {
        if (names == null || names.isEmpty()) {
            return List.copyOf(mapping.tables());
        }
        List<TableMapping> found = new ArrayList<>();
        for (String name : names) {
            found.add(resolve(mapping, name));
        }
        return found;
    }

    /** The mapping of one old table. */
    public static TableMapping resolve(Mapping mapping, String name) throws SQLException {
        Optional<TableMapping> tm = name == null ? Optional.empty() : mapping.table(name);
        if (tm.isEmpty()) {
            throw ShiftSqlState.NO_SUCH_OBJECT.error("table " + name + " is not mapped; mapped tables: "
                    + mapping.tables().stream().map(TableMapping::oldName).toList());
        }
        return tm.get();
    }

    /** The old table's row count from catalog statistics, counted when there are none. */
    public static long estimate(Connection c, Statements sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(sql.rowEstimate())) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return rs.getLong(1);
                }
            }
            try (ResultSet rs = s.executeQuery(sql.rowCount())) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * A key in {@link KeyCodec} text as values typed for the old key columns.
     *
     * @throws SQLException (22000, {@code ShiftSqlState.DATA_EXCEPTION}) naming the table when the text is not a key of this table
     */
    public static List<Object> parseKey(TableShape shape, String text) throws SQLException {
        try {
            List<String> values = KeyCodec.decode(text);
            if (values.size() != shape.key().size()) {
                throw new IllegalArgumentException(values.size() + " values, but the key has "
                        + shape.key().size() + " columns");
            }
            List<Object> key = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                key.add(shape.key().get(i).oldType().parse(values.get(i)));
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw ShiftSqlState.DATA_EXCEPTION.error("not a key of " + shape.oldTable() + ": " + e.getMessage(), e);
        }
    }
}
