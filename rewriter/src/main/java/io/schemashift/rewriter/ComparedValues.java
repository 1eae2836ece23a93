package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The values a column reference is compared with, found by the tokens beside it: {@code c = ?},
 * {@code ? <> c}, {@code c IN (?, 'x')}, {@code c NOT IN (…)}, {@code c BETWEEN ? AND ?}, {@code
 * c IS [NOT] DISTINCT FROM ?}, {@code c = ANY (?)} (an array), {@code c IN (SELECT …)} and {@code
 * c = ALL (SELECT …)} (a subquery's rows), {@code c = o.ref} (a join). A value after the column is
 * an operand: a parameter, a literal (a number or a parameter may be signed), a column reference, a call ({@code
 * lower(?)}, {@code CAST(…)}), a parenthesised expression or scalar subquery, {@code CASE … END},
 * {@code ARRAY[…]}, each with {@code ::type} casts and joined by operators that bind tighter than
 * the comparison ({@code ? || 'x'}); so is a value before the column ({@code lower(?) || 'x' = c}).
 * A comparison whose column is an operand of a tighter operator ({@code c || 'x' = ?}), or whose
 * value is ({@code c = ?[1]}, {@code c = ? COLLATE "C"}), yields none.
 */
final class ComparedValues {

    /** Characters of operators that bind tighter than a comparison, or make a value part of a longer one. */
    private static final String TIGHTER = "+-*/%|^&:[.~#@";

    /** What a value is, and so how it takes the column's type. */
    enum Form {
        /** One value. */
        VALUE,
        /** The array of {@code = ANY (…)}: it takes the array of the column's type. */
        ARRAY,
        /** The query of {@code IN (…)} or {@code = ANY (…)}: each of its rows takes the column's type. */
        ROWS
    }

    /** One value, as text offsets ({@link Form#ROWS}: the query inside the parentheses). */
    record Value(int start, int end, Form form) {}

    /** Words that start an expression rather than name a column. */
    private static final Set<String> EXPRESSION_WORDS =
            Set.of("case", "not", "exists", "array", "interval", "row", "select", "any", "all", "some", "cast", "end");

    /** Words that a parenthesis follows without making a call of them. */
    private static final Set<String> NOT_CALLS = Set.of(
            "not",
            "exists",
            "any",
            "all",
            "some",
            "row",
            "select",
            "in",
            "values",
            "and",
            "or",
            "where",
            "on",
            "when",
            "then",
            "else",
            "having",
            "between",
            "is",
            "like",
            "from",
            "interval");

    /** Punctuation an operand holds between its primaries: qualifiers, {@code ::} casts, arithmetic, {@code ||}. */
    private static final String OPERAND_PUNCT = ".:|+-*/%^";

    /** Words no operand holds outside parentheses: an operand before a comparison starts after one. */
    private static final Set<String> BOUNDARY_WORDS = Set.of(
            "where",
            "and",
            "or",
            "not",
            "on",
            "when",
            "then",
            "else",
            "having",
            "select",
            "set",
            "returning",
            "by",
            "between",
            "in",
            "is",
            "like",
            "ilike",
            "from",
            "values",
            "exists",
            "any",
            "all",
            "some",
            "distinct",
            "using",
            "case");

    /** Words that continue a type's name after {@code ::} ({@code character varying}, {@code time with time zone}). */
    private static final Set<String> TYPE_WORDS = Set.of("varying", "precision", "with", "without", "time", "zone");

    /** Characters that start a binary operator binding tighter than a comparison. */
    private static final String OPERATOR = "+-*/%|^&~#@";

    /** Characters an operator that {@link #OPERATOR} starts may go on with ({@code ||}, {@code ->>}). */
    private static final String OPERATOR_PART = OPERATOR + "<>=!";

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
                    quantified(values, tk.significant(v + 1));
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
     * Whether the column whose tokens are {@code first … last} is compared by order: {@code <},
     * {@code <=}, {@code >}, {@code >=} on either side of it, {@code [NOT] BETWEEN}.
     */
    boolean ordered(int first, int last) {
        int after = tk.significant(last + 1);
        int word = tk.isWord(after, "not") ? tk.significant(after + 1) : after;
        if (tk.isWord(word, "between") || (comparison(after) > 0 && ordering(after))) {
            return true;
        }
        int op = tk.significantBefore(first);
        int opStart = operatorStart(op);
        return op >= 0 && comparison(opStart) == op - opStart + 1 && ordering(opStart);
    }

    /** The first token of the comparison operator whose last token is {@code op} ({@code <=}, {@code <>}, {@code !=}). */
    private int operatorStart(int op) {
        return op > 0
                        && (tk.isPunct(op, '>') || tk.isPunct(op, '='))
                        && adjacent(op - 1, op)
                        && (tk.isPunct(op - 1, '<') || tk.isPunct(op - 1, '>') || tk.isPunct(op - 1, '!'))
                ? op - 1
                : op;
    }

    /** Whether the comparison operator starting at {@code i} orders ({@code <}, {@code <=}, {@code >}, {@code >=}). */
    private boolean ordering(int i) {
        boolean notEqual = tk.isPunct(i, '<') && tk.isPunct(i + 1, '>') && adjacent(i, i + 1);
        return (tk.isPunct(i, '<') || tk.isPunct(i, '>')) && !notEqual;
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

    /**
     * Whether the column whose tokens are {@code first … last} is made a string: cast to a string
     * type ({@code c::text}, {@code CAST(c AS varchar(10))}) or concatenated ({@code c || 'x'},
     * {@code 'x' || c}). Each side then reads its own type's spelling of the value.
     */
    boolean respelled(int first, int last) {
        int after = tk.significant(last + 1);
        int before = tk.significantBefore(first);
        if (concatenation(after) || (before > 0 && concatenation(before - 1))) {
            return true;
        }
        if (tk.isPunct(after, ':') && tk.isPunct(after + 1, ':')) {
            return stringType(tk.significant(after + 2));
        }
        return before > 0
                && tk.isPunct(before, '(')
                && tk.isWord(tk.significantBefore(before), "cast")
                && tk.isWord(after, "as")
                && stringType(tk.significant(after + 1));
    }

    private boolean concatenation(int i) {
        return tk.isPunct(i, '|') && tk.isPunct(i + 1, '|') && adjacent(i, i + 1);
    }

    private boolean stringType(int i) {
        return i < tk.size() && tk.kind(i) == Tokens.WORD && MappedTable.stringType(tk.text(i));
    }

    /**
     * {@code ? = c}, {@code ? || 'x' = c}: a value before the comparison that the column ends, read
     * back to the token no operand holds (a keyword, an opening parenthesis, a comma) and taken when
     * the operand read forward from there ends right before the comparison.
     */
    private void valueBefore(List<Value> values, int first) {
        int op = tk.significantBefore(first);
        int opStart = operatorStart(op);
        if (op < 0 || comparison(opStart) != op - opStart + 1) {
            return;
        }
        int end = tk.significantBefore(opStart);
        int start = operandStart(end);
        if (start >= 0 && operand(start) == end) {
            values.add(new Value(tk.start(start), tk.end(end), Form.VALUE));
        }
    }

    /** The first token of the tokens an operand may hold that end at {@code end}, or -1. */
    private int operandStart(int end) {
        int start = -1;
        for (int i = end; i >= 0; i = tk.significantBefore(i)) {
            if (tk.isPunct(i, ')')) {
                i = tk.opening(i);
                if (i < 0) {
                    return -1;
                }
            } else if (!inOperand(i)) {
                break;
            }
            start = i;
        }
        return start;
    }

    private boolean inOperand(int i) {
        byte kind = tk.kind(i);
        if (kind == Tokens.PUNCT) {
            return OPERAND_PUNCT.indexOf(tk.sql.charAt(tk.start(i))) >= 0;
        }
        return kind != Tokens.WORD || !BOUNDARY_WORDS.contains(tk.text(i).toLowerCase(Locale.ROOT));
    }

    /**
     * The first token of the call or parenthesised expression whose opening parenthesis is {@code
     * open}: the call's name ({@code lower(}, {@code s.f(}) written right before it, else {@code
     * open}; -1 when there is none.
     */
    private int call(int open) {
        if (open < 0) {
            return -1;
        }
        int name = open - 1;
        if (name < 0
                || !word(name)
                || !adjacent(name, open)
                || NOT_CALLS.contains(tk.text(name).toLowerCase(Locale.ROOT))) {
            return open;
        }
        while (name >= 2 && tk.isPunct(name - 1, '.') && word(name - 2)) {
            name -= 2;
        }
        return name;
    }

    /** {@code (…)} of {@code = ANY (…)}: the rows of a query, or an array. */
    private void quantified(List<Value> values, int open) {
        if (!tk.isPunct(open, '(')) {
            return;
        }
        if (!rows(values, open)) {
            int first = tk.significant(open + 1);
            int end = operand(first);
            if (end >= 0 && tk.isPunct(tk.significant(end + 1), ')')) {
                values.add(new Value(tk.start(first), tk.end(end), Form.ARRAY));
            }
        }
    }

    /** {@code (SELECT …)}: adds the query inside parenthesis {@code open} when there is one. */
    private boolean rows(List<Value> values, int open) {
        int first = tk.significant(open + 1);
        if (!tk.isWord(first, "select") && !tk.isWord(first, "with")) {
            return false;
        }
        int close = tk.closing(open);
        if (close > 0) {
            values.add(new Value(tk.start(first), tk.end(tk.significantBefore(close)), Form.ROWS));
        }
        return true;
    }

    /** {@code (v, v, …)}: every item a value, or none taken; {@code (SELECT …)}: the query's rows. */
    private void inList(List<Value> values, int open) {
        if (!tk.isPunct(open, '(') || rows(values, open)) {
            return;
        }
        List<Value> items = new ArrayList<>();
        int i = tk.significant(open + 1);
        while (true) {
            int end = value(i);
            if (end < 0) {
                return;
            }
            items.add(new Value(tk.start(i), tk.end(end), Form.VALUE));
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
        if (highEnd >= 0) {
            values.add(new Value(tk.start(i), tk.end(low), Form.VALUE));
            values.add(new Value(tk.start(high), tk.end(highEnd), Form.VALUE));
        }
    }

    /** Adds the value starting at token {@code i} when it is one and nothing binds it tighter after. */
    private void add(List<Value> values, int i) {
        int end = value(i);
        if (end >= 0) {
            values.add(new Value(tk.start(i), tk.end(end), Form.VALUE));
        }
    }

    /** The last token of a value starting at {@code i} that nothing after binds tighter, or -1. */
    private int value(int i) {
        int end = operand(i);
        return end >= 0 && !tighter(tk.significant(end + 1)) ? end : -1;
    }

    /**
     * The last token of the operand starting at {@code i}: primaries ({@link #primary}), each with
     * its {@code ::type} casts, joined by operators that bind tighter than a comparison; or -1.
     */
    private int operand(int i) {
        int end = primary(i);
        while (end >= 0) {
            int next = tk.significant(end + 1);
            if (tk.isPunct(next, ':') && tk.isPunct(next + 1, ':') && adjacent(next, next + 1)) {
                end = typeName(tk.significant(next + 2));
                continue;
            }
            int operator = operator(next);
            if (operator == 0) {
                return end;
            }
            end = primary(tk.significant(next + operator));
        }
        return -1;
    }

    /**
     * The last token of a primary starting at {@code i}: a parameter or a number (either signed), a string, a
     * column, a call, a parenthesised expression, {@code CASE … END}, {@code ARRAY[…]}; or -1.
     */
    private int primary(int i) {
        if (i >= tk.size()) {
            return -1;
        }
        if ((tk.isPunct(i, '-') || tk.isPunct(i, '+'))
                && i + 1 < tk.size()
                && (tk.kind(i + 1) == Tokens.NUMBER || tk.kind(i + 1) == Tokens.PARAM)
                && adjacent(i, i + 1)) {
            return i + 1;
        }
        if (simple(i)) {
            return i;
        }
        if (tk.isPunct(i, '(')) {
            return tk.closing(i);
        }
        if (tk.isWord(i, "case")) {
            return caseEnd(i);
        }
        int next = tk.significant(i + 1);
        if (tk.isWord(i, "array") && tk.isPunct(next, '[')) {
            return tk.closingBracket(next);
        }
        int last = i;
        while (word(last) && tk.isPunct(last + 1, '.') && word(last + 2)) {
            last += 2;
        }
        int open = last + 1;
        if (word(i) && tk.isPunct(open, '(') && call(open) == i) {
            return tk.closing(open);
        }
        return name(i);
    }

    /** The last token of a type's name after {@code ::} ({@code text}, {@code s.t}, {@code numeric(10, 2)[]}), or -1. */
    private int typeName(int i) {
        if (!word(i)) {
            return -1;
        }
        int last = i;
        while (tk.isPunct(last + 1, '.') && word(last + 2)) {
            last += 2;
        }
        for (int next = tk.significant(last + 1);
                next < tk.size()
                        && tk.kind(next) == Tokens.WORD
                        && TYPE_WORDS.contains(tk.text(next).toLowerCase(Locale.ROOT));
                next = tk.significant(last + 1)) {
            last = next;
        }
        int next = tk.significant(last + 1);
        if (tk.isPunct(next, '(')) {
            last = tk.closing(next);
        }
        while (last >= 0 && tk.isPunct(last + 1, '[') && tk.isPunct(last + 2, ']')) {
            last += 2;
        }
        return last;
    }

    /** The number of tokens of the operator at {@code i} that binds tighter than a comparison, 0 when none starts there. */
    private int operator(int i) {
        if (i >= tk.size() || tk.kind(i) != Tokens.PUNCT || OPERATOR.indexOf(tk.sql.charAt(tk.start(i))) < 0) {
            return 0;
        }
        int n = 1;
        while (i + n < tk.size()
                && tk.kind(i + n) == Tokens.PUNCT
                && adjacent(i + n - 1, i + n)
                && OPERATOR_PART.indexOf(tk.sql.charAt(tk.start(i + n))) >= 0) {
            n++;
        }
        return n;
    }

    /** The {@code END} that closes the {@code CASE} at {@code i}, or -1. */
    private int caseEnd(int i) {
        int depth = 0;
        for (int j = i; j < tk.size(); j++) {
            if (tk.isWord(j, "case")) {
                depth++;
            } else if (tk.isWord(j, "end") && --depth == 0) {
                return j;
            }
        }
        return -1;
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
        int before = tk.significantBefore(first);
        return before >= 0 && tighter(before);
    }

    private boolean tighter(int i) {
        return i < tk.size() && tk.kind(i) == Tokens.PUNCT && TIGHTER.indexOf(tk.sql.charAt(tk.start(i))) >= 0
                || tk.isWord(i, "collate");
    }

    private boolean adjacent(int a, int b) {
        return tk.end(a) == tk.start(b);
    }
}
