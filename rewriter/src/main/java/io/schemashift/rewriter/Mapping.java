package io.schemashift.rewriter;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The whole old-to-new mapping: every mapped table, looked up case-insensitively. Immutable;
 * {@link #version()} identifies its content in caches.
 */
public final class Mapping {

    private final Map<String, TableMapping> tables;
    private final long version;

    private Mapping(Map<String, TableMapping> tables) {
        this.tables = tables;
        this.version = tables.hashCode();
    }

    /**
     * A mapping of the given tables.
     *
     * @throws IllegalArgumentException if two mappings have the same old table name
     */
    public static Mapping of(Collection<TableMapping> tableMappings) {
        Map<String, TableMapping> byName = new LinkedHashMap<>();
        for (TableMapping t : tableMappings) {
            if (byName.put(t.oldName().toLowerCase(Locale.ROOT), t) != null) {
                throw new IllegalArgumentException("table " + t.oldName() + " is mapped twice");
            }
        }
        return new Mapping(java.util.Collections.unmodifiableMap(byName));
    }

    /** The mapping of the old table {@code name} (case-insensitive), if it is mapped. */
    public Optional<TableMapping> table(String name) {
        return Optional.ofNullable(tables.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Every mapped table, in configuration order. */
    public Collection<TableMapping> tables() {
        return tables.values();
    }

    /** A value that changes whenever the mapping's content changes. */
    public long version() {
        return version;
    }
}
