package io.schemashift.runtime;

import io.schemashift.rewriter.CascadingKey;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.StatementKind;
import io.schemashift.rewriter.TableMapping;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The foreign keys of a mapped table's two sides whose {@code ON DELETE} or {@code ON UPDATE}
 * action changes the table's rows when a parent row changes, inside the database, and which of
 * them the other side does not share: those make a write to the parent change one side only
 * ({@link CascadingKey}). Read through JDBC metadata, which every dialect answers alike.
 */
final class ForeignKeys {

    private ForeignKeys() {}

    /**
     * A foreign key whose action changes its table's rows, as its side names it (lower case).
     *
     * @param place the parent's schema (MariaDB: database), to tell an unmapped parent from its
     *     namesake elsewhere
     * @param storedParent the parent's name as the catalog stores it
     * @param onDelete the action when a parent row is deleted, {@code null} when it changes nothing
     * @param onUpdate likewise when a parent row's key changes
     */
    record Key(
            String name,
            String table,
            List<String> columns,
            String place,
            String parent,
            String storedParent,
            List<String> parentColumns,
            String onDelete,
            String onUpdate) {

        /** This key with the next column pair of the same key. */
        Key and(Key next) {
            return new Key(
                    name,
                    table,
                    Stream.concat(columns.stream(), next.columns.stream()).toList(),
                    place,
                    parent,
                    storedParent,
                    Stream.concat(parentColumns.stream(), next.parentColumns.stream())
                            .toList(),
                    onDelete,
                    onUpdate);
        }

        /**
         * This key as the other side names it: its columns through {@code column}, its parent as
         * {@code parent}, the parent's columns through {@code parentColumn}.
         */
        Key as(UnaryOperator<String> column, String parent, UnaryOperator<String> parentColumn) {
            return new Key(
                    name,
                    table,
                    columns.stream().map(column).toList(),
                    place,
                    parent,
                    storedParent,
                    parentColumns.stream().map(parentColumn).toList(),
                    onDelete,
                    onUpdate);
        }

        /** What a side must share with another for the two to change rows alike. */
        boolean sameAction(Key other, boolean samePlace) {
            return columns.equals(other.columns)
                    && parent.equals(other.parent)
                    && (!samePlace || Objects.equals(place, other.place))
                    && parentColumns.equals(other.parentColumns)
                    && Objects.equals(onDelete, other.onDelete)
                    && Objects.equals(onUpdate, other.onUpdate);
        }

        Set<StatementKind> events() {
            Set<StatementKind> events = EnumSet.noneOf(StatementKind.class);
            if (onDelete != null) {
                events.add(StatementKind.DELETE);
            }
            if (onUpdate != null) {
                events.add(StatementKind.UPDATE);
            }
            return events;
        }

        String description() {
            return "of " + table + " (" + String.join(", ", columns) + ") -> " + parent + " ("
                    + String.join(", ", parentColumns) + ") ON DELETE "
                    + Objects.requireNonNullElse(onDelete, "NO ACTION")
                    + " ON UPDATE " + Objects.requireNonNullElse(onUpdate, "NO ACTION");
        }
    }

    /** The foreign keys of {@code table} (exact names) whose action changes its rows. */
    static List<Key> read(DatabaseMetaData md, String catalog, String schema, String table) throws SQLException {
        Map<String, Key> byKey = new LinkedHashMap<>(); // one row per key column, in key order
        try (ResultSet rs = md.getImportedKeys(catalog, schema, table)) {
            while (rs.next()) {
                String onUpdate = changing(rs.getShort("UPDATE_RULE"));
                String onDelete = changing(rs.getShort("DELETE_RULE"));
                if (onUpdate == null && onDelete == null) {
                    continue;
                }
                String schemaOf = rs.getString("FKTABLE_SCHEM") != null
                        ? rs.getString("FKTABLE_SCHEM")
                        : rs.getString("FKTABLE_CAT");
                String parentPlace = rs.getString("PKTABLE_SCHEM") != null
                        ? rs.getString("PKTABLE_SCHEM")
                        : rs.getString("PKTABLE_CAT");
                String parent = rs.getString("PKTABLE_NAME");
                byKey.merge(
                        parentPlace + "." + parent + "/" + rs.getString("FK_NAME"),
                        new Key(
                                rs.getString("FK_NAME"),
                                schemaOf == null ? table : schemaOf + "." + table,
                                List.of(lower(rs.getString("FKCOLUMN_NAME"))),
                                parentPlace,
                                lower(parent),
                                parent,
                                List.of(lower(rs.getString("PKCOLUMN_NAME"))),
                                onDelete,
                                onUpdate),
                        Key::and);
            }
        }
        return List.copyOf(byKey.values());
    }

