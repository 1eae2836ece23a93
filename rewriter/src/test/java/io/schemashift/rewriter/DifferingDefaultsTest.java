package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A column whose old and new defaults differ ({@link TableMapping#differingDefaults}, here {@code
 * city}): a write that leaves it to its default gives each side its own value, so it is {@link
 * NonDeterminism#DEFAULT_COLUMN}; a write that gives it a value, or a column whose default is
 * shared, is not.
 */
class DifferingDefaultsTest {

    static List<Arguments> writes() {
        return List.of(
                Arguments.of("INSERT INTO customers (id, name) VALUES (?, ?)", true),
                Arguments.of("INSERT INTO customers (id, name, city) VALUES (?, ?, DEFAULT)", true),
                Arguments.of("INSERT INTO customers (id, name, city) VALUES (?, ?, ?)", false),
                Arguments.of("INSERT INTO customers (id, name, city) SELECT id, name, city FROM staging", false),
                Arguments.of("INSERT INTO customers (id, name) SELECT id, name FROM staging", true),
                Arguments.of("UPDATE customers SET city = DEFAULT WHERE id = ?", true),
                Arguments.of("UPDATE customers SET city = ?, email = DEFAULT WHERE id = ?", false),
                Arguments.of(
                        "INSERT INTO customers (id, name, city) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET city = DEFAULT",
                        true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    void differingDefault_leftToIt_isDefaultColumn(String sql, boolean left) {
        Mapping mapping = Mapping.of(
                List.of(Fixtures.customers(Dialect.POSTGRESQL, true).withDefaults(Set.of("city"), Map.of(), Map.of())));
        RewriteResult r = Rewriter.builder(mapping, Dialect.POSTGRESQL).build().rewrite(sql);
        assertThat(r).isInstanceOf(Rewritten.class);
        assertThat(((Rewritten) r).nondeterminism().contains(NonDeterminism.DEFAULT_COLUMN))
                .as(sql)
                .isEqualTo(left);
        assertThat(((Rewritten) Fixtures.rewriter(Dialect.POSTGRESQL).rewrite(sql)).nondeterminism())
                .as("the defaults shared: no such mark")
                .doesNotContain(NonDeterminism.DEFAULT_COLUMN);
    }
}
