package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Statements rewritten by shape, literals lifted out: the result must equal the statement's own
 * rewrite, for the golden corpus and for literal-heavy statements, with other values of every
 * literal.
 */
class ShapesTest {

    /** Statements with inline literals in the places applications put them. */
    static Stream<Arguments> literals() {
        return Stream.of(
                Arguments.of(Dialect.POSTGRESQL, "SELECT id, name FROM customers WHERE id = 42"),
                Arguments.of(
                        Dialect.H2, "SELECT name FROM customers WHERE city = 'Paris' AND id > 10 ORDER BY 1 LIMIT 5"),
                Arguments.of(Dialect.MARIADB, "UPDATE customers SET name = 'Bob', email = 'b@x' WHERE id = 7"),
                Arguments.of(Dialect.POSTGRESQL, "DELETE FROM customers WHERE id = -3"),
                Arguments.of(Dialect.H2, "DELETE FROM customers WHERE id IN (1, 2, -3)"),
                Arguments.of(Dialect.H2, "INSERT INTO customers (id, name, email) VALUES (1, 'A', 'a@x')"),
                Arguments.of(Dialect.MARIADB, "INSERT INTO customers (id, name) VALUES " + rows(10)),
                Arguments.of(
                        Dialect.POSTGRESQL, "INSERT INTO customers (id, name, created_at) VALUES (-5, 'x', now())"),
                Arguments.of(Dialect.POSTGRESQL, "INSERT INTO customers (name) VALUES ('x') RETURNING id"),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "UPDATE customers SET name = 'claimed', city = 'x' WHERE id IN (SELECT id FROM customers"
                                + " WHERE city = 'y' AND id > 3 FOR UPDATE SKIP LOCKED LIMIT 5) RETURNING id"),
                Arguments.of(
                        Dialect.MARIADB, "DELETE FROM customers WHERE city = 'y' ORDER BY name LIMIT 10 RETURNING id"),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "DELETE FROM customers WHERE id IN (SELECT id FROM customers WHERE city = 'y' LIMIT 100)"),
                Arguments.of(Dialect.POSTGRESQL, "SELECT name FROM customers WHERE created_at > DATE '2024-01-01'"),
                Arguments.of(
                        Dialect.POSTGRESQL, "SELECT name FROM customers WHERE created_at > now() - INTERVAL '1 day'"),
                Arguments.of(Dialect.MARIADB, "SELECT name FROM customers WHERE created_at > now() - INTERVAL 1 DAY"),
                Arguments.of(Dialect.H2, "SELECT coalesce(city, 'n/a') FROM customers WHERE id = 1"),
                Arguments.of(Dialect.H2, "SELECT id * 2, name FROM customers WHERE id = 1"),
                Arguments.of(Dialect.POSTGRESQL, "SELECT name FROM customers WHERE name LIKE 'a%' ESCAPE '!'"),
                Arguments.of(Dialect.POSTGRESQL, "SELECT name FROM customers WHERE email = E'a\\'b' AND id = 1"),
                Arguments.of(Dialect.MARIADB, "SELECT name FROM customers WHERE email = 'a\\'b' AND id = 1"),
                Arguments.of(Dialect.MARIADB, "SELECT name FROM customers WHERE email = \"q\" AND id = 1"),
                Arguments.of(
                        Dialect.POSTGRESQL, "SELECT name FROM customers WHERE id = ? AND city = 'x' AND email = ?"),
                Arguments.of(Dialect.POSTGRESQL, "UPDATE customers SET city = 'x' WHERE id = ?"),
                Arguments.of(
                        Dialect.H2, "SELECT name FROM customers ORDER BY 1 OFFSET 10 ROWS FETCH FIRST 5 ROWS ONLY"),
                Arguments.of(Dialect.MARIADB, "SELECT name FROM customers LIMIT 10, 20"),
                Arguments.of(Dialect.POSTGRESQL, "SELECT name, 1.5 * id FROM customers WHERE id BETWEEN 1 AND 1e3"),
                Arguments.of(Dialect.POSTGRESQL, "SELECT name FROM customers WHERE id = 5 - 3 AND id <> (-2)"),
                Arguments.of(Dialect.MARIADB, "SELECT name FROM customers WHERE id = 0x1F"),
                Arguments.of(Dialect.H2, "SELECT name FROM customers /* id = 5 */ WHERE id = 5 -- 'x'\n"),
                Arguments.of(Dialect.H2, "SELECT name FROM customers WHERE id = 5 AND name = '?'"),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "SELECT name FROM customers WHERE name = 'x'::text AND id = 99999999999999999999"),
                Arguments.of(Dialect.H2, "SELECT * FROM customers WHERE city = 'x' ORDER BY 2 DESC"),
                Arguments.of(
                        Dialect.POSTGRESQL, "SELECT name FROM customers WHERE name LIKE '%'||'ab'||'%' AND id = 1"),
                Arguments.of(Dialect.MARIADB, "SELECT name FROM customers WHERE id = 3 LOCK IN SHARE MODE"),
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "SELECT count(*) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.total > 100.50"));
    }

    /** The golden corpus, rewritten and refused alike. */
    static Stream<Arguments> golden() {
        return Stream.of(GoldenTest.rewritten(), GoldenTest.refused(), GoldenTest.refusedAs())
                .flatMap(s -> s)
                .map(a -> Arguments.of(a.get()[0], a.get()[1]));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource({"literals", "golden"})
    void rewriteByShape_otherValues_equalsDirectRewrite(Dialect dialect, String sql) {
        Rewriter cached = Fixtures.rewriter(dialect);
        Rewriter direct = Rewriter.builder(Fixtures.mapping(dialect), dialect)
                .cacheBytes(0)
                .build();
        Random random = new Random(sql.hashCode());

        assertThat(cached.rewrite(sql)).isEqualTo(direct.rewrite(sql));
        for (int i = 0; i < 25; i++) {
            String other = withOtherValues(sql, dialect, random);
            assertThat(cached.rewrite(other)).as(other).isEqualTo(direct.rewrite(other));
        }
    }

    @Test
    void knownShape_notRewrittenAgain() {
        Shapes shapes = new Shapes(Dialect.H2, 1 << 20);
        Rewriter direct = Rewriter.builder(Fixtures.mapping(Dialect.H2), Dialect.H2)
                .cacheBytes(0)
                .build();
        AtomicInteger shapeRewrites = new AtomicInteger();
        String first = "UPDATE customers SET name = 'Ann' WHERE id = 1";
        Shapes.Lifted lifted = Shapes.lift(Tokens.lex(first, Dialect.H2));
        assertThat(shapes.known(first, lifted)).isNull();

        shapes.learn(first, lifted, direct.rewrite(first), (shape, tokens) -> {
            shapeRewrites.incrementAndGet();
            return direct.rewrite(shape);
        });

        String next = "UPDATE customers SET name = 'O''Hara' WHERE id = 20";
        RewriteResult known = shapes.known(next, Shapes.lift(Tokens.lex(next, Dialect.H2)));
        assertThat(known).isEqualTo(direct.rewrite(next));
        assertThat(((Rewritten) known).newSide().sql())
                .isEqualTo("UPDATE clients SET full_name = 'O''Hara', name_search = lower('O''Hara') WHERE id = 20");
        assertThat(((Rewritten) known).keys()).containsExactly(List.of(new ParamSource.Literal("20")));
        assertThat(shapeRewrites).hasValue(1);
    }

    @Test
    void knownShape_textsNotCachedByText() {
        Rewriter r = Fixtures.rewriter(Dialect.H2);

        for (int i = 0; i < 100; i++) {
            assertThat(r.rewrite("SELECT name FROM customers WHERE id = " + i)).isInstanceOf(Rewritten.class);
        }
        r.cache().cleanUp();

        assertThat(r.cache().estimatedSize()).isEqualTo(1); // the shape's first text, rewritten directly
    }

    @Test
    void literalInH2Label_shapeNotUsed() {
        Shapes shapes = new Shapes(Dialect.H2, 1 << 20);
        Rewriter direct = Rewriter.builder(Fixtures.mapping(Dialect.H2), Dialect.H2)
                .cacheBytes(0)
                .build();
        String first = "SELECT coalesce(city, 'n/a') FROM customers";
        Shapes.Lifted lifted = Shapes.lift(Tokens.lex(first, Dialect.H2));

        shapes.learn(first, lifted, direct.rewrite(first), (shape, tokens) -> direct.rewrite(shape));

        String next = "SELECT coalesce(city, '-') FROM customers";
        assertThat(shapes.known(next, Shapes.lift(Tokens.lex(next, Dialect.H2))))
                .isNull();
    }

    static Stream<Arguments> lift_shape() {
        return Stream.of(
                Arguments.of(
                        Dialect.H2,
                        "SELECT a FROM t WHERE b = 'x' AND c = ? AND d = 4.5",
                        "SELECT a FROM t WHERE b = ? AND c = ? AND d = ?"),
                Arguments.of(
                        Dialect.H2,
                        "SELECT a FROM t WHERE b = -5 OR b IN (-1, 2)",
                        "SELECT a FROM t WHERE b = ? OR b IN (?, ?)"),
                Arguments.of(Dialect.H2, "SELECT a -5 FROM t", "SELECT a -? FROM t"),
                // a column position stays: the rewriter reads it (OrdinalPositions)
                Arguments.of(
                        Dialect.POSTGRESQL,
                        "SELECT * FROM t WHERE b IN (1, 2) GROUP BY 3, (4) ORDER BY 2 DESC, lower(c), 1 LIMIT 5",
                        "SELECT * FROM t WHERE b IN (?, ?) GROUP BY 3, (?) ORDER BY 2 DESC, lower(c), 1 LIMIT ?"),
                Arguments.of(
                        Dialect.H2,
                        "SELECT (SELECT x FROM u ORDER BY 1) FROM t ORDER BY f(2, 3) + 4",
                        "SELECT (SELECT x FROM u ORDER BY 1) FROM t ORDER BY f(?, ?) + ?"),
                Arguments.of(
                        Dialect.H2,
                        "SELECT a FROM t WHERE d > DATE '2024-01-01' LIMIT 1",
                        "SELECT a FROM t WHERE d > DATE '2024-01-01' LIMIT ?"),
                Arguments.of(Dialect.MARIADB, "SELECT a FROM t WHERE d > now() - INTERVAL 1 DAY AND e = x'1F'", null),
                Arguments.of(Dialect.MARIADB, "SELECT a FROM t WHERE b = 0x1F AND c = \"s\"", null),
                Arguments.of(Dialect.POSTGRESQL, "SELECT a FROM t WHERE b = E'x' AND c = $$y$$", null),
                Arguments.of(Dialect.POSTGRESQL, "SELECT a FROM t1 /* 5 */ WHERE b = 12345678901234567890", null),
                Arguments.of(Dialect.H2, "SELECT t.1a FROM t WHERE b = 1. AND c = 'x\\'", null),
                Arguments.of(Dialect.H2, "SELECT a FROM t WHERE b = {d '2024-01-01'}", null));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource
    void lift_shape(Dialect dialect, String sql, String shape) {
        Shapes.Lifted lifted = Shapes.lift(Tokens.lex(sql, dialect));

        assertThat(lifted == null ? null : lifted.shapeSql()).isEqualTo(shape);
    }

    @Test
    void cacheBytes_boundsBothCachesByTheirTexts() {
        Rewriter small = Rewriter.builder(Fixtures.mapping(Dialect.H2), Dialect.H2)
                .cacheBytes(64 * 1024)
                .build();
        String padding = "x".repeat(200);

        for (int i = 0; i < 2_000; i++) {
            small.rewrite("SELECT '" + padding + "' FROM orders WHERE id = " + i);
        }
        small.cache().cleanUp();

        long bytes =
                small.cache().policy().eviction().orElseThrow().weightedSize().orElseThrow();
        assertThat(bytes).isPositive().isLessThanOrEqualTo(32 * 1024);
        assertThat(small.cache().estimatedSize()).isLessThan(100);
    }

    private static String rows(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            b.append(i > 1 ? ", " : "")
                    .append('(')
                    .append(i)
                    .append(", 'n")
                    .append(i)
                    .append("')");
        }
        return b.toString();
    }

    /** {@code sql} with each literal the shape lifts replaced by a random value of the same class. */
    static String withOtherValues(String sql, Dialect dialect, Random random) {
        Shapes.Lifted lifted = Shapes.lift(Tokens.lex(sql, dialect));
        if (lifted == null) {
            return sql;
        }
        String classes = lifted.key().substring(lifted.key().lastIndexOf('\0') + 1);
        StringBuilder out = new StringBuilder(sql);
        for (int k = lifted.starts().length - 1; k >= 0; k--) {
            out.replace(lifted.starts()[k], lifted.ends()[k], value(classes.charAt(k), random));
        }
        return out.toString();
    }

    private static final List<String> STRINGS = List.of(
            "'x'",
            "''",
            "'O''Brien'",
            "'?'",
            "'customers'",
            "'name'",
            "'-- no'",
            "'/* no */'",
            "'é €'",
            "'a b'",
            "'a\\\\b'",
            "'line\nbreak'");

    private static String value(char cls, Random random) {
        String v =
                switch (Character.toLowerCase(cls)) {
                    case 's' -> STRINGS.get(random.nextInt(STRINGS.size()));
                    case 'i' -> random.nextBoolean() ? String.valueOf(random.nextInt(1000)) : "00" + random.nextInt(10);
                    case 'd' -> random.nextInt(100) + "." + random.nextInt(100);
                    case 'e' -> (1 + random.nextInt(9)) + "e" + random.nextInt(5);
                    default -> throw new IllegalArgumentException("class " + cls);
                };
        return Character.isUpperCase(cls) ? "-" + v : v;
    }
}
