package io.schemashift.rewriter;

import java.util.List;
import java.util.Map;

/**
 * How one table of the old schema maps onto the new schema. Immutable.
 *
 * @param oldName the table name as the application writes it
 * @param newName the table name in the new schema
 * @param newSchema schema (or catalog) qualifier of the new table, or {@code null} for none
 * @param key the row-identity columns, by old name, never empty
 * @param columns old column name to new column name; a {@code null} value means the column is
 *     dropped (not present in the new schema); old columns not listed keep their name
 * @param derived new column name to an SQL expression over old column names, computed from the
 *     values a statement writes (insertion order is kept)
 * @param oldColumns every column of the old table in table order, or empty when unknown; needed
 *     to expand {@code *} and column-less INSERTs
 * @param uniqueKeys the columns of each unique index of the old table by the index's name (a
 *     PostgreSQL unique constraint's index has its name), the primary key's included, columns by
 *     old name, from database metadata; {@code null} when not read. A MariaDB {@code ON DUPLICATE
 *     KEY UPDATE} conflicts on any of them
 * @param differingDefaults the old columns (by old name) whose default the new column does not
 *     share, from database metadata: an INSERT that leaves one to its default stores different
 *     values on the two sides. Empty when none differ or the defaults were not read
 * @param clockDefaults the old columns (by old name, keys aside) whose default, the same on the new
 *     column, is the current timestamp, with its call as the database reports it ({@code now()},
 *     {@code CURRENT_TIMESTAMP(6)}…), from database metadata: each side would read its own clock, so
 *     an INSERT that leaves one out writes one captured instant to both. Empty when none or not read
 * @param valuesLeftOut the old columns (by old name, keys aside) whose value where an INSERT leaves
 *     them out is known before it runs: {@code NULL} (nullable, without a default of their own or
 *     their domain's) or a constant default (a string of a variable-length string column, an integer
 *     of an integer column), each as the dialect writes it for the column's type ({@code CAST(NULL
 *     AS varchar)}, {@code CAST('active' AS varchar)} on PostgreSQL), from database metadata (a
 *     column of {@code clockDefaults} is known too: the time the write gives both sides, cast to its
 *     {@code roundingTypes} type): a derived column over one that an INSERT leaves out is computed
 *     from that value. Empty when none or not read
 * @param computedOnOneSide the old columns (by old name) that one side's table computes itself (a
 *     generated column) and the other's stores, with the table that computes each, from database
 *     metadata: any INSERT or UPDATE of the table may store different values on the two sides,
 *     and a write leaves a column the new table computes to it; and those whose two types round a
 *     written value apart ({@link ComputedBy#EACH_TABLE_ROUNDING}), which a write that sets them
 *     may store differently. Empty when none or not read
 * @param keptAlike of the columns (by old name) whose two types differ, what both keep alike of a
 *     value: a write whose values fit it stores them the same on both sides. A column whose types
 *     round a value apart without an entry keeps nothing alike; one without an entry otherwise has
 *     one type on both sides. Empty when none or not read
 * @param retyped the old columns (by old name) whose new column takes no value of the old
 *     column's type by assignment (PostgreSQL: {@code text} → {@code uuid}, {@code jsonb}, an enum,
 *     a number or a date; {@code integer} → {@code boolean}), from the catalog: the new side casts
 *     the values a statement writes to such a column and those it compares with it to the new type,
 *     and the column a query selects back to the old one. Also the string columns whose collation
 *     changes (PostgreSQL, MariaDB), which each side orders its own way. Empty when none or not read
 * @param roundingTypes the old columns (by old name) whose type rounds or cuts a written value (a
 *     number's scale, a time's fractional seconds, a date), each with its type as a {@code CAST}
 *     names it ({@code numeric(10,2)}, {@code timestamp(0)}; MariaDB's {@code DATETIME(0)}), from
 *     database metadata: a derived column over one is computed from the written value cast to it,
 *     what the old column stores and the backfill reads. Empty when none or not read
 */
