package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.Concat;
import net.sf.jsqlparser.expression.operators.arithmetic.Division;
import net.sf.jsqlparser.expression.operators.arithmetic.Multiplication;
import net.sf.jsqlparser.expression.operators.arithmetic.Subtraction;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.AllColumns;

/**
 * The column label H2 gives an unaliased computed select item: the expression as H2 prints it
 * after its own normalization ({@code upper(c.name) || 'x'} is {@code UPPER(C.NAME) || 'x'}).
 * Only a small, measured subset is rendered: columns, string and plain numeric literals, NULL,
 * {@code ||} chains, {@code + - * /}, and functions whose printed name is known. Anything else
 * (H2 folds constants, renames functions, prints casts with its own type names) gives {@code
 * null}, so that the item is refused rather than labelled wrongly.
 */
final class H2Labels {

    /** Function names as written (lower case) to the name H2 prints; measured on H2 2.4. */
    private static final Map<String, String> FUNCTIONS = Map.ofEntries(
            Map.entry("upper", "UPPER"),
            Map.entry("ucase", "UPPER"),
            Map.entry("lower", "LOWER"),
            Map.entry("lcase", "LOWER"),
            Map.entry("coalesce", "COALESCE"),
            Map.entry("ifnull", "COALESCE"),
            Map.entry("nvl", "COALESCE"),
            Map.entry("concat", "CONCAT"),
            Map.entry("trim", "TRIM"),
            Map.entry("ltrim", "LTRIM"),
            Map.entry("rtrim", "RTRIM"),
            Map.entry("nullif", "NULLIF"),
            Map.entry("replace", "REPLACE"),
            Map.entry("left", "LEFT"),
            Map.entry("right", "RIGHT"),
            Map.entry("max", "MAX"),
            Map.entry("min", "MIN"),
            Map.entry("sum", "SUM"),
            Map.entry("avg", "AVG"),
            Map.entry("count", "COUNT"));
    /** Functions that H2 simplifies with fewer than two arguments. */
    private static final Set<String> AT_LEAST_TWO = Set.of("COALESCE", "CONCAT");

    private static final Pattern PLAIN_NUMBER = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    private H2Labels() {}

    /** H2's label for {@code e}, or {@code null} when it cannot be known for sure. */
    static String of(Expression e) {
        StringBuilder out = new StringBuilder();
        return render(unwrap(e), out) ? out.toString() : null;
    }

    private static boolean render(Expression e, StringBuilder out) {
        if (e instanceof Column c) {
            List<String> parts = Names.parts(c.getFullyQualifiedName());
            for (int i = 0; i < parts.size(); i++) {
                out.append(i == 0 ? "" : ".").append(identifier(parts.get(i)));
            }
            return true;
        }
        if (e instanceof StringValue s) {
            if (s.getPrefix() != null) {
                return false;
            }
            out.append('\'').append(s.getValue()).append('\'');
            return true;
        }
        if (e instanceof LongValue l) {
            out.append(l.getValue());
            return true;
        }
        if (e instanceof DoubleValue d) {
            String text = d.toString();
            out.append(text);
            return PLAIN_NUMBER.matcher(text).matches();
        }
        if (e instanceof NullValue) {
            out.append("NULL");
            return true;
        }
        if (e instanceof Concat concat) {
            return concatChain(concat, out);
        }
        if (e instanceof Addition || e instanceof Subtraction || e instanceof Multiplication || e instanceof Division) {
            BinaryExpression b = (BinaryExpression) e;
            return operand(b.getLeftExpression(), out)
                    && append(out, " " + b.getStringExpression() + " ")
                    && operand(b.getRightExpression(), out);
        }
        if (e instanceof Function f) {
            return function(f, out);
        }
        return false;
    }

    /** H2 prints {@code a || (b || c)} as one flat chain. */
    private static boolean concatChain(Concat c, StringBuilder out) {
        List<Expression> items = new ArrayList<>();
        flatten(c, items);
        for (int i = 0; i < items.size(); i++) {
            if ((i > 0 && !append(out, " || ")) || !operand(items.get(i), out)) {
                return false;
            }
        }
        return true;
    }

    private static void flatten(Expression e, List<Expression> into) {
        Expression u = unwrap(e);
        if (u instanceof Concat c) {
            flatten(c.getLeftExpression(), into);
            flatten(c.getRightExpression(), into);
        } else {
            into.add(u);
        }
    }

    /**
     * An operand of an operator: a nested arithmetic operation is parenthesized; one without a
     * column would be folded to a constant by H2, so it is not rendered.
     */
    private static boolean operand(Expression e, StringBuilder out) {
        Expression u = unwrap(e);
        if (u instanceof BinaryExpression) {
            if (!(u instanceof Concat) && !hasColumn(u)) {
                return false;
            }
            out.append('(');
            boolean ok = render(u, out);
            out.append(')');
            return ok;
        }
        return render(u, out);
    }

    private static boolean function(Function f, StringBuilder out) {
        String name = f.getName() == null ? null : FUNCTIONS.get(f.getName().toLowerCase(Locale.ROOT));
        if (name == null
                || f.getMultipartName().size() != 1
                || f.getKeep() != null
                || f.isIgnoreNulls()
                || f.getOrderByElements() != null
                || f.getNamedParameters() != null
                || f.getAttribute() != null
                || f.getHavingClause() != null
                || f.getLimit() != null) {
            return false;
        }
        out.append(name).append('(');
        if (f.isAllColumns() && name.equals("COUNT")) {
            out.append("*)");
            return true;
        }
        ExpressionList<?> args = f.getParameters();
        if (args == null || args.isEmpty() || (AT_LEAST_TWO.contains(name) && args.size() < 2)) {
            return false;
        }
        if (args.size() == 1 && args.get(0) instanceof AllColumns) {
            out.append("*)");
            return name.equals("COUNT") && !f.isDistinct();
        }
        if (f.isDistinct()) {
            out.append("DISTINCT ");
        }
        for (int i = 0; i < args.size(); i++) {
            Expression arg = unwrap(args.get(i));
            // COUNT(1) is printed COUNT(*): only columns and expressions over them are counted as written
            if (name.equals("COUNT") && !hasColumn(arg)) {
                return false;
            }
            if ((i > 0 && !append(out, ", ")) || !render(arg, out)) {
                return false;
            }
        }
        out.append(')');
        return true;
    }

    private static Expression unwrap(Expression e) {
        Expression u = e;
        while (true) {
            if (u instanceof ParenthesedExpressionList<?> l && l.size() == 1) {
                u = l.get(0);
            } else {
                return u;
            }
        }
    }

    private static boolean hasColumn(Expression e) {
        Expression u = unwrap(e);
        if (u instanceof Column) {
            return true;
        }
        if (u instanceof BinaryExpression b) {
            return hasColumn(b.getLeftExpression()) || hasColumn(b.getRightExpression());
        }
        if (u instanceof Function f && f.getParameters() != null) {
            return f.getParameters().stream().anyMatch(H2Labels::hasColumn);
        }
        return false;
    }

    /** A written identifier as H2 labels it: quoted ones as they are, unquoted ones upper-cased. */
    private static String identifier(String written) {
        if (written.length() >= 2 && written.charAt(0) == '"' && written.endsWith("\"")) {
            return written.substring(1, written.length() - 1).replace("\"\"", "\"");
        }
        return written.toUpperCase(Locale.ROOT);
    }

    private static boolean append(StringBuilder out, String text) {
        out.append(text);
        return true;
    }
}
