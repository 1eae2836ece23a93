package io.schemashift.jdbc;

import io.schemashift.rewriter.Refused;
import io.schemashift.rewriter.RewriteResult;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Statements one connection prepared with SQL ({@code PREPARE name AS …} on PostgreSQL, {@code
 * PREPARE name FROM …} on MariaDB) that reach mapped tables, by name. The {@code PREPARE} is
 * judged as the statement it carries (refused: it cannot be rewritten); each later {@code EXECUTE
 * name} runs that statement, so it is judged the same way: recorded as a write the new side
 * missed, or {@code 0A000} where the new side holds the truth. Judged as the plain {@code EXECUTE}
 * it looks like, it would change the old table on every run with nothing recorded.
 */
final class SqlPrepares {

    private static final String NAME = "([A-Za-z_][A-Za-z0-9_$]*|\"(?:[^\"]|\"\")+\"|`(?:[^`]|``)+`)";
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final Pattern PREPARE = Pattern.compile("\\s*PREPARE\\s+" + NAME, FLAGS);
    private static final Pattern EXECUTE = Pattern.compile("\\s*EXECUTE\\s+" + NAME, FLAGS);
    private static final Pattern DEALLOCATE =
            Pattern.compile("\\s*(?:DEALLOCATE(?:\\s+PREPARE)?|DROP\\s+PREPARE)\\s+" + NAME, FLAGS);
    /** PostgreSQL's {@code DEALLOCATE ALL} and {@code DISCARD ALL}: every prepared statement goes. */
    private static final Pattern ALL =
            Pattern.compile("\\s*(?:DEALLOCATE(?:\\s+PREPARE)?\\s+ALL|DISCARD\\s+ALL)\\s*;?\\s*", FLAGS);

    /** What each prepared name runs, when it reaches mapped tables; {@code null} while none does. */
    private Map<String, RewriteResult> byName;

    /** {@code result}, the rewrite of {@code sql}, or, for an {@code EXECUTE}, that of the statement it runs. */
    RewriteResult judge(String sql, RewriteResult result) {
        if (!result.tables().isEmpty()) {
            // a PREPARE is never rewritten (the rewriter cannot parse one): most statements look no further
            Matcher m = result instanceof Refused ? PREPARE.matcher(sql) : null;
            if (m != null && m.lookingAt()) {
                if (byName == null) {
                    byName = new HashMap<>(4);
                }
                byName.put(name(m), result);
            }
            return result;
        }
        if (byName == null) {
            return result;
        }
        Matcher m = EXECUTE.matcher(sql);
        if (m.lookingAt()) {
            RewriteResult runs = byName.get(name(m));
            return runs == null ? result : runs;
        }
        if (ALL.matcher(sql).matches()) {
            byName = null;
        } else if ((m = DEALLOCATE.matcher(sql)).lookingAt() || (m = PREPARE.matcher(sql)).lookingAt()) {
            byName.remove(name(m)); // gone, or the name now prepares a statement on no mapped table
        }
        return result;
    }

    /**
     * The name as the database compares it: PostgreSQL folds unquoted names to lower case and keeps
     * quoted ones; MariaDB's (quoted with backticks) ignore case.
     */
    private static String name(Matcher m) {
        String n = m.group(1);
        return switch (n.charAt(0)) {
            case '"' -> n.substring(1, n.length() - 1).replace("\"\"", "\"");
            case '`' -> n.substring(1, n.length() - 1).replace("``", "`").toLowerCase(Locale.ROOT);
            default -> n.toLowerCase(Locale.ROOT);
        };
    }
}