public record TableMapping(
        String oldName,
        String newName,
        String newSchema,
        List<String> key,
        Map<String, String> columns,
        Map<String, String> derived,
        List<String> oldColumns,
        Map<String, List<String>> uniqueKeys,
        java.util.Set<String> differingDefaults,
        Map<String, String> clockDefaults,
        Map<String, ComputedBy> computedOnOneSide,
        Map<String, KeptAlike> keptAlike,
        Map<String, Retyped> retyped,
        Map<String, String> valuesLeftOut,
        Map<String, String> roundingTypes) {

    /**
     * A column whose type changes to one that takes no value of the old by assignment, or whose
     * collation changes ({@code newType} and {@code oldType} both {@code null}: the values need no
     * cast, but each side orders them its own way).
     *
     * @param newType the new column's type as a {@code CAST} names it; {@code null} for a collation
     * @param oldType the old column's type as a {@code CAST} names it on the new side, {@code null}
     *     when the new database does not know it (a value the new side reads stays of the new type)
     */
    public record Retyped(String newType, String oldType) {}

    /** Which table computes a column that the other table stores. */
    public enum ComputedBy {
        OLD_TABLE,
        NEW_TABLE,
        /**
         * Each table: neither generates the column, but their types round a written value apart
         * (numeric scale, fractional seconds, float width, CHAR padding), so each stores its own
         * value of it. Only a write that sets the column may store different values.
         */
        EACH_TABLE_ROUNDING
    }

    public TableMapping {
        key = List.copyOf(key);
        columns = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(columns));
        derived = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(derived));
        oldColumns = List.copyOf(oldColumns);
        differingDefaults = java.util.Set.copyOf(differingDefaults);
        clockDefaults = Map.copyOf(clockDefaults);
        computedOnOneSide = Map.copyOf(computedOnOneSide);
        keptAlike = Map.copyOf(keptAlike);
        retyped = Map.copyOf(retyped);
        valuesLeftOut = Map.copyOf(valuesLeftOut);
        roundingTypes = Map.copyOf(roundingTypes);
        if (uniqueKeys != null) {
            Map<String, List<String>> copy = new java.util.LinkedHashMap<>();
            uniqueKeys.forEach((index, indexColumns) -> copy.put(index, List.copyOf(indexColumns)));
            uniqueKeys = java.util.Collections.unmodifiableMap(copy);
        }
    }

    /**
     * Whether {@code column}, by its old or its new name (case-insensitive), has two types that
     * differ ({@link #keptAlike}): a value cut or clamped on both sides may be stored apart.
     */
    public boolean typedApart(String column) {
        for (String old : keptAlike.keySet()) {
            String renamed = columns.containsKey(old) ? columns.get(old) : old;
            if (old.equalsIgnoreCase(column) || (renamed != null && renamed.equalsIgnoreCase(column))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The new table's name of old column {@code column} (case-insensitive): its new name, or its own
     * when it keeps it; {@code null} when the new table drops it.
     */
    public String newColumn(String column) {
        for (Map.Entry<String, String> e : columns.entrySet()) {
            if (e.getKey().equalsIgnoreCase(column)) {
                return e.getValue();
            }
        }
        return column;
    }

    /** A mapping whose unique indexes are not read (yet). */
    public TableMapping(
            String oldName,
            String newName,
            String newSchema,
            List<String> key,
            Map<String, String> columns,
            Map<String, String> derived,
            List<String> oldColumns) {
        this(
                oldName,
                newName,
                newSchema,
                key,
                columns,
                derived,
                oldColumns,
                null,
                java.util.Set.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of());
    }

    /** The same mapping with the old table's column list filled in (from database metadata). */
    public TableMapping withOldColumns(List<String> columnsInTableOrder) {
        return new TableMapping(
                oldName,
                newName,
                newSchema,
                key,
                columns,
                derived,
                columnsInTableOrder,
                uniqueKeys,
                differingDefaults,
                clockDefaults,
                computedOnOneSide,
                keptAlike,
                retyped,
                valuesLeftOut,
                roundingTypes);
    }

    /** The same mapping with the old table's unique indexes filled in (from database metadata). */
    public TableMapping withUniqueKeys(Map<String, List<String>> keys) {
        return new TableMapping(
                oldName,
                newName,
                newSchema,
                key,
                columns,
                derived,
                oldColumns,
                keys,
                differingDefaults,
                clockDefaults,
                computedOnOneSide,
                keptAlike,
                retyped,
                valuesLeftOut,
                roundingTypes);
    }

    /**
     * The same mapping with the old columns whose default differs on the new side, those both
     * default to the current timestamp, and those whose value where an INSERT leaves them out is
     * known (from database metadata).
     */
    public TableMapping withDefaults(
            java.util.Set<String> differing, Map<String, String> clock, Map<String, String> leftOut) {
        return new TableMapping(
                oldName,
                newName,
                newSchema,
                key,
                columns,
                derived,
                oldColumns,
                uniqueKeys,
                differing,
                clock,
                computedOnOneSide,
                keptAlike,
                retyped,
                leftOut,
                roundingTypes);
    }

    /**
     * The same mapping with what the tables compute themselves (from database metadata): the old
     * columns one side computes and the other stores, and without the derived columns the new table
     * computes ({@code generatedDerived}), which the database fills and a write must leave alone;
     * and what the types of each column of {@code oneSided} that rounds values apart keep alike
     * ({@code kept}).
     */
    public TableMapping withComputed(
            Map<String, ComputedBy> oneSided, Map<String, KeptAlike> kept, java.util.Set<String> generatedDerived) {
        Map<String, String> written = new java.util.LinkedHashMap<>(derived);
        written.keySet().removeIf(c -> generatedDerived.stream().anyMatch(c::equalsIgnoreCase));
        return new TableMapping(
                oldName,
                newName,
                newSchema,
                key,
                columns,
                written,
                oldColumns,
                uniqueKeys,
                differingDefaults,
                clockDefaults,
                oneSided,
                kept,
                retyped,
                valuesLeftOut,
                roundingTypes);
    }

    /** The same mapping with the columns whose new type takes a cast of the written value (from the catalog). */
    public TableMapping withRetyped(Map<String, Retyped> changes) {
        return new TableMapping(
                oldName,
                newName,
                newSchema,
                key,
                columns,
                derived,
                oldColumns,
                uniqueKeys,
                differingDefaults,
                clockDefaults,
                computedOnOneSide,
                keptAlike,
                changes,
                valuesLeftOut,
                roundingTypes);
    }

    /** The same mapping with the old columns whose type rounds a written value, and that type (from the catalog). */
    public TableMapping withRoundingTypes(Map<String, String> types) {
        return new TableMapping(
                oldName,
                newName,
                newSchema,
                key,
                columns,
                derived,
                oldColumns,
                uniqueKeys,
                differingDefaults,
                clockDefaults,
                computedOnOneSide,
                keptAlike,
                retyped,
                valuesLeftOut,
                types);
    }
}
