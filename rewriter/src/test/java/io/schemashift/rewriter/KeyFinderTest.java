package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The keys an UPDATE or DELETE names: the rows its records and intents name instead of the whole table (an UPDATE
 * of the key: its row under both keys).
 */
class KeyFinderTest {

    private final Rewriter pg = Rewriter.builder(Fixtures.mapping(Dialect.POSTGRESQL), Dialect.POSTGRESQL)
            .build();

    /** {@code keys}: each row's key as the literal or the {@code ?n} parameter it comes from; empty when none. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "UPDATE customers SET name = 'x' WHERE id IN (6, 7)|6 7",
                "UPDATE customers SET name = 'x' WHERE id IN (6, 7) AND email = 'a'|6 7",
                "UPDATE customers SET name = 'x' WHERE id IN (6, 7) AND email = 'a' AND name = 'b'|6 7",
                "UPDATE customers SET name = 'x' WHERE name IN ('a') AND id = 5|5",
                "UPDATE customers SET name = 'x' WHERE name NOT IN ('a', 'b') AND id = ?|?1",
                "UPDATE customers SET name = 'x' WHERE id IN (6, 7) AND email = (SELECT email FROM customers WHERE id = 5)|6 7",
                "DELETE FROM customers WHERE email IN (SELECT email FROM customers WHERE id = 5) AND id = ?|?1",
                "UPDATE customers SET name = 'x' WHERE id = 5 AND name IN ('a') OR id = 6|",
                "DELETE FROM customers WHERE id = ? AND name IN (?, ?) OR email = ?|",
                "DELETE FROM customers WHERE name IN (?, ?) OR id = ?|",
                "DELETE FROM customers WHERE id IN (1, 2) AND (email = 'a' OR name = 'b')|1 2",
                "DELETE FROM customers WHERE id = 5 OR id = 6|",
                "DELETE FROM customers WHERE id IN (1, 2) AND name IN ('a', 'b') AND email = 'x'|1 2",
                "DELETE FROM customers WHERE name IN ('a', 'b') AND id IN (?, ?) AND email = 'x'|?1 ?2",
                "DELETE FROM customers WHERE id IN (1, 2) AND name IN ('a', 'b') OR email = 'x'|",
                "UPDATE customers SET id = ?, name = 'moved' WHERE id = ?|?2 ?1",
                "UPDATE customers SET name = 'moved', id = 99 WHERE id = 5 AND email = ?|5 99",
                "UPDATE customers SET id = id + 100 WHERE id = 5|",
                "UPDATE customers SET id = 9 WHERE email = 'a'|",
                "UPDATE customers SET id = 7 WHERE id IN (1, 2)|"
            })
    void keys_asTheWhereClauseMeansThem(String sql, String keys) {
        List<List<ParamSource>> expected = keys == null
                ? List.of()
                : Arrays.stream(keys.split(" "))
                        .map(k -> List.<ParamSource>of(
                                k.startsWith("?")
                                        ? new ParamSource.Bound(Integer.parseInt(k.substring(1)))
                                        : new ParamSource.Literal(k)))
                        .toList();
        assertThat(((Rewritten) pg.rewrite(sql)).keys()).isEqualTo(expected);
    }
}
