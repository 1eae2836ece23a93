package io.schemashift.rewriter;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Statements that differ only in their literals ({@code WHERE id = 42}, {@code WHERE id = 43})
 * share one rewrite: a lexer pass lifts the literals out as {@code ?}, as query digests do, the
 * shape is rewritten once, and each statement gets the shape's result with its own literals put
 * back into the text. Thread-safe.
 *
 * <p>A shape is trusted only after its first statement: the result put together from the shape
 * must equal that statement's own rewrite, or the shape is marked to be rewritten statement by
 * statement (a literal that shows in an H2 column label, a literal JSqlParser does not accept as
 * {@code ?}). The key carries the class of each lifted literal (string, integer, decimal,
 * exponent, negative), so that the check covers every class a shape is used with; nothing in the
 * rewriter reads a lifted literal's value beyond its class, which {@code ShapesTest} checks over the
 * golden corpus with random values. The one literal whose value it reads, a column position in
 * {@code ORDER BY} or {@code GROUP BY}, is not lifted ({@link Ordinals}).
 */
final class Shapes {

    /** The marker of a shape whose statements are rewritten one by one. */
    private static final Object DIRECT = new Object();

    /**
     * Words after which a literal is part of a type literal ({@code DATE '2024-01-01'}, {@code
     * INTERVAL 1 DAY}, the JDBC escape {@code {d '2024-01-01'}}).
     */
    private static final Set<String> TYPE_WORDS = Set.of("date", "time", "timestamp", "interval", "d", "t", "ts");

    /** Longest integer lifted: 18 digits always fit a {@code long}. */
    private static final int MAX_INTEGER_DIGITS = 18;

    private final Dialect dialect;
    private final Cache<String, Object> cache;

