package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Text edits on the original SQL, applied by splicing: everything outside an edit (comments and
 * hints included) is copied byte for byte. Edits must not overlap; {@link #replace} of a range
 * absorbs the edits inside it, so a clause can be rebuilt from its already-edited parts.
 */
final class Edits {

    private record Edit(int start, int end, Fragment text, int seq) {}

    private static final Comparator<Edit> ORDER =
            Comparator.comparingInt(Edit::start).thenComparingInt(Edit::end).thenComparingInt(Edit::seq);

    private final Tokens tokens;
    private final List<Edit> edits;
    private int seq;

    Edits(Tokens tokens) {
        this(tokens, new ArrayList<>());
    }

    private Edits(Tokens tokens, List<Edit> edits) {
        this.tokens = tokens;
        this.edits = edits;
        this.seq = edits.size();
    }

    Edits copy() {
        return new Edits(tokens, new ArrayList<>(edits));
    }

    boolean isEmpty() {
        return edits.isEmpty();
    }

    void replace(int start, int end, String text) {
        replace(start, end, Fragment.of(text));
    }

    /** Replaces {@code [start, end)}, dropping the edits inside it (their effect is in {@code text}). */
    void replace(int start, int end, Fragment text) {
        edits.removeIf(e -> e.start >= start && e.end <= end);
        edits.add(new Edit(start, end, text, seq++));
    }

    /**
     * {@link #replace(int, int, Fragment)} of many ranges at once, in one pass over the edits
     * (a multi-row INSERT replaces every row: one by one would take time quadratic in the rows).
     *
     * @param starts range starts, ascending; the ranges {@code [starts[i], ends[i])} do not overlap
     */
    void replaceEach(int[] starts, int[] ends, List<Fragment> texts) {
        edits.removeIf(e -> {
            int i = java.util.Arrays.binarySearch(starts, e.start);
            i = i >= 0 ? i : -i - 2; // the last range starting at or before the edit
            return i >= 0 && e.end <= ends[i];
        });
        for (int i = 0; i < starts.length; i++) {
            edits.add(new Edit(starts[i], ends[i], texts.get(i), seq++));
        }
    }

    void insert(int at, String text) {
        insert(at, Fragment.of(text));
    }

    void insert(int at, Fragment text) {
        edits.add(new Edit(at, at, text, seq++));
    }

    /** The text of {@code [from, to)} with the edits inside it applied (insertions at {@code to} too). */
    Fragment render(int from, int to) {
        return render(from, to, true);
    }

    /** Like {@link #render(int, int)}; {@code withTrailing = false} leaves out insertions at {@code to} (labels). */
    Fragment render(int from, int to, boolean withTrailing) {
        List<Edit> inside = new ArrayList<>();
        for (Edit e : edits) {
            boolean trailing = e.start == to && e.end == to && from != to;
            if (e.start >= from && e.end <= to && (withTrailing || !trailing)) {
                inside.add(e);
            } else if (e.start < to && e.end > from && !trailing) {
                throw new IllegalStateException("edit straddles a rendered range");
            }
        }
        inside.sort(ORDER);
        StringBuilder text = new StringBuilder(to - from + 32);
        List<ParamSource> params = new ArrayList<>();
        int cursor = from;
        for (Edit e : inside) {
            if (e.start < cursor) {
                throw new IllegalStateException("overlapping edits");
            }
            copy(cursor, e.start, text, params);
            String t = e.text.text();
            // "SELECT*FROM" edited to "SELECT id FROM": keep words from fusing
            if (!t.isEmpty()
                    && text.length() > 0
                    && Tokens.isWordPart(text.charAt(text.length() - 1))
                    && Tokens.isWordPart(t.charAt(0))) {
                text.append(' ');
            }
            text.append(t);
            if (!t.isEmpty()
                    && e.end < to
                    && Tokens.isWordPart(t.charAt(t.length() - 1))
                    && Tokens.isWordPart(tokens.sql.charAt(e.end))) {
                text.append(' ');
            }
            params.addAll(e.text.params());
            cursor = e.end;
        }
        copy(cursor, to, text, params);
        return new Fragment(text.toString(), params);
    }

    Fragment render() {
        return render(0, tokens.sql.length());
    }

    private void copy(int from, int to, StringBuilder text, List<ParamSource> params) {
        text.append(tokens.sql, from, to);
        for (int k = tokens.firstParamFrom(from); k < tokens.paramCount() && tokens.paramOffset(k) < to; k++) {
            params.add(new ParamSource.Bound(k + 1));
        }
    }
}
