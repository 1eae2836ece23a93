package io.schemashift.rewriter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A column both tables default to the current timestamp ({@link TableMapping#clockDefaults}, here
 * {@code created_at DEFAULT now()}): each side would read its own clock, so a write that leaves it
 * to its default gives both sides one captured instant ({@link ParamSource.Now}), as a {@code
 * now()} the statement writes itself; where the statement cannot carry it, it is {@link
 * NonDeterminism#DEFAULT_COLUMN}.
 */
class ClockDefaultsTest {

    private static Mapping mapping(Dialect dialect) {
        return Mapping.of(List.of(
                Fixtures.customers(dialect, true).withDefaults(Set.of(), Map.of("created_at", "now()"), Map.of())));
    }

    /** A rewrite for new tables in the application's database. */
    private static Rewritten rewrite(Dialect dialect, String sql) {
        return rewritten(Rewriter.builder(mapping(dialect), dialect).build(), sql);
    }

    /** A rewrite for new tables in a separate database. */
    private static Rewritten separate(Dialect dialect, String sql) {
        return rewritten(
                Rewriter.builder(mapping(dialect), dialect)
                        .newTriggers(List.of())
                        .build(),
                sql);
    }

    private static Rewritten rewritten(Rewriter rewriter, String sql) {
        RewriteResult r = rewriter.rewrite(sql);
        assertThat(r).as(sql).isInstanceOf(Rewritten.class);
        return (Rewritten) r;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "INSERT INTO customers (id, name) VALUES (?, ?)"
                        + " | INSERT INTO customers (id, name, created_at) VALUES (?, ?, CAST(? AS timestamptz))"
                        + " | INSERT INTO app_v2.clients (id, full_name, name_search, created_at) OVERRIDING SYSTEM VALUE VALUES (?, ?, lower(?),"
                        + " CAST(? AS timestamptz))",
                "INSERT INTO customers (id, name) VALUES (1, 'a'), (2, 'b')"
                        + " | INSERT INTO customers (id, name, created_at) VALUES (1, 'a', CAST(? AS timestamptz)),"
                        + " (2, 'b', CAST(? AS timestamptz))"
                        + " | INSERT INTO app_v2.clients (id, full_name, name_search, created_at) OVERRIDING SYSTEM VALUE VALUES (1, 'a', lower('a'),"
                        + " CAST(? AS timestamptz)), (2, 'b', lower('b'), CAST(? AS timestamptz))",
                "INSERT INTO customers (id, name, created_at) VALUES (?, ?, DEFAULT)"
                        + " | INSERT INTO customers (id, name, created_at) VALUES (?, ?, CAST(? AS timestamptz))"
                        + " | INSERT INTO app_v2.clients (id, full_name, created_at, name_search) OVERRIDING SYSTEM VALUE VALUES (?, ?,"
                        + " CAST(? AS timestamptz), lower(?))",
                "INSERT INTO customers (id, name) SELECT id + 100, name FROM customers WHERE id < ?"
                        + " | INSERT INTO customers (id, name, created_at) SELECT id + 100, name, CAST(? AS timestamptz)"
                        + " FROM customers WHERE id < ?"
                        + " | INSERT INTO app_v2.clients (id, full_name, name_search, created_at) OVERRIDING SYSTEM VALUE SELECT id + 100,"
                        + " full_name AS name, lower((full_name)), CAST(? AS timestamptz) FROM app_v2.clients WHERE id < ?",
                "UPDATE customers SET created_at = DEFAULT, email = ? WHERE id = ?"
                        + " | UPDATE customers SET created_at = CAST(? AS timestamptz), email = ? WHERE id = ?"
                        + " | UPDATE app_v2.clients SET created_at = CAST(? AS timestamptz), email_address = ? WHERE id = ?",
                "INSERT INTO customers (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name"
                        + " | INSERT INTO customers (id, name, created_at) VALUES (?, ?, CAST(? AS timestamptz)) ON"
                        + " CONFLICT (id) DO UPDATE SET name = EXCLUDED.name"
                        + " | INSERT INTO app_v2.clients (id, full_name, name_search, created_at) OVERRIDING SYSTEM VALUE VALUES (?, ?, lower(?),"
                        + " CAST(? AS timestamptz)) ON CONFLICT (id) DO UPDATE SET full_name = EXCLUDED.full_name,"
                        + " name_search = lower((EXCLUDED.full_name))"
            })
    void leftToTheDefault_bothSidesGetOneCapturedInstant(String sql, String oldSide, String newSide) {
        Rewritten r = separate(Dialect.POSTGRESQL, sql);
        assertThat(r.oldSide().sql()).isEqualTo(oldSide);
        assertThat(r.newSide().sql()).isEqualTo(newSide);
        assertThat(r.oldSide().bindsNow()).isTrue();
        assertThat(r.newSide().bindsNow()).isTrue();
        assertThat(r.nondeterminism()).doesNotContain(NonDeterminism.DEFAULT_COLUMN);

        // one PostgreSQL database: both statements share the application's transaction and its now()
        Rewritten one = rewrite(Dialect.POSTGRESQL, sql);
        assertThat(one.oldSide().sql()).isEqualTo(oldSide.replace("CAST(? AS timestamptz)", "now()"));
        assertThat(one.newSide().sql()).isEqualTo(newSide.replace("CAST(? AS timestamptz)", "now()"));
        assertThat(one.oldSide().bindsNow() || one.newSide().bindsNow()).isFalse();
        assertThat(one.nondeterminism()).doesNotContain(NonDeterminism.DEFAULT_COLUMN);
    }

    /**
     * One PostgreSQL database, a default that moves within a transaction ({@code clock_timestamp()}):
     * the captured instant, as for a separate database; and a column whose two types round a time
     * apart gets one too, to judge what both keep of it.
     */
    @org.junit.jupiter.api.Test
    void oneDatabase_movingOrRoundedApart_capturedInstant() {
        Mapping moving = Mapping.of(List.of(Fixtures.customers(Dialect.POSTGRESQL, true)
                .withDefaults(Set.of(), Map.of("created_at", "clock_timestamp()"), Map.of())));
        Rewritten r = rewritten(
                Rewriter.builder(moving, Dialect.POSTGRESQL).build(), "INSERT INTO customers (id, name) VALUES (?, ?)");
        assertThat(r.oldSide().sql())
                .isEqualTo("INSERT INTO customers (id, name, created_at) VALUES (?, ?, CAST(? AS timestamptz))");
        TableMapping rounded = Fixtures.customers(Dialect.POSTGRESQL, true)
                .withDefaults(Set.of(), Map.of("created_at", "now()"), Map.of())
                .withComputed(
                        Map.of("created_at", TableMapping.ComputedBy.EACH_TABLE_ROUNDING),
                        Map.of("created_at", new KeptAlike(KeptAlike.Measure.SECOND_FRACTIONS, 3)),
                        Set.of());
        Rewritten apart = rewritten(
                Rewriter.builder(Mapping.of(List.of(rounded)), Dialect.POSTGRESQL)
                        .build(),
                "INSERT INTO customers (id, name) VALUES (?, ?)");
        assertThat(apart.oldSide().sql())
                .isEqualTo("INSERT INTO customers (id, name, created_at) VALUES (?, ?, CAST(? AS timestamptz))");
        assertThat(apart.rounded().rows()).containsExactly(List.of(new ParamSource.Now()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "INSERT INTO customers (id, name, created_at) VALUES (?, ?, ?)",
                "UPDATE customers SET email = ? WHERE id = ?",
                "INSERT INTO customers (id, name, created_at) SELECT id, name, created_at FROM staging"
            })
    void written_untouched(String sql) {
        Rewritten r = rewrite(Dialect.POSTGRESQL, sql);
        assertThat(r.oldSide().sql()).isEqualTo(sql);
        assertThat(r.newSide().bindsNow()).isFalse();
        assertThat(r.nondeterminism()).doesNotContain(NonDeterminism.DEFAULT_COLUMN);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "INSERT INTO customers (id, city) SELECT id, city FROM customers_archive UNION SELECT 1, 'x'",
                "INSERT INTO customers VALUES (1, 'a', 'e', 'c', 0)"
            })
    void notCarried_defaultColumn(String sql) {
        assertThat(rewrite(Dialect.POSTGRESQL, sql).nondeterminism()).contains(NonDeterminism.DEFAULT_COLUMN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"MARIADB", "H2"})
    void otherDialects_bindTheInstantInTheirOwnType(Dialect dialect) {
        Rewritten r = rewrite(dialect, "INSERT INTO customers (name) VALUES (?)");
        String instant = dialect == Dialect.MARIADB
                ? "CONVERT_TZ(CAST(? AS DATETIME(0)), '+00:00', @@session.time_zone)"
                : "CAST(? AS TIMESTAMP WITH TIME ZONE)";
        assertThat(r.oldSide().sql()).isEqualTo("INSERT INTO customers (name, created_at) VALUES (?, " + instant + ")");
        assertThat(r.generatedKeyColumns()).containsExactly("id");
        assertThat(r.oldSideWithKeys().sql())
                .as("the key the primary generated comes after the instant, in the list and in the row")
                .isEqualTo("INSERT INTO customers (name, created_at, id)"
                        + (dialect == Dialect.MARIADB ? "" : " OVERRIDING SYSTEM VALUE") + " VALUES (?, " + instant
                        + ", ?)");
    }

    /** The statement's shape (its literals lifted out) rewritten once serves other values alike. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "POSTGRESQL | INSERT INTO customers (id, name) VALUES (1, 'a'), (2, 'b')",
                "MARIADB | INSERT INTO customers (id, name, created_at) VALUES (7, 'x', DEFAULT)",
                "H2 | INSERT INTO customers (name, email) VALUES ('x', 'y')",
                "POSTGRESQL | UPDATE customers SET created_at = DEFAULT, email = 'z' WHERE id = 3"
            })
    void byShape_equalsDirectRewrite(Dialect dialect, String sql) {
        Rewriter cached = Rewriter.builder(mapping(dialect), dialect).build();
        Rewriter direct =
                Rewriter.builder(mapping(dialect), dialect).cacheBytes(0).build();
        java.util.Random random = new java.util.Random(sql.hashCode());
        assertThat(cached.rewrite(sql)).isEqualTo(direct.rewrite(sql));
        for (int i = 0; i < 10; i++) {
            String other = ShapesTest.withOtherValues(sql, dialect, random);
            assertThat(cached.rewrite(other)).as(other).isEqualTo(direct.rewrite(other));
        }
    }

    /** An {@code INSERT … SELECT} whose items the new side keeps as they are gets the instant after them. */
    @org.junit.jupiter.api.Test
    void insertSelect_itemsKept_instantAfterThem() {
        TableMapping plain = new TableMapping(
                        "customers",
                        "clients",
                        null,
                        List.of("id"),
                        Map.of("city", "town"),
                        Map.of(),
                        Fixtures.CUSTOMER_COLUMNS)
                .withDefaults(Set.of(), Map.of("created_at", "CURRENT_TIMESTAMP"), Map.of());
        Rewritten r = (Rewritten) Rewriter.builder(Mapping.of(List.of(plain)), Dialect.POSTGRESQL)
                .newTriggers(List.of())
                .build()
                .rewrite("INSERT INTO customers (id, city) SELECT id, city FROM staging");
        assertThat(r.oldSide().sql())
                .isEqualTo(
                        "INSERT INTO customers (id, city, created_at) SELECT id, city, CAST(? AS timestamptz) FROM staging");
        assertThat(r.newSide().sql())
                .isEqualTo(
                        "INSERT INTO clients (id, town, created_at) OVERRIDING SYSTEM VALUE SELECT id, city, CAST(? AS timestamptz) FROM staging");
        assertThat(r.nondeterminism()).doesNotContain(NonDeterminism.DEFAULT_COLUMN);
    }

    /** A {@code CURRENT_DATE} default, and the call itself in a write, take the captured instant's date. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "POSTGRESQL | CAST(CAST(? AS timestamptz) AS date)",
                "MARIADB | CAST(CONVERT_TZ(CAST(? AS DATETIME(6)), '+00:00', @@session.time_zone) AS DATE)",
                "H2 | CAST(CAST(? AS TIMESTAMP WITH TIME ZONE) AS DATE)"
            })
    void currentDate_theInstantsDate(Dialect dialect, String date) {
        Mapping mapping = Mapping.of(List.of(Fixtures.customers(dialect, true)
                .withDefaults(Set.of(), Map.of("created_at", "CURRENT_DATE"), Map.of())));
        Rewriter rewriter =
                Rewriter.builder(mapping, dialect).newTriggers(List.of()).build();
        Rewritten left = (Rewritten) rewriter.rewrite("INSERT INTO customers (id, name) VALUES (1, 'a')");
        assertThat(left.oldSide().sql())
                .isEqualTo("INSERT INTO customers (id, name, created_at) VALUES (1, 'a', " + date + ")");
        Rewritten written = (Rewritten) rewriter.rewrite("UPDATE customers SET created_at = CURRENT_DATE WHERE id = 1");
        assertThat(written.oldSide().sql()).isEqualTo("UPDATE customers SET created_at = " + date + " WHERE id = 1");
        assertThat(written.nondeterminism()).isEmpty();
        if (dialect == Dialect.POSTGRESQL) { // one database: the transaction's date on both sides
            Rewritten one = (Rewritten) Rewriter.builder(mapping, dialect)
                    .build()
                    .rewrite("INSERT INTO customers (id, name) VALUES (1, 'a')");
            assertThat(one.newSide().sql()).endsWith(" VALUES (1, 'a', lower('a'), CURRENT_DATE)");
        }
    }

    /**
     * H2's {@code MERGE} updates the row of its key where there is one: a column it leaves out keeps
     * that row's value, so no instant is added (it would overwrite the row's time); a row it inserts
     * takes each side's own clock, recorded. A {@code DEFAULT} it writes sets the time in either
     * case, and gets the instant.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "MERGE INTO customers (id, name) KEY (id) VALUES (?, ?)",
                "MERGE INTO customers (id, name) VALUES (?, ?)"
            })
    void h2Merge_leftOut_notStamped(String sql) {
        Rewritten r = rewrite(Dialect.H2, sql);
        assertThat(r.oldSide().sql()).isEqualTo(sql);
        assertThat(r.nondeterminism()).contains(NonDeterminism.DEFAULT_COLUMN);
        Rewritten written =
                rewrite(Dialect.H2, "MERGE INTO customers (id, name, created_at) KEY (id) VALUES (?, ?, DEFAULT)");
        assertThat(written.oldSide().sql())
                .isEqualTo(
                        "MERGE INTO customers (id, name, created_at) KEY (id) VALUES (?, ?, CAST(? AS TIMESTAMP WITH TIME"
                                + " ZONE))");
        assertThat(written.nondeterminism()).doesNotContain(NonDeterminism.DEFAULT_COLUMN);
    }

    /** A time-of-day default has no instant to stand for it: leaving it out is recorded. */
    @org.junit.jupiter.api.Test
    void currentTime_leftOut_defaultColumn() {
        Mapping mapping = Mapping.of(List.of(Fixtures.customers(Dialect.POSTGRESQL, true)
                .withDefaults(Set.of(), Map.of("created_at", "CURRENT_TIME"), Map.of())));
        Rewritten r = (Rewritten) Rewriter.builder(mapping, Dialect.POSTGRESQL)
                .build()
                .rewrite("INSERT INTO customers (id, name) VALUES (?, ?)");
        assertThat(r.nondeterminism()).contains(NonDeterminism.DEFAULT_COLUMN);
    }
}
