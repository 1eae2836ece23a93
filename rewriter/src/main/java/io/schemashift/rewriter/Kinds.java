package io.schemashift.rewriter;

import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;

/** The {@link StatementKind} of a parsed statement, or of raw text by its first keyword. */
final class Kinds {

    private static final String STATEMENTS = "net.sf.jsqlparser.statement.";
    private static final java.util.Set<String> DDL_PACKAGES =
            java.util.Set.of("create", "alter", "drop", "truncate", "comment", "grant");

    private Kinds() {}

    static StatementKind of(Statement st) {
        if (st instanceof Select) {
            return StatementKind.SELECT;
        }
        if (st instanceof Insert i) {
            boolean upsert = i.getConflictAction() != null
                    || (i.getDuplicateUpdateSets() != null
                            && !i.getDuplicateUpdateSets().isEmpty());
            return upsert ? StatementKind.UPSERT : StatementKind.INSERT;
        }
        if (st instanceof Update) {
            return StatementKind.UPDATE;
        }
        if (st instanceof Delete) {
            return StatementKind.DELETE;
        }
        if (st instanceof Merge || st instanceof Upsert) {
            return StatementKind.UPSERT;
        }
        String pkg = st.getClass().getPackageName();
        String area =
                pkg.startsWith(STATEMENTS) ? pkg.substring(STATEMENTS.length()).split("\\.")[0] : "";
        return DDL_PACKAGES.contains(area) ? StatementKind.DDL : StatementKind.OTHER;
    }

    /** Kind by the first keyword, for text that is not parsed. */
    static StatementKind of(Tokens t) {
        int i = t.significant(0);
        while (t.isPunct(i, '(')) {
            i = t.significant(i + 1);
        }
        if (i >= t.size() || t.kind(i) != Tokens.WORD) {
            return StatementKind.OTHER;
        }
        String w = t.text(i).toLowerCase(java.util.Locale.ROOT);
        return switch (w) {
            case "select", "with", "values", "table" -> StatementKind.SELECT;
            case "insert" ->
                hasWord(t, i, "conflict") || hasWord(t, i, "duplicate") ? StatementKind.UPSERT : StatementKind.INSERT;
            case "replace", "merge", "upsert" -> StatementKind.UPSERT;
            case "update" -> StatementKind.UPDATE;
            case "delete" -> StatementKind.DELETE;
            case "create", "alter", "drop", "truncate", "rename", "comment" -> StatementKind.DDL;
            default -> StatementKind.OTHER;
        };
    }

    private static boolean hasWord(Tokens t, int from, String word) {
        for (int i = from; i < t.size(); i++) {
            if (t.isWord(i, word)) {
                return true;
            }
        }
        return false;
    }
}
