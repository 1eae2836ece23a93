package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated statements over the mapped table {@code customers} (and the unmapped {@code orders}):
 * the rewriter never throws and never fails internally, and every statement it rewrites passes
 * the differential check on H2 (the original on the old table, the rewrite on the new one: same
 * rows and labels, or the same effect through the mapping).
 */
class RewriterPropertiesTest {

    private static final String[] TEXT_COLUMNS = {"name", "email", "city"};
    private static final String[] TEXTS = {"Ann", "Bob", "Paris", "Oslo", "ann@x.io", "Zed", "Rome"};
    private static final AtomicInteger REWRITTEN = new AtomicInteger();
    private static final AtomicInteger TOTAL = new AtomicInteger();

    private static Connection connection;
    private static Differential differential;
    private static Rewriter rewriter;

    /** A generated statement and the values of its parameters, in order. */
    record Sql(String sql, List<Object> params) {
        @Override
        public String toString() {
            return sql + " " + params;
        }
    }

    @BeforeContainer
    static void createSchemas() throws Exception {
        TestDatabase h2 = TestDatabases.h2();
        connection = h2.connect(h2.create("rw_props"));
        differential = new Differential(connection, Dialect.H2);
        differential.createSchemas();
        rewriter = Rewriter.builder(Fixtures.mapping(Dialect.H2), Dialect.H2)
                .parseTimeout(Duration.ofSeconds(2)) // a shared, busy machine: results, not speed
                .build();
    }

    @AfterContainer
    static void mostStatementsWereRewritten() throws Exception {
        connection.close();
        // the generator mostly writes rewritable SQL: a rewriter that refused everything must fail
        assertThat(REWRITTEN.get()).as("rewritten of " + TOTAL.get()).isGreaterThan(TOTAL.get() / 2);
    }

    @Property(tries = 400)
    void rewrite_acceptedStatementsBehaveTheSameOnH2(@ForAll("statements") Sql s) throws Exception {
        RewriteResult r = rewriter.rewrite(s.sql());

        TOTAL.incrementAndGet();
        assertThat(r).as(s.sql()).isInstanceOfAny(Rewritten.class, Refused.class);
        if (r instanceof Refused refused) {
            assertThat(refused.reason())
                    .as(s.sql() + ": " + refused.message())
                    .isNotEqualTo(RefusalReason.INTERNAL_ERROR);
            if (s.sql().contains("legacy_flag")
                    && !s.sql().startsWith("INSERT")
                    && !s.sql().startsWith("UPDATE")) {
                assertThat(refused.reason()).isEqualTo(RefusalReason.DROPPED_COLUMN_READ);
            }
            Statistics.collect("refused", refused.reason());
            return;
        }
        REWRITTEN.incrementAndGet();
        Statistics.collect("rewritten", r.kind());
        differential.check(rewriter, s.sql(), s.params());
    }

