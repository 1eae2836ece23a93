package io.schemashift.routing;

import java.util.regex.Pattern;

/** Whether a write's text returns rows ({@code … RETURNING …}). */
final class Returning {

    private static final Pattern WORD = Pattern.compile("\\bRETURNING\\b", Pattern.CASE_INSENSITIVE);

    private Returning() {}

    /**
     * Whether {@code sql} contains the word {@code RETURNING}. The word inside a literal also
     * counts: such a write is then read as one that returns rows, and when it returns none its
     * generated keys stay unknown and the write is recorded, never lost.
     */
    static boolean in(String sql) {
        return WORD.matcher(sql).find();
    }
}
