package io.schemashift.rewriter;

/**
 * H2's own upsert, {@code MERGE INTO t [(columns)] [KEY (columns)] VALUES …|SELECT …}, which
 * JSqlParser does not parse, and the INSERT it reads as: its verb swapped, its {@code KEY} clause
 * blanked (each offset after the verb one further on).
 *
 * @param verb the token index of {@code MERGE}
 * @param keyWord the token index of {@code KEY}, or -1 when the statement has none (H2 then
 *     matches by the primary key)
 * @param keyClose the token index of the parenthesis that closes the {@code KEY} list, or -1
 */
record H2MergeKey(Tokens tokens, int verb, int keyWord, int keyClose) {

    /** How far the INSERT's offsets after the verb are from the statement's. */
    static final int SHIFT = "INSERT".length() - "MERGE".length();

    /** The form in {@code tokens}, or {@code null} when they are not that form (a {@code MERGE … USING} is not). */
    static H2MergeKey of(Tokens tokens) {
        int verb = tokens.significant(0);
        int i = tokens.significant(verb + 1);
        if (!tokens.isWord(verb, "merge") || !tokens.isWord(i, "into")) {
            return null;
        }
        for (i = tokens.significant(i + 1); i < tokens.size(); i = tokens.significant(i + 1)) {
            if (tokens.isPunct(i, '(')) {
                i = tokens.closing(i);
                if (i < 0) {
                    return null;
                }
            } else if (tokens.isWord(i, "key") && tokens.isPunct(tokens.significant(i + 1), '(')) {
                int close = tokens.closing(tokens.significant(i + 1));
                return close < 0 ? null : new H2MergeKey(tokens, verb, i, close);
            } else if (tokens.isWord(i, "values") || tokens.isWord(i, "select")) {
                return new H2MergeKey(tokens, verb, -1, -1);
            } else if (tokens.isWord(i, "using")) {
                return null;
            }
        }
        return null;
    }

    /** The INSERT the statement reads as. */
    String asInsert() {
        String sql = tokens.sql;
        String afterVerb = keyWord < 0
                ? sql.substring(tokens.end(verb))
                : sql.substring(tokens.end(verb), tokens.start(keyWord))
                        + " ".repeat(tokens.end(keyClose) - tokens.start(keyWord))
                        + sql.substring(tokens.end(keyClose));
        return sql.substring(0, tokens.start(verb)) + "INSERT" + afterVerb;
    }
}
