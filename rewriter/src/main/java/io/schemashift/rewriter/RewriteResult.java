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

    /**
     * Whether this is a locking read ({@code FOR UPDATE}, {@code FOR NO KEY UPDATE}, {@code FOR
     * [KEY] SHARE}, {@code LOCK IN SHARE MODE}), read from its fingerprint, which holds no comment
     * and no literal's text; refused or not, its locks belong where the writes go first.
     */
    default boolean locksRows() {
        return kind() == StatementKind.SELECT && Fingerprints.locksRows(fingerprint());
    }
}