    Shapes(Dialect dialect, long maxBytes) {
        this.dialect = dialect;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, Object v) -> 2 * key.length() + (v instanceof Template t ? t.bytes : 16))
                .build();
    }

    /**
     * The statement's literals lifted out, or {@code null} when it has none that can be.
     *
     * @param key the statement with each lifted literal replaced by {@code ?} (the shape's text),
     *     a NUL, and the class of each lifted literal
     * @param starts start offset in the statement of each lifted literal
     * @param ends end offset of each lifted literal
     * @param params for each {@code ?} of {@code shapeSql}, in order: the statement's own parameter
     *     number (1-based), or {@code -1 - k} for the {@code k}-th lifted literal
     */
    record Lifted(String key, int[] starts, int[] ends, int[] params) {
        /** The shape's text: the statement with each lifted literal replaced by {@code ?}. */
        String shapeSql() {
            return key.substring(0, key.lastIndexOf('\0'));
        }
    }

    static Lifted lift(Tokens t) {
        String sql = t.sql;
        StringBuilder shape = null;
        StringBuilder classes = null;
        int[] starts = new int[4];
        int[] ends = new int[4];
        int[] params = new int[t.paramCount() + 4];
        int lifted = 0;
        int slots = 0;
        int cursor = 0;
        int own = 0;
        Ordinals ordinals = new Ordinals();
        for (int i = 0; i < t.size(); i++) {
            byte kind = t.kind(i);
            ordinals.pass(t, i);
            if (kind == Tokens.PARAM) {
                params = grow(params, slots);
                params[slots++] = ++own;
                continue;
            }
            char cls = kind == Tokens.STRING ? stringClass(t, i) : kind == Tokens.NUMBER ? numberClass(t, i) : 0;
            if (cls == 0 || (kind == Tokens.NUMBER && ordinals.isPosition(t, i))) {
                continue;
            }
            int start = t.start(i);
            if (kind == Tokens.NUMBER && negative(t, i)) {
                start = t.start(i - 1);
                cls = Character.toUpperCase(cls);
            }
            if (shape == null) {
                shape = new StringBuilder(sql.length());
                classes = new StringBuilder();
            }
            shape.append(sql, cursor, start).append('?');
            classes.append(cls);
            cursor = t.end(i);
            starts = grow(starts, lifted);
            ends = grow(ends, lifted);
            starts[lifted] = start;
            ends[lifted] = cursor;
            params = grow(params, slots);
            params[slots++] = -1 - lifted;
            lifted++;
        }
        if (shape == null) {
            return null;
        }
        return new Lifted(
                shape.append(sql, cursor, sql.length())
                        .append('\0')
                        .append(classes)
                        .toString(),
                Arrays.copyOf(starts, lifted),
                Arrays.copyOf(ends, lifted),
                Arrays.copyOf(params, slots));
    }

    /** The shape's result for the statement, or {@code null} when the shape is new or not lifted. */
    RewriteResult known(String sql, Lifted lifted) {
        return cache.getIfPresent(lifted.key()) instanceof Template t ? t.instantiate(sql, lifted) : null;
    }

    /**
     * Learns the shape from its first statement: rewrites the shape and keeps it when the result
     * put together for {@code sql} equals {@code direct}, the statement's own rewrite. Does
     * nothing when the shape is known already (to be rewritten statement by statement).
     *
     * @param shapeRewrite rewrites a shape's text with its tokens
     */
    void learn(String sql, Lifted lifted, RewriteResult direct, ShapeRewrite shapeRewrite) {
        if (timedOut(direct) || cache.getIfPresent(lifted.key()) != null) {
            return;
        }
        Object entry = DIRECT;
        try {
            String shapeSql = lifted.shapeSql();
            RewriteResult shaped = shapeRewrite.rewrite(shapeSql, Tokens.lex(shapeSql, dialect));
            if (timedOut(shaped)) {
                return;
            }
            // every statement of a shape has the same fingerprint (literals are ? in it): the first one's
            Template t = Template.of(shaped, direct.fingerprint(), lifted, dialect);
            if (t != null && direct.equals(t.instantiate(sql, lifted))) {
                entry = t;
            }
        } catch (RuntimeException | StackOverflowError e) {
            // the shape is rewritten statement by statement
        }
        cache.put(lifted.key(), entry);
    }

    /** How the rewriter rewrites a text it has lexed. */
    @FunctionalInterface
    interface ShapeRewrite {
        RewriteResult rewrite(String sql, Tokens tokens);
    }

    /**
     * Tracks the {@code ORDER BY} and {@code GROUP BY} lists a lexer pass is in, by parenthesis depth: an
     * integer that is a whole item of one is a column position ({@code ORDER BY 6}), whose value the
     * rewriter reads ({@link OrdinalPositions}), so it stays in the shape.
     */
    private static final class Ordinals {

        /** Words that end an ordering list at its depth. */
        private static final String[] LIST_ENDS = {
            "limit",
            "offset",
            "fetch",
            "having",
            "for",
            "union",
            "except",
            "intersect",
            "window",
            "order",
            "qualify",
            "returning"
        };
        /** What may follow a position within its list. */
        private static final String[] AFTER_POSITION = {"asc", "desc", "nulls"};

        /** Bit {@code d}: an ordering list is open at parenthesis depth {@code d} (deeper ones share bit 63). */
        private long open;

        private int depth;

        void pass(Tokens t, int i) {
            byte kind = t.kind(i);
            if (kind == Tokens.PUNCT) {
                if (t.isPunct(i, '(')) {
                    depth++;
                    open &= ~bit();
                } else if (t.isPunct(i, ')')) {
                    open &= ~bit();
                    depth--;
                } else if (t.isPunct(i, ';')) {
                    open &= ~bit();
                }
            } else if (kind == Tokens.WORD) {
                if (t.isWord(i, "by") && afterOrderOrGroup(t, i)) {
                    open |= bit();
                } else if (open != 0 && isAny(t, i, LIST_ENDS)) { // most statements never open a list
                    open &= ~bit();
                }
            }
        }

        boolean isPosition(Tokens t, int i) {
            if ((open & bit()) == 0) {
                return false;
            }
            int before = t.significantBefore(i);
            int after = t.significant(i + 1);
            boolean starts = before >= 0 && (t.isWord(before, "by") || t.isPunct(before, ','));
            boolean ends = after >= t.size()
                    || t.isPunct(after, ',')
                    || t.isPunct(after, ')')
                    || t.isPunct(after, ';')
                    || isAny(t, after, AFTER_POSITION)
                    || isAny(t, after, LIST_ENDS);
            return starts && ends;
        }

        private long bit() {
            return 1L << Math.min(Math.max(depth, 0), 63);
        }

        private static boolean afterOrderOrGroup(Tokens t, int i) {
            int before = t.significantBefore(i);
            return before >= 0 && (t.isWord(before, "order") || t.isWord(before, "group"));
        }

        /** Whether token {@code i} is one of {@code words} (no text is cut out: this runs on every token). */
        private static boolean isAny(Tokens t, int i, String[] words) {
            for (String w : words) {
                if (t.isWord(i, w)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static boolean timedOut(RewriteResult r) {
        return r instanceof Refused f && f.reason() == RefusalReason.TIME_BOUND;
    }

    /**
     * {@code 's'} for a plain {@code '…'} string that stands alone; 0 for any other: prefixed,
     * typed, quoted otherwise, or holding a backslash (an escape in MariaDB, and JSqlParser's
     * reading of it differs from the server's: such a statement may not parse where another value
     * does).
     */
    private static char stringClass(Tokens t, int i) {
        int start = t.start(i);
        if (t.sql.charAt(start) != '\''
                || (start > 0 && Tokens.isWordPart(t.sql.charAt(start - 1)))
                || holdsBackslash(t.sql, start, t.end(i))) {
            return 0;
        }
        return afterTypeWord(t, i) ? 0 : 's';
    }

    /** {@code 'i'}, {@code 'd'} or {@code 'e'} for a decimal number that stands alone; 0 for hex, glued or typed ones. */
    private static char numberClass(Tokens t, int i) {
        String sql = t.sql;
        int start = t.start(i);
        int end = t.end(i);
        if ((start > 0 && (Tokens.isWordPart(sql.charAt(start - 1)) || sql.charAt(start - 1) == '.'))
                || (end < sql.length() && (Tokens.isWordPart(sql.charAt(end)) || sql.charAt(end) == '.'))
                || afterTypeWord(t, i)) {
            return 0;
        }
        // digits, an optional fraction, an optional exponent: not 0x1F, 1., .5 or 1e
        int c = digits(sql, start, end);
        if (c == start) {
            return 0;
        }
        boolean fraction = c < end && sql.charAt(c) == '.';
        if (fraction) {
            int f = digits(sql, c + 1, end);
            if (f == c + 1) {
                return 0;
            }
            c = f;
        }
        if (c == end) {
            return fraction ? 'd' : end - start <= MAX_INTEGER_DIGITS ? 'i' : 0;
        }
        if ((sql.charAt(c) | 32) != 'e') {
            return 0;
        }
        c++;
        if (c < end && (sql.charAt(c) == '+' || sql.charAt(c) == '-')) {
            c++;
        }
        return c < end && digits(sql, c, end) == end ? 'e' : 0;
    }

    /** A {@code -} glued to the number and following an operator or opening: a sign, not a subtraction. */
    private static boolean negative(Tokens t, int i) {
        if (i < 2 || !t.isPunct(i - 1, '-') || t.end(i - 1) != t.start(i)) {
            return false;
        }
        return t.kind(i - 2) == Tokens.PUNCT && !t.isPunct(i - 2, ')') && !t.isPunct(i - 2, ']');
    }

    private static boolean afterTypeWord(Tokens t, int i) {
        int j = i - 1;
        while (j >= 0 && (t.kind(j) == Tokens.COMMENT || (t.isPunct(j, '-') && j == i - 1))) {
            j--;
        }
        return j >= 0
                && t.kind(j) == Tokens.WORD
                && TYPE_WORDS.contains(t.text(j).toLowerCase(Locale.ROOT));
    }

    private static boolean holdsBackslash(String sql, int from, int end) {
        for (int c = from; c < end; c++) {
            if (sql.charAt(c) == '\\') {
                return true;
            }
        }
        return false;
    }

    /** The end of the run of digits from {@code from}. */
    private static int digits(String sql, int from, int end) {
        while (from < end && Character.isDigit(sql.charAt(from))) {
            from++;
        }
        return from;
    }

    private static int[] grow(int[] a, int size) {
        return size < a.length ? a : Arrays.copyOf(a, a.length * 2);
    }

    /** A shape's rewrite with the places of its lifted literals. Immutable. */
    private static final class Template {

        private final RewriteResult shaped;
        private final Side newSide;
        private final Side oldSide;
        private final Side newWithKeys;
        private final Side oldWithKeys;
        /** The {@link KeyedMirror}'s statements; {@code null}: none. */
        private final KeyedSides keyed;
        /** Per key row and column: a {@link ParamSource}, or the Integer index of a lifted literal. */
        private final List<List<Object>> keys;
        /** The upsert probe's rows, as {@link #keys}; {@code null}: none. */
        private final List<List<Object>> probe;
        /** The rounded values' rows, as {@link #keys}; {@code null}: none. */
        private final List<List<Object>> rounded;

        final int bytes;

        private Template(
                RewriteResult shaped,
                Side n,
                Side o,
                Side nk,
                Side ok,
                KeyedSides keyed,
                List<List<Object>> keys,
                List<List<Object>> probe,
                List<List<Object>> rounded) {
            this.shaped = shaped;
            this.newSide = n;
            this.oldSide = o;
            this.newWithKeys = nk;
            this.oldWithKeys = ok;
            this.keyed = keyed;
            this.keys = keys;
            this.probe = probe;
            this.rounded = rounded;
            this.bytes = 200
                    + Side.bytes(n)
                    + Side.bytes(o)
                    + Side.bytes(nk)
                    + Side.bytes(ok)
                    + (keyed == null ? 0 : keyed.bytes())
                    + 32 * keys.size()
                    + (probe == null ? 0 : 32 * probe.size())
                    + (rounded == null ? 0 : 32 * rounded.size());
        }

        /** {@code null} when a side's {@code ?} and its parameter sources do not line up. */
        static Template of(RewriteResult shaped, Fingerprint fp, Lifted lifted, Dialect dialect) {
            if (shaped instanceof Untouched u) {
                return new Template(
                        new Untouched(u.sql(), u.kind(), fp), null, null, null, null, null, List.of(), null, null);
            }
            if (shaped instanceof Refused f) {
                Refused r = new Refused(f.kind(), f.tables(), fp, f.reason(), f.message());
                return new Template(r, null, null, null, null, null, List.of(), null, null);
            }
            Rewritten w = (Rewritten) shaped;
            Side n = Side.of(w.newSide(), lifted, dialect);
            Side o = Side.of(w.oldSide(), lifted, dialect);
            Side nk = w.newSideWithKeys() == null ? null : Side.of(w.newSideWithKeys(), lifted, dialect);
            Side ok = w.oldSideWithKeys() == null ? null : Side.of(w.oldSideWithKeys(), lifted, dialect);
            KeyedMirror keyed = w.keyedMirror();
            KeyedSides kb = keyed == null ? null : KeyedSides.of(keyed, lifted, dialect);
            if (n == null
                    || o == null
                    || (nk == null) != (w.newSideWithKeys() == null)
                    || (ok == null) != (w.oldSideWithKeys() == null)
                    || (keyed != null && kb == null)) {
                return null;
            }
            List<List<Object>> keys = remapped(w.keys(), lifted);
            List<List<Object>> probe =
                    w.probe() == null ? null : remapped(w.probe().rows(), lifted);
            List<List<Object>> rounded =
                    w.rounded() == null ? null : remapped(w.rounded().rows(), lifted);
            Rewritten withFp = new Rewritten(
                    w.kind(),
                    w.tables(),
                    fp,
                    w.newSide(),
                    w.oldSide(),
                    w.generatedKeyColumns(),
                    w.newSideWithKeys(),
                    w.oldSideWithKeys(),
                    w.nondeterminism(),
                    List.of(),
                    w.ordered(),
                    w.narrowsResult(),
                    w.writesUnmapped(),
                    w.insertsEveryRow(),
                    w.probe(),
                    w.rounded(),
                    w.readBack(),
                    keyed);
            return new Template(withFp, n, o, nk, ok, kb, keys, probe, rounded);
        }

        /** Rows of sources, a lifted literal as its index ({@link Integer}) among the lifted ones. */
        private static List<List<Object>> remapped(List<List<ParamSource>> rows, Lifted lifted) {
            List<List<Object>> out = new ArrayList<>();
            for (List<ParamSource> row : rows) {
                List<Object> r = new ArrayList<>();
                for (ParamSource s : row) {
                    r.add(Side.remap(s, lifted));
                }
                out.add(List.copyOf(r));
            }
            return List.copyOf(out);
        }

        RewriteResult instantiate(String sql, Lifted lifted) {
            if (shaped instanceof Untouched u) {
                return new Untouched(sql, u.kind(), u.fingerprint());
            }
            if (!(shaped instanceof Rewritten w)) {
                return shaped; // a refusal names no value
            }
            return new Rewritten(
                    w.kind(),
                    w.tables(),
                    w.fingerprint(),
                    newSide.instantiate(sql, lifted),
                    oldSide.instantiate(sql, lifted),
                    w.generatedKeyColumns(),
                    newWithKeys == null ? null : newWithKeys.instantiate(sql, lifted),
                    oldWithKeys == null ? null : oldWithKeys.instantiate(sql, lifted),
                    w.nondeterminism(),
                    instantiated(keys, sql, lifted),
                    w.ordered(),
                    w.narrowsResult(),
                    w.writesUnmapped(),
                    w.insertsEveryRow(),
                    probe == null
                            ? null
                            : new UpsertProbe(
                                    w.probe().columns(), w.probe().groups(), instantiated(probe, sql, lifted)),
                    rounded == null ? null : new RoundedValues(w.rounded().kept(), instantiated(rounded, sql, lifted)),
                    w.readBack(),
                    keyed == null
                            ? null
                            : keyed.instantiate(sql, lifted, w.keyedMirror().nondeterminism()));
        }

        /** {@link #remapped} rows with this statement's literals put back. */
        private static List<List<ParamSource>> instantiated(List<List<Object>> rows, String sql, Lifted lifted) {
            if (rows.isEmpty()) {
                return List.of();
            }
            List<List<ParamSource>> out = new ArrayList<>(rows.size());
            for (List<Object> row : rows) {
                List<ParamSource> r = new ArrayList<>(row.size());
                for (Object s : row) {
                    r.add(
                            s instanceof Integer lit
                                    ? new ParamSource.Literal(literal(sql, lifted, lit))
                                    : (ParamSource) s);
                }
                out.add(List.copyOf(r));
            }
            return List.copyOf(out);
        }
    }

    private static String literal(String sql, Lifted lifted, int k) {
        return sql.substring(lifted.starts()[k], lifted.ends()[k]);
    }

    /** A {@link KeyedMirror}'s statements cut at the lifted literals; the primaries {@code null} as there. */
    private record KeyedSides(Side newSide, Side oldSide, Side newPrimary, Side oldPrimary) {

        /** {@code null} when a statement's {@code ?} and its parameter sources do not line up. */
        static KeyedSides of(KeyedMirror k, Lifted lifted, Dialect dialect) {
            Side n = Side.of(k.newSide(), lifted, dialect);
            Side o = Side.of(k.oldSide(), lifted, dialect);
            Side np = k.newPrimary() == null ? null : Side.of(k.newPrimary(), lifted, dialect);
            Side op = k.oldPrimary() == null ? null : Side.of(k.oldPrimary(), lifted, dialect);
            if (n == null
                    || o == null
                    || (np == null) != (k.newPrimary() == null)
                    || (op == null) != (k.oldPrimary() == null)) {
                return null;
            }
            return new KeyedSides(n, o, np, op);
        }

        int bytes() {
            return Side.bytes(newSide) + Side.bytes(oldSide) + Side.bytes(newPrimary) + Side.bytes(oldPrimary);
        }

        KeyedMirror instantiate(String sql, Lifted lifted, Set<NonDeterminism> nondeterminism) {
            return new KeyedMirror(
                    newSide.instantiate(sql, lifted),
                    oldSide.instantiate(sql, lifted),
                    newPrimary == null ? null : newPrimary.instantiate(sql, lifted),
                    oldPrimary == null ? null : oldPrimary.instantiate(sql, lifted),
                    nondeterminism);
        }
    }

    /**
     * One side's text cut at its lifted literals: {@code pieces[0]}, literal {@code slots[0]},
     * {@code pieces[1]}, … and the sources of the {@code ?} that stay.
     */
    private record Side(String[] pieces, int[] slots, List<ParamSource> params) {

        static Side of(SideStatement s, Lifted lifted, Dialect dialect) {
            Tokens t = Tokens.lex(s.sql(), dialect);
            if (t.paramCount() != s.params().size()) {
                return null;
            }
            List<String> pieces = new ArrayList<>();
            int[] slots = new int[t.paramCount()];
            int n = 0;
            List<ParamSource> params = new ArrayList<>();
            int cursor = 0;
            for (int k = 0; k < t.paramCount(); k++) {
                Object source = remap(s.params().get(k), lifted);
                if (source instanceof Integer lit) {
                    pieces.add(s.sql().substring(cursor, t.paramOffset(k)));
                    slots[n++] = lit;
                    cursor = t.paramOffset(k) + 1;
                } else {
                    params.add((ParamSource) source);
                }
            }
            pieces.add(s.sql().substring(cursor));
            return new Side(pieces.toArray(String[]::new), Arrays.copyOf(slots, n), List.copyOf(params));
        }

        /** The source of a shape's parameter for the statement: its own parameter, or a lifted literal's index. */
        static Object remap(ParamSource s, Lifted lifted) {
            if (s instanceof ParamSource.Bound b) {
                int p = lifted.params()[b.index() - 1];
                return p > 0 ? new ParamSource.Bound(p) : Integer.valueOf(-1 - p);
            }
            return s;
        }

        SideStatement instantiate(String sql, Lifted lifted) {
            if (slots.length == 0) {
                return new SideStatement(pieces[0], params);
            }
            StringBuilder out = new StringBuilder(sql.length() + pieces[0].length() * 2);
            for (int i = 0; i < slots.length; i++) {
                out.append(pieces[i]).append(sql, lifted.starts()[slots[i]], lifted.ends()[slots[i]]);
            }
            return new SideStatement(out.append(pieces[slots.length]).toString(), params);
        }

        static int bytes(Side s) {
            if (s == null) {
                return 0;
            }
            int b = 64 + 4 * s.slots.length + 24 * s.params.size();
            for (String p : s.pieces) {
                b += 40 + 2 * p.length();
            }
            return b;
        }
    }
}
