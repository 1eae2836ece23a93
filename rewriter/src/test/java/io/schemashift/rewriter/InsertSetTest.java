package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MariaDB's {@code INSERT … SET} spelled as the {@code INSERT … VALUES} it means, and rewritten as that. */
class InsertSetTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "INSERT INTO customers SET id = ?, name = ?|INSERT INTO customers (id, name) VALUES (?, ?)",
                "insert ignore into shop.customers set id = 1, name = 'a, b'"
                        + "|insert ignore into shop.customers (id, name) VALUES (1, 'a, b')",
                "INSERT INTO customers SET id = ?, name = concat(?, 'x') ON DUPLICATE KEY UPDATE name = VALUES(name)"
                        + "|INSERT INTO customers (id, name) VALUES (?, concat(?, 'x')) ON DUPLICATE KEY UPDATE name ="
                        + " VALUES(name)",
                "INSERT INTO customers SET id = (SELECT max(id) + 1 FROM t WHERE a = 1), `name` = ? /* who */"
                        + "|INSERT INTO customers (id, `name`) VALUES ((SELECT max(id) + 1 FROM t WHERE a = 1), ?)",
                "INSERT INTO customers SET name = CASE WHEN ? = 1 THEN 'x' ELSE 'y' END"
                        + "|INSERT INTO customers (name) VALUES (CASE WHEN ? = 1 THEN 'x' ELSE 'y' END)",
            })
    void asValues(String insertSet, String values) {
        assertThat(InsertSet.asValues(Tokens.lex(insertSet, Dialect.MARIADB), insertSet))
                .isEqualTo(values);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "INSERT INTO customers (id, name) VALUES (?, ?)",
                "INSERT INTO customers SELECT * FROM t",
                "INSERT INTO customers PARTITION (p0) SET id = ?",
                "INSERT INTO customers SET id",
                "INSERT INTO customers SET id = ",
                "UPDATE customers SET id = ?",
            })
    void asValues_notThisForm_null(String sql) {
        assertThat(InsertSet.asValues(Tokens.lex(sql, Dialect.MARIADB), sql)).isNull();
    }

    /** The rewrite of the one is the rewrite of the other: the new side's text, its parameters, the keys. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "INSERT INTO customers SET id = ?, name = ?|INSERT INTO customers (id, name) VALUES (?, ?)",
                "INSERT INTO customers SET id = 7, name = 'n' ON DUPLICATE KEY UPDATE name = VALUES(name)"
                        + "|INSERT INTO customers (id, name) VALUES (7, 'n') ON DUPLICATE KEY UPDATE name = VALUES(name)",
            })
    void rewrite_asTheValuesForm(String insertSet, String values) {
        Rewriter r = Fixtures.rewriter(Dialect.MARIADB);
        Rewritten set = (Rewritten) r.rewrite(insertSet);
        Rewritten same = (Rewritten) r.rewrite(values);
        assertThat(set.kind()).isEqualTo(same.kind());
        assertThat(set.newSide()).isEqualTo(same.newSide());
        assertThat(set.oldSide()).isEqualTo(same.oldSide());
        assertThat(set.keys()).isEqualTo(same.keys());
        assertThat(set.probe()).isEqualTo(same.probe());
        assertThat(set.nondeterminism()).isEqualTo(same.nondeterminism());
    }
}
