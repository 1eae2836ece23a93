package io.schemashift.rewriter;

import java.util.Set;

/** The outcome of rewriting one statement: untouched, rewritten or refused. Immutable. */
public sealed interface RewriteResult permits Untouched, Rewritten, Refused {

    /** What the statement does. */
    StatementKind kind();

    /** The mapped tables (old names, lower case) the statement touches; empty when untouched. */
    Set<String> tables();

    /** The statement shape: literals and parameter lists normalized, plus a short stable hash. */
    Fingerprint fingerprint();
}
