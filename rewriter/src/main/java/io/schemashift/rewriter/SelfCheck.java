package io.schemashift.rewriter;

import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.parser.ParseException;

/**
 * Checks a rewritten statement before it is handed out: its {@code ?} count matches its
 * parameter sources, every comment and hint of the original is still there in order, and — when a
 * clause was rebuilt rather than names substituted — it parses again.
 */
final class SelfCheck {

    private final Rewrite rw;
    private final long timeoutNanos;
    private final List<String> comments;

    SelfCheck(Rewrite rw, long timeoutNanos) {
        this.rw = rw;
        this.timeoutNanos = timeoutNanos;
        this.comments = comments(rw.tokens);
    }

    SideStatement verified(Edits edits, boolean reparse) {
        Fragment f = edits.render();
        Tokens out = Tokens.lex(f.text(), rw.names.dialect());
        if (out.paramCount() != f.params().size()) {
            throw new Refusal(RefusalReason.INTERNAL_ERROR, "parameter count mismatch in the rewritten statement");
        }
        if (!comments.isEmpty() && !comments.equals(comments(out))) {
            throw Refusal.unsupported("a comment inside a clause the rewriter rebuilds");
        }
        if (reparse) {
            H2MergeKey merge = rw.mergesByKey ? H2MergeKey.of(out) : null; // parsed as the INSERT it reads as
            Tokens parsed = merge == null ? out : Tokens.lex(merge.asInsert(), rw.names.dialect());
            // rows after the first were built like the first from literal cells: parse the first
            ValuesRows.Cut cut = rw.valuesCut ? ValuesRows.afterFirst(parsed, false) : null;
            try {
                Parser.statement(ParseText.of(parsed, rw.names.dialect(), cut), timeoutNanos);
            } catch (Parser.TimeBoundExceeded e) {
                throw new Refusal(RefusalReason.TIME_BOUND, "the check of the rewrite took longer than the time bound");
            } catch (ParseException | RuntimeException | StackOverflowError e) {
                throw new Refusal(RefusalReason.INTERNAL_ERROR, "the rewritten statement does not parse");
            }
        }
        return f.toStatement();
    }

    private static List<String> comments(Tokens t) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            if (t.kind(i) == Tokens.COMMENT) {
                list.add(t.text(i));
            }
        }
        return list;
    }
}
