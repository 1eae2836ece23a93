package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The values a column reference is compared with, found by the tokens beside it: {@code c = ?},
 * {@code ? <> c}, {@code c IN (?, 'x')}, {@code c NOT IN (…)}, {@code c BETWEEN ? AND ?}, {@code
 * c IS [NOT] DISTINCT FROM ?}, {@code c = ANY (?)} (an array parameter), {@code c = o.ref} (a
 * join). A value is one parameter, literal (a number may be signed) or column reference; a
 * comparison with anything else (an expression, a subquery) yields none, and so does one whose
 * column or value is an operand of a tighter operator ({@code c || 'x' = ?}, {@code c = ? + 1}).
 */
final class ComparedValues {

    /** Characters of operators that bind tighter than a comparison, or make a value part of a longer one. */
    private static final String TIGHTER = "+-*/%|^&:[.~#@";

    /**
     * One value, as text offsets.
     *
     * @param array whether it is the array of {@code = ANY (?)}: it takes the array of the column's type
     */
    record Value(int start, int end, boolean array) {}

    /** Words that start an expression rather than name a column. */
    private static final Set<String> EXPRESSION_WORDS =
            Set.of("case", "not", "exists", "array", "interval", "row", "select", "any", "all", "some", "cast");

    private final Tokens tk;

    ComparedValues(Tokens tk) {
        this.tk = tk;
    }

    /** Each value compared with the column whose tokens are {@code first … last}. */
    List<Value> of(int first, int last) {
        List<Value> values = new ArrayList<>();
        int after = tk.significant(last + 1);
        int operator = comparison(after);
        int word = tk.isWord(after, "not") ? tk.significant(after + 1) : after; // NOT IN, NOT BETWEEN
        if (operator > 0) {
            if (!tighterBefore(first)) {
                int v = tk.significant(after + operator);
                if (tk.isWord(v, "any") || tk.isWord(v, "some") || tk.isWord(v, "all")) {
                    arrayParameter(values, tk.significant(v + 1));
                } else {
                    add(values, v);
                }
            }
        } else if (tk.isWord(word, "in")) {
            inList(values, tk.significant(word + 1));
        } else if (tk.isWord(word, "between")) {
            between(values, tk.significant(word + 1));
        } else if (tk.isWord(after, "is")) {
            int i = tk.significant(after + 1);
            i = tk.isWord(i, "not") ? tk.significant(i + 1) : i;
            if (tk.isWord(i, "distinct") && tk.isWord(tk.significant(i + 1), "from")) {
                add(values, tk.significant(tk.significant(i + 1) + 1));
            }
        }
        if (!tighter(after)) {
            valueBefore(values, first);
        }
        return values;
    }

    /**
     * Whether the column whose last token is {@code last} is matched against a pattern: {@code [NOT]
     * LIKE}, {@code [NOT] ILIKE}, {@code [NOT] SIMILAR TO}, {@code ~}, {@code !~} (a text operator).
     */
    boolean matched(int last) {
        int after = tk.significant(last + 1);
        int word = tk.isWord(after, "not") ? tk.significant(after + 1) : after;
        return tk.isWord(word, "like")
                || tk.isWord(word, "ilike")
                || tk.isWord(word, "similar")
                || tk.isPunct(after, '~')
                || (tk.isPunct(after, '!') && tk.isPunct(after + 1, '~'));
    }

    /** {@code ? = c}: a value before the comparison that the column ends. */
    private void valueBefore(List<Value> values, int first) {
        int op = previous(first);
        int opStart = op;
        if (op > 0
                && (tk.isPunct(op, '>') || tk.isPunct(op, '='))
                && adjacent(op - 1, op)
                && (tk.isPunct(op - 1, '<') || tk.isPunct(op - 1, '>') || tk.isPunct(op - 1, '!'))) {
            opStart = op - 1;
        }
        if (op < 0 || comparison(opStart) != op - opStart + 1) {
            return;
        }
        int value = previous(opStart);
        if (value < 0) {
            return;
        }
        int start = value;
        int sign = previous(value);
        if (tk.kind(value) == Tokens.NUMBER
                && sign >= 0
                && (tk.isPunct(sign, '-') || tk.isPunct(sign, '+'))
                && adjacent(sign, value)
                && unary(sign)) {
            start = sign;
        }
        while (word(start) && start >= 2 && tk.isPunct(start - 1, '.') && word(start - 2)) {
            start -= 2; // t.c: the column reference from its first part
        }
        int before = previous(start);
        boolean valueHere = simple(value) || (word(start) && name(start) == value);
        if (valueHere && (before < 0 || !tighter(before))) {
            values.add(new Value(tk.start(start), tk.end(value), false));
        }
    }

    /** {@code (?)} of {@code = ANY (?)}: one parameter, an array. */
    private void arrayParameter(List<Value> values, int open) {
        int p = tk.significant(open + 1);
        if (tk.isPunct(open, '(')
                && p < tk.size()
                && tk.kind(p) == Tokens.PARAM
                && tk.isPunct(tk.significant(p + 1), ')')) {
            values.add(new Value(tk.start(p), tk.end(p), true));
        }
    }