    @Provide
    Arbitrary<Sql> statements() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, selects()),
                net.jqwik.api.Tuple.of(1, groupBys()),
                net.jqwik.api.Tuple.of(2, inserts()),
                net.jqwik.api.Tuple.of(2, updates()),
                net.jqwik.api.Tuple.of(1, deletes()));
    }

    /** A WHERE condition with {@code {q}} where the qualifier of {@code customers} goes. */
    record Condition(String template, List<Object> params) {
        boolean isEmpty() {
            return template.isEmpty();
        }

        Condition and(String op, Condition other) {
            List<Object> all = new ArrayList<>(params);
            all.addAll(other.params);
            return new Condition(template + " " + op + " " + other.template, all);
        }
    }

    private static final Condition NO_CONDITION = new Condition("", List.of());

    private static Arbitrary<Condition> condition() {
        Arbitrary<Integer> id = Arbitraries.integers().between(0, 8);
        Arbitrary<String> column = Arbitraries.of(TEXT_COLUMNS);
        Arbitrary<String> text = Arbitraries.of(TEXTS);
        return Arbitraries.oneOf(
                id.map(i -> new Condition("{q}id = ?", List.of(i))),
                id.map(i -> new Condition("{q}id > ?", List.of(i))),
                Combinators.combine(id, id).as((a, b) -> new Condition("{q}id IN (?, ?)", List.of(a, b))),
                Combinators.combine(column, text).as((c, t) -> new Condition("{q}" + c + " = ?", List.of(t))),
                column.map(c -> new Condition("{q}" + c + " IS NULL", List.of())),
                column.map(c -> new Condition("{q}" + c + " IS NOT NULL", List.of())),
                Combinators.combine(column, Arbitraries.of("A%", "%o%", "B%"))
                        .as((c, p) -> new Condition("{q}" + c + " LIKE ?", List.of(p))),
                // a parameter against || (JSqlParser's lexer would read ?| as an operator)
                Combinators.combine(column, Arbitraries.of("A", "o", "B"))
                        .as((c, p) -> new Condition("{q}" + c + " LIKE '%'||?||'%'", List.of(p))),
                Combinators.combine(column, text)
                        .as((c, t) -> new Condition("lower({q}" + c + ") = lower(?)", List.of(t))),
                Combinators.combine(column, text, text)
                        .as((c, a, b) -> new Condition("{q}" + c + " IN (?, ?)", List.of(a, b))),
                id.map(i -> new Condition(
                        "EXISTS (SELECT 1 FROM orders o2 WHERE o2.customer_id = {t}.id AND o2.total > ?)",
                        List.of(i * 25))),
                id.map(i ->
                        new Condition("{q}id IN (SELECT customer_id FROM orders WHERE total > ?)", List.of(i * 20))),
                Arbitraries.just(new Condition("{q}legacy_flag = TRUE", List.of())));
    }

    private static Arbitrary<Condition> where() {
        return Combinators.combine(
                        condition().list().ofMinSize(0).ofMaxSize(3),
                        Arbitraries.of("AND", "OR").list().ofSize(2))
                .as((conditions, ops) -> {
                    Condition all = NO_CONDITION;
                    for (int i = 0; i < conditions.size(); i++) {
                        all = i == 0 ? conditions.get(i) : all.and(ops.get(i - 1), conditions.get(i));
                    }
                    return all;
                });
    }

    /** How {@code customers} is referred to: bare, by its name, or by an alias. */
    enum Qualifier {
        NONE("customers", ""),
        TABLE("customers", "customers."),
        ALIAS("customers c", "c.");

        final String from;
        final String prefix;

        Qualifier(String from, String prefix) {
            this.from = from;
            this.prefix = prefix;
        }

        String table() {
            return this == ALIAS ? "c" : "customers";
        }
    }

    private static String fill(String template, Qualifier q) {
        return template.replace("{q}", q.prefix).replace("{t}", q.table());
    }

    private static Arbitrary<Sql> selects() {
        Arbitrary<List<String>> items = Arbitraries.of(
                        "id",
                        "name",
                        "email",
                        "city",
                        "created_at",
                        "upper({q}name) AS un",
                        "coalesce({q}email, {q}city) AS ec",
                        "{q}name AS who",
                        "{q}city AS town",
                        "*",
                        "legacy_flag")
                .list()
                .ofMinSize(1)
                .ofMaxSize(4)
                .uniqueElements();
        return Combinators.combine(
                        items,
                        where(),
                        Arbitraries.of(Qualifier.class),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 3))
                .as((list, where, q, join, order) -> {
                    boolean joined = join && q == Qualifier.ALIAS;
                    List<String> rendered = new ArrayList<>();
                    for (String item : list) {
                        boolean plainColumn = item.matches("[a-z_]+");
                        rendered.add(
                                plainColumn ? q.prefix + item : item.equals("*") && joined ? "c.*" : fill(item, q));
                    }
                    if (joined) {
                        rendered.add("o.total");
                    }
                    StringBuilder sql = new StringBuilder("SELECT ")
                            .append(String.join(", ", rendered))
                            .append(" FROM ")
                            .append(q.from);
                    if (joined) {
                        sql.append(" JOIN orders o ON o.customer_id = c.id");
                    }
                    List<Object> params = new ArrayList<>();
                    if (!where.isEmpty()) {
                        sql.append(" WHERE ").append(fill(where.template(), q));
                        params.addAll(where.params());
                    }
                    if (order > 0) {
                        sql.append(" ORDER BY ").append(q.prefix).append("id").append(joined ? ", o.id" : "");
                        if (order == 2) {
                            sql.append(" LIMIT 3");
                        } else if (order == 3) {
                            sql.append(" LIMIT 2 OFFSET 1");
                        }
                    }
                    return new Sql(sql.toString(), params);
                });
    }

    private static Arbitrary<Sql> groupBys() {
        return Combinators.combine(
                        Arbitraries.of(TEXT_COLUMNS), where(), Arbitraries.of(Qualifier.NONE, Qualifier.ALIAS))
                .as((column, where, q) -> {
                    List<Object> params = new ArrayList<>();
                    String sql = "SELECT " + q.prefix + column + ", count(*) AS n FROM " + q.from;
                    if (!where.isEmpty()) {
                        sql += " WHERE " + fill(where.template(), q);
                        params.addAll(where.params());
                    }
                    return new Sql(
                            sql + " GROUP BY " + q.prefix + column + " HAVING count(*) >= 1 ORDER BY " + q.prefix
                                    + column,
                            params);
                });
    }

    private static Arbitrary<Sql> inserts() {
        Arbitrary<List<String>> columns = Arbitraries.of("name", "email", "city", "legacy_flag", "created_at")
                .list()
                .ofMinSize(0)
                .ofMaxSize(5)
                .uniqueElements();
        return Combinators.combine(
                        columns,
                        Arbitraries.integers().between(1, 2),
                        Arbitraries.of(true, false),
                        Arbitraries.of(TEXTS))
                .as((cols, rows, bind, text) -> {
                    List<String> all = new ArrayList<>(List.of("id"));
                    all.addAll(cols);
                    List<Object> params = new ArrayList<>();
                    List<String> tuples = new ArrayList<>();
                    for (int r = 0; r < rows; r++) {
                        List<String> cells = new ArrayList<>();
                        for (String c : all) {
                            Object value =
                                    switch (c) {
                                        case "id" -> 100 + r;
                                        case "legacy_flag" -> Boolean.TRUE;
                                        case "created_at" -> Differential.NOW;
                                        default -> text + r;
                                    };
                            if (bind || c.equals("created_at")) {
                                cells.add("?");
                                params.add(value);
                            } else {
                                cells.add(value instanceof String v ? "'" + v + "'" : String.valueOf(value));
                            }
                        }
                        tuples.add("(" + String.join(", ", cells) + ")");
                    }
                    return new Sql(
                            "INSERT INTO customers(" + String.join(", ", all) + ") VALUES " + String.join(", ", tuples),
                            params);
                });
    }

    private static Arbitrary<Sql> updates() {
        Arbitrary<List<String>> sets = Arbitraries.of(
                        "name = ?",
                        "email = ?",
                        "city = ?",
                        "name = upper(name)",
                        "city = lower(city)",
                        "email = concat(name, '@y.io')",
                        "legacy_flag = FALSE")
                .list()
                .ofMinSize(1)
                .ofMaxSize(3)
                .uniqueElements(s -> s.substring(0, s.indexOf(' ')));
        return Combinators.combine(
                        sets, where(), Arbitraries.of(Qualifier.NONE, Qualifier.TABLE), Arbitraries.of(TEXTS))
                .as((list, where, q, text) -> {
                    List<Object> params = new ArrayList<>();
                    for (String s : list) {
                        if (s.endsWith("?")) {
                            params.add(text);
                        }
                    }
                    String sql = "UPDATE customers SET " + String.join(", ", list);
                    if (!where.isEmpty()) {
                        sql += " WHERE " + fill(where.template(), q);
                        params.addAll(where.params());
                    }
                    return new Sql(sql, params);
                });
    }

    private static Arbitrary<Sql> deletes() {
        return Combinators.combine(where(), Arbitraries.of(Qualifier.NONE, Qualifier.TABLE))
                .as((where, q) -> where.isEmpty()
                        ? new Sql("DELETE FROM customers WHERE id > 4", List.of())
                        : new Sql("DELETE FROM customers WHERE " + fill(where.template(), q), where.params()));
    }
}