    /**
     * The keys of mapped table {@code t} that change one side's rows only: an old key the new
     * table does not share (its columns renamed by the mapping, a mapped parent by its new name),
     * and a new key the old table does not share. With a separate new database ({@code separate})
     * a parent the migration does not map is a copy there that the application's writes never
     * reach: an old key to one is never shared, a new key to one never fires.
     *
     * @param neu the new table's keys; {@code null} when they cannot be read (a separate database
     *     not given): every old key counts
     * @param stored a mapped parent's old name as the old side's catalog stores it
     */
    static List<CascadingKey> oneSided(
            TableMapping t,
            Mapping mapping,
            List<Key> old,
            List<Key> neu,
            boolean separate,
            UnaryOperator<String> stored) {
        List<CascadingKey> found = new ArrayList<>();
        for (Key k : old) {
            TableMapping parent = mapping.table(k.parent()).orElse(null);
            Key onNewSide = k.as(
                    c -> renamed(t, c),
                    parent == null ? k.parent() : lower(parent.newName()),
                    parent == null ? UnaryOperator.identity() : c -> renamed(parent, c));
            boolean shared = neu != null
                    && !(separate && parent == null)
                    && neu.stream().anyMatch(n -> n.sameAction(onNewSide, parent == null));
            if (!shared) {
                found.add(cascading(t, k, k.storedParent(), k.parentColumns()));
            }
        }
        for (Key n : neu == null ? List.<Key>of() : neu) {
            TableMapping parent = mapping.tables().stream()
                    .filter(p -> p.newName().equalsIgnoreCase(n.parent()))
                    .findFirst()
                    .orElse(null);
            if (separate && parent == null) {
                continue;
            }
            Key onOldSide = n.as(
                    c -> original(t, c),
                    parent == null ? n.parent() : lower(parent.oldName()),
                    parent == null ? UnaryOperator.identity() : c -> original(parent, c));
            if (old.stream().noneMatch(o -> o.sameAction(onOldSide, parent == null))) {
                found.add(cascading(
                        t,
                        n,
                        parent == null ? n.storedParent() : stored.apply(parent.oldName()),
                        onOldSide.parentColumns()));
            }
        }
        return found;
    }

    private static CascadingKey cascading(TableMapping t, Key k, String parent, List<String> parentColumns) {
        return new CascadingKey(parent, t.oldName(), k.name(), k.events(), Set.copyOf(parentColumns), k.description());
    }

    /** The new column of old column {@code column}: renamed by the mapping, else the same name. */
    private static String renamed(TableMapping t, String column) {
        for (var e : t.columns().entrySet()) {
            if (e.getKey().equalsIgnoreCase(column) && e.getValue() != null) {
                return lower(e.getValue());
            }
        }
        return column;
    }

    /** The old column of new column {@code column}: the one the mapping renames to it, else the same name. */
    private static String original(TableMapping t, String column) {
        for (var e : t.columns().entrySet()) {
            if (e.getValue() != null && e.getValue().equalsIgnoreCase(column)) {
                return lower(e.getKey());
            }
        }
        return column;
    }

    /** The action's name when it changes the child's rows, else {@code null}. */
    private static String changing(short rule) {
        return switch (rule) {
            case DatabaseMetaData.importedKeyCascade -> "CASCADE";
            case DatabaseMetaData.importedKeySetNull -> "SET NULL";
            case DatabaseMetaData.importedKeySetDefault -> "SET DEFAULT";
            default -> null;
        };
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
