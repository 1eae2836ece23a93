package io.schemashift.runtime;

import io.schemashift.rewriter.TableMapping;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The old columns (keys aside) whose default the new column does not share, from database
 * metadata: an INSERT that leaves such a column out (or writes {@code DEFAULT}) would store one
 * value on each side, mirrored and unrecorded. Defaults are compared as the database reports them,
 * casts aside: the same constant is shared, and so is the same current time ({@code now()}, {@code
 * CURRENT_TIMESTAMP}…), which each side reads when its statement runs (the mirror's a moment
 * later, on a separate database by that server's clock); any other call (a sequence, a UUID) or
 * another text differs.
 */
final class ColumnDefaults {

    /** PostgreSQL's casts in a reported default: {@code 'x'::character varying}, {@code '{}'::text[]}. */
    private static final Pattern CAST = Pattern.compile("::[a-z_ ]+(?:\\([0-9, ]*\\))?(?:\\[\\])*");
    /** The current time, as each side reads it when its statement runs. */
    private static final Pattern CURRENT_TIME = Pattern.compile(
            "(?:now\\(\\)|current_timestamp|current_date|current_time|localtimestamp|localtime)(?:\\(\\d*\\))?");

    private ColumnDefaults() {}

    /** Column name (lower case) → its default as reported, {@code null} for none, of one table. */
    static Map<String, String> read(DatabaseMetaData md, String catalog, String schemaPattern, String tablePattern)
            throws SQLException {
        Map<String, String> defaults = new HashMap<>();
        try (ResultSet rs = md.getColumns(catalog, schemaPattern, tablePattern, null)) {
            while (rs.next()) {
                defaults.put(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getString("COLUMN_DEF"));
            }
        }
        return defaults;
    }

    /**
     * The old columns of {@code table} (by old name) whose default differs from their new column's.
     *
     * @param oldDefaults the old table's, from {@link #read}
     * @param newDefaults the new table's, from {@link #read}; empty when the new table was not found
     *     (nothing is compared: its own check reports it)
     */
    static Set<String> differing(TableMapping table, Map<String, String> oldDefaults, Map<String, String> newDefaults) {
        Set<String> differing = new TreeSet<>();
        if (newDefaults.isEmpty()) {
            return differing;
        }
        for (Map.Entry<String, String> old : oldDefaults.entrySet()) {
            if (table.key().stream().anyMatch(old.getKey()::equalsIgnoreCase)) {
                continue; // a key the primary generates reaches the mirror as a value
            }
            String oldColumn = mappedName(table.columns(), old.getKey());
            String newColumn =
                    oldColumn == null ? old.getKey() : table.columns().get(oldColumn);
            if (oldColumn != null && newColumn == null) {
                continue; // dropped: the new side has nothing to default
            }
            String oldDefault = normalized(old.getValue());
            String newKey = newColumn.toLowerCase(Locale.ROOT);
            if (!newDefaults.containsKey(newKey)) {
                continue; // not a column of the new table: the mapping's own check reports it
            }
            String newDefault = normalized(newDefaults.get(newKey));
            if (!sharedNormalized(oldDefault, newDefault)) {
                differing.add(oldColumn != null ? oldColumn : old.getKey());
            }
        }
        return differing;
    }

    /**
     * Whether an old column whose default the database reports as {@code oldReported} and its new
     * column ({@code newReported}) store the same value where an INSERT leaves them out.
     */
    static boolean shared(String oldReported, String newReported) {
        return sharedNormalized(normalized(oldReported), normalized(newReported));
    }

    private static boolean sharedNormalized(String oldDefault, String newDefault) {
        if (oldDefault == null || newDefault == null) {
            return oldDefault == null && newDefault == null;
        }
        // a call other than the current time gives each side its own value
        return oldDefault.equals(newDefault)
                && (!oldDefault.contains("(")
                        || CURRENT_TIME.matcher(oldDefault).matches());
    }

    /** The default as compared: casts, outer parentheses and {@code NULL} dropped; lower case unless a quoted literal. */
    static String normalized(String reported) {
        if (reported == null) {
            return null;
        }
        String d = CAST.matcher(reported.trim()).replaceAll("").trim();
        while (d.startsWith("(") && d.endsWith(")") && d.length() > 2 && !d.contains("'")) {
            d = d.substring(1, d.length() - 1).trim(); // PostgreSQL's (0) around a number
        }
        if (d.isEmpty() || d.equalsIgnoreCase("null")) {
            return null;
        }
        return d.startsWith("'") ? d : d.toLowerCase(Locale.ROOT);
    }

    /** The key of {@code columns} that names {@code lower}, or {@code null}. */
    private static String mappedName(Map<String, String> columns, String lower) {
        for (String c : columns.keySet()) {
            if (c.equalsIgnoreCase(lower)) {
                return c;
            }
        }
        return null;
    }
}
