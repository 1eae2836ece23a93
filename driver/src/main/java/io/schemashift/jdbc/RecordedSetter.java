package io.schemashift.jdbc;

import io.schemashift.mirror.Params;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * One {@link PreparedStatement} setter as a mapped statement's generated wrapper records it (see
 * {@link WrapperClasses}), and calls it again on the statement's other-side form. Built once per
 * setter when the wrapper class is generated; the call is a method handle, not reflection.
 */
final class RecordedSetter implements Params.Binding {

    private static final MethodType REPLAY =
            MethodType.methodType(void.class, PreparedStatement.class, int.class, Object[].class);

    /** {@code (statement, index, args)}: the setter, with the recorded arguments spread after the new index. */
    private final MethodHandle setter;
    /** {@code setNull} binds no value: its second argument is a type. */
    private final boolean bindsValue;

    private RecordedSetter(MethodHandle setter, boolean bindsValue) {
        this.setter = setter;
        this.bindsValue = bindsValue;
    }

    /** {@code method}: a setter of {@link PreparedStatement} whose first parameter is the index. */
    static RecordedSetter of(Method method) {
        try {
            int arity = method.getParameterCount();
            MethodHandle handle = MethodHandles.publicLookup().unreflect(method);
            // (statement, index, recordedIndex, value…): the recorded call's own index is dropped
            handle = MethodHandles.dropArguments(handle, 2, Object.class);
            return new RecordedSetter(
                    handle.asSpreader(2, Object[].class, arity).asType(REPLAY),
                    !method.getName().equals("setNull"));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot record " + method, e);
        }
    }

    /** The value a recorded call bound, from its arguments. */
    Object value(Object[] args) {
        return bindsValue ? args[1] : null;
    }

    @Override
    public void bind(PreparedStatement statement, int index, Object[] args) throws SQLException {
        try {
            setter.invokeExact(statement, index, args);
        } catch (SQLException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("a PreparedStatement setter threw a checked exception", t);
        }
    }
}
