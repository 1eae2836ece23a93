package io.schemashift.rewriter;

import java.util.List;
import java.util.Objects;

/**
 * One statement to run on one side, and where each of its {@code ?} takes its value from. A value
 * class (equal by text and parameters) rather than a record: what the driver asks of its
 * parameters on every execution is worked out once, here.
 */
public final class SideStatement {

    private final String sql;
    private final List<ParamSource> params;
    private final boolean bindsAsWritten;
    private final boolean bindsNow;

    /**
     * @param sql the SQL text
     * @param params one entry per {@code ?} of {@code sql}, in order
     */
    public SideStatement(String sql, List<ParamSource> params) {
        this.sql = Objects.requireNonNull(sql, "sql");
        this.params = List.copyOf(params);
        boolean asWritten = true;
        boolean now = false;
        for (int i = 0; i < this.params.size(); i++) {
            ParamSource source = this.params.get(i);
            asWritten &= source instanceof ParamSource.Bound b && b.index() == i + 1;
            now |= source instanceof ParamSource.Now;
        }
        this.bindsAsWritten = asWritten;
        this.bindsNow = now;
    }

    /** The SQL text. */
    public String sql() {
        return sql;
    }

    /** One entry per {@code ?} of {@link #sql()}, in order. */
    public List<ParamSource> params() {
        return params;
    }

    /** Whether each {@code ?} takes the application's parameter of the same position: the text binds as written. */
    public boolean bindsAsWritten() {
        return bindsAsWritten;
    }

    /** Whether a {@code ?} takes the captured {@code now()} ({@link ParamSource.Now}). */
    public boolean bindsNow() {
        return bindsNow;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SideStatement other && sql.equals(other.sql) && params.equals(other.params);
    }

    @Override
    public int hashCode() {
        return 31 * sql.hashCode() + params.hashCode();
    }

    @Override
    public String toString() {
        return "SideStatement[sql=" + sql + ", params=" + params + "]";
    }
}
