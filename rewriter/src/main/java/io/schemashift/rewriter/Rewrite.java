package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.sf.jsqlparser.parser.CCJSqlParserTreeConstants;
import net.sf.jsqlparser.parser.SimpleNode;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;

/**
 * The state of one rewrite of one statement: the text and its tokens, the edits for each side and
 * what was learnt on the way. Single-threaded and short-lived; only its immutable result escapes.
 */
final class Rewrite {

    final String sql;
    final Tokens tokens;
    final Names names;
    final Compiled mapping;
    final boolean write;
    final SimpleNode root;
    /** Edits that make the new-side statement. */
    final Edits newEdits;
    /** Edits that make the old side deterministic ({@code now()} to a parameter); applied to both sides. */
    final Edits oldEdits;

    final Set<NonDeterminism> nondeterminism = EnumSet.noneOf(NonDeterminism.class);
    final Set<String> tables = new TreeSet<>();
    /** Set when a clause was rebuilt (not just names substituted): the output is then re-parsed. */
    boolean regenerated;
    /** Set when the parse tree covers only the first VALUES row ({@link ValuesRows}). */
    boolean valuesCut;
    /** Set when a {@code *} whose columns reach the result leaves out a dropped column. */
    boolean narrowsResult;
    /** Set for MariaDB's {@code REPLACE}, rewritten as the INSERT it starts as and run as a REPLACE. */
    boolean replaces;
    /** Set for H2's {@code MERGE INTO t … [KEY (…)] VALUES}, rewritten as the INSERT it reads as and run as that MERGE. */
    boolean mergesByKey;

    private final Map<Column, SimpleNode> columnNodes = new IdentityHashMap<>();

    Rewrite(String sql, Tokens tokens, Compiled mapping, SimpleNode root, boolean write) {
        this.sql = sql;
        this.tokens = tokens;
        this.names = mapping.names;
        this.mapping = mapping;
        this.root = root;
        this.write = write;
        this.newEdits = new Edits(tokens);
        this.oldEdits = new Edits(tokens);
        List<SimpleNode> cols = new ArrayList<>();
        Trees.collect(root, CCJSqlParserTreeConstants.JJTCOLUMN, cols);
        for (SimpleNode n : cols) {
            if (n.jjtGetValue() instanceof Column c) {
                columnNodes.putIfAbsent(c, n);
            }
        }
    }

    /** The mapped table a table reference names, or {@code null}; CTE names shadow tables. */
    MappedTable mapped(Table t, Set<String> cteNames) {
        if (t == null || t.getName() == null) {
            return null;
        }
        if (t.getSchemaName() == null && cteNames.contains(names.canonical(t.getName()))) {
            return null;
        }
        MappedTable m = mapping.table(t);
        if (m != null) {
            tables.add(m.lowerName);
        }
        return m;
    }

    SimpleNode node(Column c) {
        SimpleNode n = columnNodes.get(c);
        if (n == null) {
            throw new IllegalStateException("column without a position");
        }
        return n;
    }

    /** Index of the last token inside {@code [start, end)}. */
    int lastToken(int end) {
        return tokens.indexAt(end) - 1;
    }

    /** Whether a column reference lies inside {@code [start, end)}. */
    boolean hasColumnIn(int start, int end) {
        for (SimpleNode n : columnNodes.values()) {
            if (Trees.start(n) >= start && Trees.end(n) <= end) {
                return true;
            }
        }
        return false;
    }

    /** The column references inside {@code [start, end)}. */
    List<Column> columnsIn(int start, int end) {
        List<Column> found = new ArrayList<>();
        columnNodes.forEach((c, n) -> {
            if (Trees.start(n) >= start && Trees.end(n) <= end) {
                found.add(c);
            }
        });
        return found;
    }

    String text(int start, int end) {
        return sql.substring(start, end);
    }
}
