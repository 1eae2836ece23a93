package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * MariaDB's {@code LOCK TABLES}, after which the session may use the tables it locked alone: the
 * tables the driver writes and reads on the application's connection beside them are added to the
 * list, each new table locked as the statement locks its old one (alias and lock type alike).
 */
final class LockTables {

    /** A table added to the list: its bare name, lower case, and its item. */
    private record Added(String name, String item) {}

    private LockTables() {}

    /**
     * {@code t}'s statement with, after its list, each new table of an item naming a mapped table
     * that {@code routed} accepts (by lower-case old name), when {@code newTables}, then each of
     * {@code also} locked for writing, but those the statement locks itself; {@code null} when it is
     * no {@code LOCK TABLE[S]}, locks no such table, or leaves nothing to add.
     */
    static String extended(Tokens t, Compiled mapping, Predicate<String> routed, boolean newTables, List<String> also) {
        int lock = t.significant(0);
        int word = t.significant(lock + 1);
        if (!t.isWord(lock, "lock") || !(t.isWord(word, "table") || t.isWord(word, "tables"))) {
            return null;
        }
        List<Added> added = new ArrayList<>();
        List<String> locked = new ArrayList<>();
        boolean any = false;
        int listEnd = t.end(word);
        for (int item = t.significant(word + 1); item < t.size() && !t.isPunct(item, ';'); ) {
            int dot = t.significant(item + 1);
            int name = t.isPunct(dot, '.') ? t.significant(dot + 1) : item;
            int last = name;
            int next = t.significant(name + 1);
            while (next < t.size() && !t.isPunct(next, ',') && !t.isPunct(next, ';')) {
                last = next;
                next = t.significant(next + 1);
            }
            locked.add(bare(t.text(name)));
            MappedTable m = mapping.relation(t, name) ? mapping.table(mapping.names.canonical(t.text(name))) : null;
            if (m != null && routed.test(m.lowerName)) {
                any = true;
                if (newTables) {
                    added.add(new Added(
                            bare(m.mapping.newName()), m.newSqlName + t.sql.substring(t.end(name), t.end(last))));
                }
            }
            listEnd = t.end(last);
            item = t.isPunct(next, ',') ? t.significant(next + 1) : t.size();
        }
        also.forEach(table -> added.add(new Added(bare(table), table + " WRITE")));
        // a table the application locks itself (as the docs once told it to) is not locked twice
        added.removeIf(a -> locked.contains(a.name()));
        if (!any || added.isEmpty()) {
            return null;
        }
        String sql = t.sql;
        return sql.substring(0, listEnd) + ", "
                + String.join(", ", added.stream().map(Added::item).toList()) + sql.substring(listEnd);
    }

    /** A table's name without schema and quotes, lower case (MariaDB compares them so on most systems). */
    private static String bare(String name) {
        return name.substring(name.lastIndexOf('.') + 1).replace("`", "").toLowerCase(Locale.ROOT);
    }
}
