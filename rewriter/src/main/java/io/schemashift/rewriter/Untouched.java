package io.schemashift.rewriter;

import java.util.Set;

/** The statement touches no mapped table and runs unchanged, byte for byte, on either side. */
public record Untouched(String sql, StatementKind kind, Fingerprint fingerprint) implements RewriteResult {
    @Override
    public Set<String> tables() {
        return Set.of();
    }
}
