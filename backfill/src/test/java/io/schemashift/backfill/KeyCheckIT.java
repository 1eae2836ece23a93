package io.schemashift.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.schemashift.api.ConnectionSource;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import io.schemashift.verify.Verifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Backfill and verify refuse a key that is not unique or holds NULLs on either side, naming the
 * table and column; a key the metadata proves unique (a unique index on NOT NULL columns) passes.
 */
class KeyCheckIT {

    private static final String OLD_NO_PK = "CREATE TABLE customers (id BIGINT, name VARCHAR(100), email VARCHAR(200),"
            + " balance DECIMAL(12,2), legacy_flag INT, created_at TIMESTAMP)";
    private static final String NEW_NO_PK =
            "CREATE TABLE clients (id BIGINT, full_name VARCHAR(100), email VARCHAR(200),"
                    + " balance DECIMAL(14,4), created_at TIMESTAMP, name_search VARCHAR(100))";

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void duplicateKeyOnOld_backfillAndVerifyRefuse(TestDatabase.Kind kind) throws Exception {
        Sides s = sides(kind, "kc_dup");
        s.run(
                OLD_NO_PK,
                Schemas.createNewSql(kind),
                "INSERT INTO customers (id, name) VALUES (1, 'a'), (2, 'b'), (2, 'b again'), (3, 'c')");

        assertThatThrownBy(() -> s.backfill().run(List.of("customers"), false))
                .isInstanceOf(SQLException.class)
                .satisfies(
                        e -> assertThat(e.getMessage())
                                .as("H2 reports the column as ID")
                                .isEqualToIgnoringCase(
                                        "SchemaShift: key column id of customers (old side) is not unique: 1 values appear"
                                                + " more than once; backfill and verify need a key that is unique and not null"))
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("23505");
        assertThat(s.count("SELECT COUNT(*) FROM clients")).isZero();
        assertThatThrownBy(() -> s.verifier().verify("customers", 100))
                .hasMessageContaining("of customers (old side) is not unique");
    }

    /**
     * Duplicate keys on the new side used to collapse in the row diff: verify said equal although
     * the new side held one row more.
     */
    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void duplicateKeyOnNew_verifyRefusesInsteadOfEqual(TestDatabase.Kind kind) throws Exception {
        Sides s = sides(kind, "kc_dupnew");
        s.run(
                Schemas.createOldSql(kind),
                NEW_NO_PK,
                "INSERT INTO customers (id, name) VALUES (1, 'a'), (2, 'b')",
                "INSERT INTO clients (id, full_name, name_search) VALUES (1, 'a', 'a'), (2, 'b', 'b'), (2, 'b', 'b')");

        assertThatThrownBy(() -> s.verifier().verify("customers", 100))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("of clients (new side) is not unique: 1 values appear more than once");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void nullKeyOnNew_refusedNamingTheColumn(TestDatabase.Kind kind) throws Exception {
        Sides s = sides(kind, "kc_null");
        s.run(
                Schemas.createOldSql(kind),
                NEW_NO_PK,
                "INSERT INTO customers (id, name) VALUES (1, 'a')",
                "INSERT INTO clients (id, full_name) VALUES (NULL, 'x')");

        assertThatThrownBy(() -> s.verifier().verify("customers", 100))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .isEqualToIgnoringCase(
                                "SchemaShift: key column id of clients (new side) holds NULL in 1 rows; backfill and"
                                        + " verify need a key that is unique and not null"))
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("23502");
        assertThatThrownBy(() -> s.backfill().run(List.of("customers"), false))
                .hasMessageContaining("of clients (new side) holds NULL");
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void uniqueIndexOnNotNullKey_passes(TestDatabase.Kind kind) throws Exception {
        Sides s = sides(kind, "kc_uniq");
        s.run(
                OLD_NO_PK.replace("id BIGINT,", "id BIGINT NOT NULL,"),
                "CREATE UNIQUE INDEX customers_id ON customers (id)",
                Schemas.createNewSql(kind),
                "INSERT INTO customers (id, name) VALUES (1, 'a'), (2, 'b')");

        assertThat(s.backfill().run(List.of("customers"), false).rows()).isEqualTo(2);
        assertThat(s.verifier().verify("customers", 100).differences()).isZero();
    }

    private record Sides(TestDatabase db, String url) {
        ConnectionSource source() {
            return () -> db.connect(url);
        }

        Backfill backfill() {
            return Backfill.builder(Schemas.mapping(), Schemas.dialect(db.kind()), source())
                    .migration("kc")
                    .build();
        }

        Verifier verifier() {
            return Verifier.builder(Schemas.mapping(), Schemas.dialect(db.kind()), source())
                    .migration("kc")
                    .build();
        }

        void run(String... sql) throws SQLException {
            try (Connection c = db.connect(url)) {
                TestDatabases.run(c, sql);
            }
        }

        long count(String sql) throws SQLException {
            try (Connection c = db.connect(url)) {
                return Schemas.count(c, sql);
            }
        }
    }

    private static Sides sides(TestDatabase.Kind kind, String name) {
        TestDatabase db = TestDatabases.of(kind);
        return new Sides(db, db.create(name + "_" + ProcessHandle.current().pid()));
    }
}
