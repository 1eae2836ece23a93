package io.schemashift.rewriter;

import java.util.Set;

/**
 * The statement touches a mapped table but cannot be rewritten; it runs on the primary only.
 *
 * @param message one line naming what was refused (never a bound or literal value)
 */
public record Refused(
        StatementKind kind, Set<String> tables, Fingerprint fingerprint, RefusalReason reason, String message)
        implements RewriteResult {}
