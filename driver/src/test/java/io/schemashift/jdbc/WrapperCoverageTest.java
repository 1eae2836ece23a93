package io.schemashift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Wrapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Walks every method of every wrapped JDBC interface: each one reaches the delegate, and every
 * JDBC object it returns is a SchemaShift wrapper whose back-reference is the wrapper.
 */
class WrapperCoverageTest {

    /** Methods answered by the wrapper itself instead of the delegate. */
    private static final Set<String> ANSWERED_BY_WRAPPER = Set.of(
            "Statement.getConnection",
            "Statement.closeOnCompletion",
            "Statement.isCloseOnCompletion",
            "ResultSet.getStatement",
            "DatabaseMetaData.getConnection");

    /** A fake delegate that records the last method called on it. */
    static final class Recorder {
        Method last;

        <T> T fake(Class<T> iface) {
            return iface.cast(Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {iface}, (proxy, method, args) -> {
                        if (method.getDeclaringClass() == Object.class) {
                            return switch (method.getName()) {
                                case "toString" -> "fake " + iface.getSimpleName();
                                case "hashCode" -> System.identityHashCode(proxy);
                                default -> proxy == args[0];
                            };
                        }
                        last = method;
                        return valueOf(method.getReturnType());
                    }));
        }

        Object valueOf(Class<?> type) {
            if (type == void.class) {
                return null;
            }
            if (type == boolean.class) {
                return true;
            }
            if (type == int.class) {
                return 7;
            }
            if (type == long.class) {
                return 7L;
            }
            if (type == short.class) {
                return (short) 7;
            }
            if (type == byte.class) {
                return (byte) 7;
            }
            if (type == float.class) {
                return 7f;
            }
            if (type == double.class) {
                return 7d;
            }
            if (type == String.class) {
                return "x";
            }
            if (type == int[].class) {
                return new int[] {1};
            }
            if (type == long[].class) {
                return new long[] {1};
            }
            if (type.isInterface() && type.getName().startsWith("java.sql.")) {
                return fake(type);
            }
            return null;
        }
    }

    static Stream<Arguments> wrappedMethods() {
        List<Arguments> all = new ArrayList<>();
        add(all, Connection.class, (r, unused) -> ShiftConnection.wrap(r.fake(Connection.class)));
        add(all, Statement.class, (r, c) -> ShiftStatement.wrap(r.fake(Statement.class), c));
        add(
                all,
                PreparedStatement.class,
                (r, c) -> ShiftPreparedStatement.wrap(r.fake(PreparedStatement.class), c, null, null, KeyRequest.NONE));
        add(
                all,
                CallableStatement.class,
                (r, c) -> ShiftCallableStatement.wrap(r.fake(CallableStatement.class), c, null, null));
        add(
                all,
                ResultSet.class,
                (r, c) -> ShiftResultSet.wrap(
                        r.fake(ResultSet.class), ShiftStatement.wrap(new Recorder().fake(Statement.class), c)));
        add(all, DatabaseMetaData.class, (r, c) -> ShiftDatabaseMetaData.wrap(r.fake(DatabaseMetaData.class), c));
        return all.stream();
    }

    private static void add(
            List<Arguments> all, Class<?> iface, BiFunction<Recorder, ShiftConnection, Object> wrapperFactory) {
        for (Method m : iface.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() != Wrapper.class) {
                all.add(Arguments.of(iface.getSimpleName() + "." + m.getName() + params(m), iface, m, wrapperFactory));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrappedMethods")
    void everyMethod_delegatesAndReturnsWrappers(
            String name, Class<?> iface, Method method, BiFunction<Recorder, ShiftConnection, Object> wrapperFactory)
            throws Exception {
        Recorder recorder = new Recorder();
        ShiftConnection connection = ShiftConnection.wrap(new Recorder().fake(Connection.class));
        Object wrapper = wrapperFactory.apply(recorder, connection);

        Object result;
        try {
            result = method.invoke(wrapper, arguments(method));
        } catch (InvocationTargetException e) {
            throw new AssertionError(name + " threw", e.getCause());
        }

        String key = method.getDeclaringClass().getSimpleName() + "." + method.getName();
        if (!ANSWERED_BY_WRAPPER.contains(key)) {
            assertThat(recorder.last).as("%s reaches the delegate", name).isNotNull();
            assertThat(recorder.last.getName()).isEqualTo(method.getName());
            assertThat(recorder.last.getParameterTypes()).isEqualTo(method.getParameterTypes());
        }
        assertNoRawDelegate(name, result, wrapper, connection);
    }

    private static void assertNoRawDelegate(String name, Object result, Object wrapper, ShiftConnection owner)
            throws Exception {
        ShiftConnection connection = wrapper instanceof ShiftConnection self ? self : owner;
        if (result instanceof Connection c) {
            assertThat(c).as(name).isSameAs(wrapper instanceof Connection ? wrapper : connection);
        } else if (result instanceof Statement s) {
            assertThat(s).as(name).isInstanceOf(ShiftStatement.class);
            assertThat(s.getConnection()).as(name + " back-reference").isSameAs(connection);
        } else if (result instanceof ResultSet rs) {
            assertThat(rs).as(name).isInstanceOf(ShiftResultSet.class);
            if (wrapper instanceof Statement) {
                assertThat(rs.getStatement()).as(name + " back-reference").isSameAs(wrapper);
            } else {
                assertThat(rs.getStatement().getConnection())
                        .as(name + " back-reference")
                        .isSameAs(connection);
            }
        } else if (result instanceof DatabaseMetaData md) {
            assertThat(md).as(name).isInstanceOf(ShiftDatabaseMetaData.class);
            assertThat(md.getConnection()).as(name + " back-reference").isSameAs(connection);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrappers")
    void unwrap_reachesDelegateAndWrapper(String name, Class<?> iface, Wrapper wrapper) throws Exception {
        assertThat(wrapper.isWrapperFor(iface)).isTrue();
        assertThat(wrapper.unwrap(iface)).isSameAs(wrapper);
        assertThat(wrapper.isWrapperFor(Proxy.class)).isTrue();
        assertThat(wrapper.unwrap(Proxy.class)).isNotSameAs(wrapper).isInstanceOf(iface);
    }

    static Stream<Arguments> wrappers() {
        Recorder r = new Recorder();
        ShiftConnection c = ShiftConnection.wrap(r.fake(Connection.class));
        ShiftStatement s = ShiftStatement.wrap(r.fake(Statement.class), c);
        return Stream.of(
                Arguments.of("Connection", Connection.class, c),
                Arguments.of("Statement", Statement.class, s),
                Arguments.of(
                        "PreparedStatement",
                        PreparedStatement.class,
                        ShiftPreparedStatement.wrap(r.fake(PreparedStatement.class), c, null, null, KeyRequest.NONE)),
                Arguments.of(
                        "CallableStatement",
                        CallableStatement.class,
                        ShiftCallableStatement.wrap(r.fake(CallableStatement.class), c, null, null)),
                Arguments.of("ResultSet", ResultSet.class, ShiftResultSet.wrap(r.fake(ResultSet.class), s)),
                Arguments.of(
                        "DatabaseMetaData",
                        DatabaseMetaData.class,
                        ShiftDatabaseMetaData.wrap(r.fake(DatabaseMetaData.class), c)));
    }

    private static Object[] arguments(Method method) {
        Class<?>[] types = method.getParameterTypes();
        Object[] args = new Object[types.length];
        Recorder values = new Recorder();
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == Class.class) {
                args[i] = Object.class;
            } else if (t == Map.class) {
                args[i] = Map.of();
            } else if (t == String[].class) {
                args[i] = new String[] {"id"};
            } else if (t == Object[].class) {
                args[i] = new Object[0];
            } else if (t == Properties.class) {
                args[i] = new Properties();
            } else if (t == java.util.concurrent.Executor.class) {
                args[i] = (java.util.concurrent.Executor) Runnable::run;
            } else {
                args[i] = values.valueOf(t);
            }
        }
        return args;
    }

    private static String params(Method m) {
        StringBuilder s = new StringBuilder("(");
        for (Class<?> p : m.getParameterTypes()) {
            s.append(s.length() > 1 ? "," : "").append(p.getSimpleName());
        }
        return s.append(')').toString();
    }
}
