package io.schemashift.rewriter;

import java.util.List;

/**
 * One statement to run on one side, and where each of its {@code ?} takes its value from.
 *
 * @param sql the SQL text
 * @param params one entry per {@code ?} of {@code sql}, in order
 */
public record SideStatement(String sql, List<ParamSource> params) {
    public SideStatement {
        params = List.copyOf(params);
    }

    /** Whether each {@code ?} takes the application's parameter of the same position: the text binds as written. */
    public boolean bindsAsWritten() {
        for (int i = 0; i < params.size(); i++) {
            if (!(params.get(i) instanceof ParamSource.Bound b) || b.index() != i + 1) {
                return false;
            }
        }
        return true;
    }
}
