package io.schemashift.mirror;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * The parameters the application bound to a mapped prepared statement, kept so that they can be
 * bound again, in another order, to the statement's other-side form. Values stay in memory only;
 * they are never logged, and only key values reach the divergence table. Not thread-safe, like
 * the statement it belongs to.
 */
public final class Params {

    /** Binds one recorded value to {@code index} of another statement. */
    @FunctionalInterface
    public interface Binding {
        void bind(PreparedStatement statement, int index) throws SQLException;
    }

    private Binding[] bindings = new Binding[8];
    private Object[] values = new Object[8];
    private String unmirrorable;

    /** Records the value bound to (1-based) {@code index}, and how to bind it again. */
    public void set(int index, Object value, Binding binding) {
        if (index >= bindings.length) {
            int size = Math.max(index + 1, bindings.length * 2);
            bindings = Arrays.copyOf(bindings, size);
            values = Arrays.copyOf(values, size);
        }
        bindings[index] = binding;
        values[index] = value;
    }

    /** A parameter that cannot be bound twice (a stream, a reader): the statement is not mirrored. */
    public void cannotReplay(String what) {
        unmirrorable = what;
    }

    /** Why these parameters cannot be replayed, or {@code null} if they can. */
    public String unmirrorable() {
        return unmirrorable;
    }

    /**
     * Binds the application's parameter {@code from} to parameter {@code to} of {@code statement}.
     *
     * @throws SQLException (07001) if the application did not bind {@code from}
     */
    public void bind(int from, PreparedStatement statement, int to) throws SQLException {
        Binding binding = from < bindings.length ? bindings[from] : null;
        if (binding == null) {
            throw new SQLException("parameter " + from + " is not set", "07001");
        }
        binding.bind(statement, to);
    }

    /** The value bound to (1-based) {@code index}, or {@code null}. */
    public Object value(int index) {
        return index < values.length ? values[index] : null;
    }

    public void clear() {
        Arrays.fill(bindings, null);
        Arrays.fill(values, null);
        unmirrorable = null;
    }

    /** A copy, for one entry of a batch. */
    public Params snapshot() {
        Params copy = new Params();
        copy.bindings = bindings.clone();
        copy.values = values.clone();
        copy.unmirrorable = unmirrorable;
        return copy;
    }
}
