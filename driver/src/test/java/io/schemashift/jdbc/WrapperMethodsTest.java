package io.schemashift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Wrapper;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code unwrap}, {@code isWrapperFor} and {@code toString}, generated once for every wrapper:
 * the wrapper answers for its own types, the delegate for the JDBC interface and what it wraps.
 */
class WrapperMethodsTest {

    /** A delegate that is a wrapper of nothing and describes itself. */
    private static <T> T fake(Class<T> iface) {
        return new WrapperCoverageTest.Recorder().fake(iface);
    }

    private static ShiftConnection connection() {
        return ShiftConnection.wrap(fake(Connection.class));
    }

    static Stream<Arguments> wrappers() {
        return Stream.of(
                Arguments.of(ShiftStatement.class, Statement.class, (Function<Object, Wrapper>)
                        d -> ShiftStatement.wrap((Statement) d, connection())),
                Arguments.of(ShiftPreparedStatement.class, PreparedStatement.class, (Function<Object, Wrapper>) d ->
                        ShiftPreparedStatement.wrap((PreparedStatement) d, connection(), null, null, KeyRequest.NONE)),
                Arguments.of(ShiftCallableStatement.class, CallableStatement.class, (Function<Object, Wrapper>)
                        d -> ShiftCallableStatement.wrap((CallableStatement) d, connection(), null, null)),
                Arguments.of(ShiftResultSet.class, ResultSet.class, (Function<Object, Wrapper>)
                        d -> ShiftResultSet.wrap((ResultSet) d, connection())),
                Arguments.of(ShiftDatabaseMetaData.class, DatabaseMetaData.class, (Function<Object, Wrapper>)
                        d -> ShiftDatabaseMetaData.wrap((DatabaseMetaData) d, connection())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrappers")
    void wrapperMethods_generated_answerForWrapperAndDelegate(
            Class<?> wrapperType, Class<?> iface, Function<Object, Wrapper> wrap) throws Exception {
        WrapperCoverageTest.Recorder recorder = new WrapperCoverageTest.Recorder();
        Wrapper wrapper = wrap.apply(recorder.fake(iface));

        assertThat(wrapper.unwrap(wrapperType)).isSameAs(wrapper);
        assertThat(wrapper.isWrapperFor(wrapperType)).isTrue();
        assertThat(wrapper.isWrapperFor(iface)).isTrue();
        assertThat(wrapper.unwrap(iface)).isSameAs(wrapper); // the wrapper is one itself
        assertThat(wrapper.isWrapperFor(Wrapper.class)).isTrue();
        assertThat(wrapper.toString()).isEqualTo("fake " + iface.getSimpleName());
        assertThat(recorder.last).as("answered without the delegate").isNull();

        wrapper.unwrap(Runnable.class);
        assertThat(recorder.last.getName())
                .as("what neither is, the delegate unwraps")
                .isEqualTo("unwrap");
        recorder.last = null;
        wrapper.isWrapperFor(Runnable.class);
        assertThat(recorder.last.getName()).isEqualTo("isWrapperFor");
    }

    @Test
    void connection_toString_namesTheDriverAndTheDelegate() throws Exception {
        ShiftConnection connection = connection();

        assertThat(connection.toString()).isEqualTo("SchemaShift[fake Connection]");
        assertThat(connection.unwrap(ShiftConnection.class)).isSameAs(connection);
        assertThat(connection.isWrapperFor(Connection.class)).isTrue();
    }
}
