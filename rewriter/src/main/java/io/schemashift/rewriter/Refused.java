package io.schemashift.rewriter;

import java.util.Set;

/**
 * The statement touches a mapped table but cannot be rewritten; it runs on the primary only.
 *
 * @param message one line naming what was refused (never a bound or literal value)
 */
public record Refused(
        StatementKind kind, Set<String> tables, Fingerprint fingerprint, RefusalReason reason, String message)
        implements RewriteResult {

    /**
     * {@code result}'s statement (its kind, tables and fingerprint) refused for {@code reason}: for
     * a caller that knows more than the rewriter did about where or how the statement runs.
     */
    public static Refused as(RewriteResult result, RefusalReason reason, String message) {
        return new Refused(result.kind(), result.tables(), result.fingerprint(), reason, message);
    }
}