    /** {@code (v, v, …)}: every item a value, or none taken. */
    private void inList(List<Value> values, int open) {
        if (!tk.isPunct(open, '(')) {
            return;
        }
        List<Value> items = new ArrayList<>();
        int i = tk.significant(open + 1);
        while (true) {
            int end = value(i);
            if (end < 0) {
                return;
            }
            items.add(new Value(tk.start(i), tk.end(end), false));
            int next = tk.significant(end + 1);
            if (tk.isPunct(next, ')')) {
                values.addAll(items);
                return;
            }
            if (!tk.isPunct(next, ',')) {
                return;
            }
            i = tk.significant(next + 1);
        }
    }

    /** {@code [SYMMETRIC] v AND v}. */
    private void between(List<Value> values, int i) {
        i = tk.isWord(i, "symmetric") || tk.isWord(i, "asymmetric") ? tk.significant(i + 1) : i;
        int low = value(i);
        if (low < 0 || !tk.isWord(tk.significant(low + 1), "and")) {
            return;
        }
        int high = tk.significant(tk.significant(low + 1) + 1);
        int highEnd = value(high);
        if (highEnd >= 0 && !tighter(tk.significant(highEnd + 1))) {
            values.add(new Value(tk.start(i), tk.end(low), false));
            values.add(new Value(tk.start(high), tk.end(highEnd), false));
        }
    }

    /** Adds the value starting at token {@code i} when it is one and nothing binds it tighter after. */
    private void add(List<Value> values, int i) {
        int end = value(i);
        if (end >= 0 && !tighter(tk.significant(end + 1))) {
            values.add(new Value(tk.start(i), tk.end(end), false));
        }
    }

    /** The last token of a value starting at {@code i} (a parameter, a string, a signed number, a column), or -1. */
    private int value(int i) {
        if (i >= tk.size()) {
            return -1;
        }
        if ((tk.isPunct(i, '-') || tk.isPunct(i, '+'))
                && i + 1 < tk.size()
                && tk.kind(i + 1) == Tokens.NUMBER
                && adjacent(i, i + 1)) {
            return i + 1;
        }
        return simple(i) ? i : name(i);
    }

    /**
     * The last token of a column reference starting at {@code i} ({@code c}, {@code t.c}, {@code
     * "s"."t"."c"}), or -1: not a function call, a keyword that starts an expression or a typed
     * literal ({@code DATE '…'}).
     */
    private int name(int i) {
        if (!word(i)
                || (tk.kind(i) == Tokens.WORD
                        && EXPRESSION_WORDS.contains(tk.text(i).toLowerCase(Locale.ROOT)))) {
            return -1;
        }
        int last = i;
        while (tk.isPunct(last + 1, '.') && word(last + 2)) {
            last += 2;
        }
        int next = tk.significant(last + 1);
        return tk.isPunct(next, '(') || (next < tk.size() && tk.kind(next) == Tokens.STRING) ? -1 : last;
    }

    private boolean word(int i) {
        return i < tk.size() && (tk.kind(i) == Tokens.WORD || tk.kind(i) == Tokens.QUOTED);
    }

    private boolean simple(int i) {
        byte kind = tk.kind(i);
        return kind == Tokens.PARAM || kind == Tokens.STRING || kind == Tokens.NUMBER;
    }

    /**
     * The number of tokens of the comparison operator at {@code i} ({@code =}, {@code <>}, {@code
     * !=}, {@code <}, {@code <=}, {@code >}, {@code >=}), 0 when there is none; {@code =>}, {@code
     * <=>}, {@code <<} and the like are not one.
     */
    private int comparison(int i) {
        if (i >= tk.size() || tk.kind(i) != Tokens.PUNCT) {
            return 0;
        }
        char c = tk.sql.charAt(tk.start(i));
        boolean joined = i + 1 < tk.size() && tk.kind(i + 1) == Tokens.PUNCT && adjacent(i, i + 1);
        char next = joined ? tk.sql.charAt(tk.start(i + 1)) : ' ';
        int length =
                switch (c) {
                    case '=' -> 1;
                    case '<' -> next == '>' || next == '=' ? 2 : 1;
                    case '>' -> next == '=' ? 2 : 1;
                    case '!' -> next == '=' ? 2 : 0;
                    default -> 0;
                };
        boolean longer = length > 0
                && i + length < tk.size()
                && tk.kind(i + length) == Tokens.PUNCT
                && adjacent(i + length - 1, i + length)
                && "<>=!".indexOf(tk.sql.charAt(tk.start(i + length))) >= 0;
        return longer ? 0 : length;
    }

    /** Whether the token before the column's first binds it into a longer operand. */
    private boolean tighterBefore(int first) {
        int before = previous(first);
        return before >= 0 && tighter(before);
    }

    private boolean tighter(int i) {
        return i < tk.size() && tk.kind(i) == Tokens.PUNCT && TIGHTER.indexOf(tk.sql.charAt(tk.start(i))) >= 0
                || tk.isWord(i, "collate");
    }

    /** Whether the sign at {@code i} follows an operator or a parenthesis, not an operand ({@code ? + 1}). */
    private boolean unary(int i) {
        int before = previous(i);
        return before < 0 || (tk.kind(before) == Tokens.PUNCT && !tk.isPunct(before, ')'));
    }

    private boolean adjacent(int a, int b) {
        return tk.end(a) == tk.start(b);
    }

    /** The token before {@code i} that is not a comment, or -1. */
    private int previous(int i) {
        int p = i - 1;
        while (p >= 0 && tk.kind(p) == Tokens.COMMENT) {
            p--;
        }
        return p;
    }
}
