package io.schemashift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.rewriter.Fingerprint;
import io.schemashift.rewriter.Rewritten;
import io.schemashift.rewriter.SideStatement;
import io.schemashift.rewriter.StatementKind;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.sql.Connection;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.SQLType;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated setters of a prepared statement on mapped tables: each one reaches the real
 * statement and records a call that binds the same arguments to another statement's parameter,
 * or, for a stream or a reader, marks the parameters as not replayable.
 */
class RecordingSettersTest {

    private static final Rewritten MAPPED = new Rewritten(
            StatementKind.UPDATE,
            Set.of("customers"),
            new Fingerprint("UPDATE customers SET name = ?", "f1"),
            new SideStatement("UPDATE clients SET full_name = ?", List.of()),
            new SideStatement("UPDATE customers SET name = ?", List.of()),
            List.of(),
            null,
            null,
            Set.of(),
            List.of(),
            false,
            false,
            false,
            false,
            null,
            null,
            null,
            null);

    /** A fake statement that keeps the last call made on it. */
    static final class Fake {
        Method last;
        Object[] lastArgs;

        <T> T of(Class<T> iface) {
            return iface.cast(Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {iface}, (proxy, method, args) -> {
                        if (method.getDeclaringClass() == Object.class) {
                            return switch (method.getName()) {
                                case "hashCode" -> System.identityHashCode(proxy);
                                case "equals" -> proxy == args[0];
                                default -> "fake " + iface.getSimpleName();
                            };
                        }
                        last = method;
                        lastArgs = args;
                        return method.getReturnType() == boolean.class ? false : null;
                    }));
        }
    }

    static Stream<Method> setters() {
        return Arrays.stream(PreparedStatement.class.getDeclaredMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers())
                        && m.getName().startsWith("set")
                        && m.getParameterCount() >= 2
                        && m.getParameterTypes()[0] == int.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setters")
    void setter_mappedStatement_delegatesAndReplaysTheSameCall(Method setter) throws Exception {
        Fake real = new Fake();
        ShiftPreparedStatement statement = ShiftPreparedStatement.wrap(
                real.of(PreparedStatement.class), connection(), null, MAPPED, KeyRequest.NONE);
        Object[] args = arguments(setter);

        setter.invoke(statement, args);

        assertThat(real.last).as("reaches the real statement").isEqualTo(setter);
        assertThat(real.lastArgs).containsExactly(args);
        Class<?> value = setter.getParameterTypes()[1];
        if (InputStream.class.isAssignableFrom(value) || Reader.class.isAssignableFrom(value)) {
            assertThat(statement.params().unmirrorable()).isEqualTo(setter.getName());
            return;
        }
        assertThat(statement.params().unmirrorable()).isNull();
        assertThat(statement.params().value(3)).isEqualTo(setter.getName().equals("setNull") ? null : args[1]);

        Fake other = new Fake();
        statement.params().bind(3, other.of(PreparedStatement.class), 5);
        assertThat(other.last).as("replayed on the other statement").isEqualTo(setter);
        Object[] expected = args.clone();
        expected[0] = 5;
        assertThat(other.lastArgs).containsExactly(expected);
    }

    @Test
    void setter_unmappedStatement_onlyDelegates() throws Exception {
        Fake real = new Fake();
        ShiftPreparedStatement statement = ShiftPreparedStatement.wrap(
                real.of(PreparedStatement.class), connection(), null, null, KeyRequest.NONE);

        statement.setNull(1, Types.INTEGER);

        assertThat(real.last.getName()).isEqualTo("setNull");
        assertThat(real.lastArgs).containsExactly(1, Types.INTEGER);
        assertThat(statement.params()).isNull();
    }

    private static ShiftConnection connection() {
        return ShiftConnection.wrap(new Fake().of(Connection.class));
    }

    /** Index 3 and a distinct, non-null value of each parameter's type. */
    private static Object[] arguments(Method setter) throws Exception {
        Class<?>[] types = setter.getParameterTypes();
        Object[] args = new Object[types.length];
        args[0] = 3;
        for (int i = 1; i < types.length; i++) {
            args[i] = valueOf(types[i], i);
        }
        return args;
    }

    private static Object valueOf(Class<?> type, int position) throws Exception {
        if (type == int.class) {
            return 40 + position;
        }
        if (type == long.class) {
            return 400L + position;
        }
        if (type == boolean.class) {
            return true;
        }
        if (type == byte.class) {
            return (byte) 7;
        }
        if (type == short.class) {
            return (short) 700;
        }
        if (type == float.class) {
            return 7.5f;
        }
        if (type == double.class) {
            return 7.25d;
        }
        if (type == String.class) {
            return "value" + position;
        }
        if (type == BigDecimal.class) {
            return new BigDecimal("12.34");
        }
        if (type == byte[].class) {
            return new byte[] {1, 2};
        }
        if (type == Date.class) {
            return new Date(86_400_000L);
        }
        if (type == Time.class) {
            return new Time(3_600_000L);
        }
        if (type == Timestamp.class) {
            return new Timestamp(1_000L);
        }
        if (type == Calendar.class) {
            return Calendar.getInstance();
        }
        if (type == URL.class) {
            return URI.create("http://example.org/").toURL();
        }
        if (type == SQLType.class) {
            return JDBCType.VARCHAR;
        }
        if (type == Object.class) {
            return "object";
        }
        if (InputStream.class.isAssignableFrom(type)) {
            return new ByteArrayInputStream(new byte[] {1});
        }
        if (Reader.class.isAssignableFrom(type)) {
            return new StringReader("r");
        }
        return new Fake().of(type); // Array, Blob, Clob, NClob, Ref, RowId, SQLXML
    }
}
