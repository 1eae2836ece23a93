package io.schemashift.rewriter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A {@link Mapping} prepared for one dialect: tables by canonical name. Immutable. */
final class Compiled {

    final Names names;
    private final Map<String, MappedTable> tables = new HashMap<>();
    /** Old table names, lower case, for the no-parse fast path. */
    final List<String> lowerNames;

    Compiled(Mapping mapping, Dialect dialect) {
        this.names = new Names(dialect);
        for (TableMapping t : mapping.tables()) {
            tables.put(names.fold(t.oldName()), new MappedTable(t, names));
        }
        this.lowerNames = mapping.tables().stream()
                .map(t -> t.oldName().toLowerCase(java.util.Locale.ROOT))
                .toList();
    }

    MappedTable table(String canonical) {
        return tables.get(canonical);
    }

    /** Whether {@code sql} may name a mapped table: a case-insensitive substring scan. */
    boolean mayMention(String sql) {
        for (String name : lowerNames) {
            if (containsIgnoreCase(sql, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsIgnoreCase(String text, String lowerNeedle) {
        int n = lowerNeedle.length();
        char first = lowerNeedle.charAt(0);
        char firstUpper = Character.toUpperCase(first);
        for (int i = 0, last = text.length() - n; i <= last; i++) {
            char c = text.charAt(i);
            if ((c == first || c == firstUpper) && text.regionMatches(true, i, lowerNeedle, 0, n)) {
                return true;
            }
        }
        return false;
    }
}
