package io.schemashift.mirror;

import io.schemashift.error.ShiftSqlState;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * The parameters the application bound to a mapped prepared statement, kept so that they can be
 * bound again, in another order, to the statement's other-side form: for each index, the setter
 * the application called and its arguments. Values stay in memory only; they are never logged,
 * and only key values reach the divergence table. Not thread-safe, like the statement it belongs
 * to.
 */
public final class Params {

    /** A setter of {@link PreparedStatement}, called again with recorded arguments. */
    @FunctionalInterface
    public interface Binding {
        /**
         * Calls the setter on {@code statement} for parameter {@code index}, with {@code args}: the
         * arguments of the recorded call, its own parameter index first (which is not used).
         */
        void bind(PreparedStatement statement, int index, Object[] args) throws SQLException;
    }

    private Binding[] bindings = new Binding[8];
    private Object[][] args = new Object[8][];
    private Object[] values = new Object[8];
    private String unmirrorable;

    /**
     * Records the call that bound (1-based) {@code index}.
     *
     * @param value the value bound ({@code null} for {@code setNull}), the one a key is read from
     * @param binding the setter that was called
     * @param args the call's arguments, {@code index} first
     */
    public void set(int index, Object value, Binding binding, Object[] args) {
        if (index >= bindings.length) {
            int size = Math.max(index + 1, bindings.length * 2);
            bindings = Arrays.copyOf(bindings, size);
            this.args = Arrays.copyOf(this.args, size);
            values = Arrays.copyOf(values, size);
        }
        bindings[index] = binding;
        this.args[index] = args;
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
            throw ShiftSqlState.PARAMETERS_MISSING.error("parameter " + from + " is not set");
        }
        binding.bind(statement, to, args[from]);
    }

    /** The value bound to (1-based) {@code index}, or {@code null}. */
    public Object value(int index) {
        return index < values.length ? values[index] : null;
    }

    public void clear() {
        Arrays.fill(bindings, null);
        Arrays.fill(args, null);
        Arrays.fill(values, null);
        unmirrorable = null;
    }

    /** A copy, for one entry of a batch (a recorded call's arguments are never changed, so they are shared). */
    public Params snapshot() {
        Params copy = new Params();
        copy.bindings = bindings.clone();
        copy.args = args.clone();
        copy.values = values.clone();
        copy.unmirrorable = unmirrorable;
        return copy;
    }
}
