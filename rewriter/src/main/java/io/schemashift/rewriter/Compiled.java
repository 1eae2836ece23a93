package io.schemashift.rewriter;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
                .map(t -> t.oldName().toLowerCase(Locale.ROOT))
                .toList();
    }

    /**
     * Mapped tables whose name occurs as a word in the text: the lexical scan that decides which
     * tables a statement touches when it is not parsed (too long, unparseable, out of time, or a
     * rewriter failure). Errs towards naming a table: a column or alias with a mapped table's name
     * counts too.
     */
    Set<String> mentioned(Tokens tokens) {
        Set<String> found = new TreeSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.kind(i) == Tokens.WORD || tokens.kind(i) == Tokens.QUOTED) {
                MappedTable m = tables.get(names.canonical(tokens.text(i)));
                if (m != null) {
                    found.add(m.lowerName);
                }
            }
        }
        return found;
    }

    /** Like {@link #mentioned(Tokens)} when not even the tokens are known: any occurrence counts. */
    Set<String> mentioned(String sql) {
        Set<String> found = new TreeSet<>();
        for (String name : lowerNames) {
            if (containsIgnoreCase(sql, name)) {
                found.add(name);
            }
        }
        return found;
    }

    MappedTable table(String canonical) {
        return tables.get(canonical);
    }

    /** The mapped table a parsed table reference names, or {@code null}. */
    MappedTable table(net.sf.jsqlparser.schema.Table t) {
        return t.getName() == null ? null : tables.get(names.canonical(t.getName()));
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
