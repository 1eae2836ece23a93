package io.schemashift.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.api.ConnectionSource;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import io.schemashift.verify.Verifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL: a batch locks the whole source table when no writer holds it, and then leaves the
 * source rows untouched (a row lock writes its row: {@code xmax} is set); while a writer holds the
 * table, every batch locks its rows as before. In one database and across two.
 */
class TableLockIT {

    private static final int ROWS = 5000;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void backfill_noWriterHoldsTheTable_locksTheTableAndWritesNoSourceRow(boolean separate) throws Exception {
        Sides s = sides("tl_free", separate);

        BackfillReport.TableResult r =
                s.backfill().run(List.of("customers"), false).tables().get(0);

        assertThat(r.rows()).isEqualTo(ROWS);
        assertThat(r.batches()).isEqualTo(5);
        assertThat(r.tableLocked()).isEqualTo(r.batches());
        assertThat(s.count(false, "SELECT COUNT(*) FROM customers WHERE xmax <> 0"))
                .as("source rows locked one by one")
                .isZero();
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients")).isEqualTo(ROWS);
        assertThat(s.verifier().verify("customers", 1000).differences()).isZero();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void backfill_rowLocksOnly_neverLocksTheTable(boolean separate) throws Exception {
        Sides s = sides("tl_rows", separate);

        BackfillReport.TableResult r = s.backfill(Backfill.Builder::rowLocksOnly)
                .run(List.of("customers"), false)
                .tables()
                .get(0);

        assertThat(r.rows()).isEqualTo(ROWS);
        assertThat(r.tableLocked()).isZero();
        assertThat(s.count(false, "SELECT COUNT(*) FROM customers WHERE xmax <> 0"))
                .as("every source row share-locked by its batch")
                .isEqualTo(ROWS);
        assertThat(s.verifier().verify("customers", 1000).differences()).isZero();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void backfill_writerHoldsTheTable_locksRowsInstead(boolean separate) throws Exception {
        Sides s = sides("tl_busy", separate);

        BackfillReport.TableResult r;
        try (Connection writer = s.db.connect(s.oldUrl)) {
            writer.setAutoCommit(false);
            // an open write transaction holds the table (ROW EXCLUSIVE) whether or not it changed a row
            TestDatabases.run(writer, "UPDATE customers SET name = name WHERE id = -1");
            r = s.backfill().run(List.of("customers"), false).tables().get(0);
            writer.commit();
        }

        assertThat(r.rows()).isEqualTo(ROWS);
        assertThat(r.tableLocked()).isZero();
        assertThat(s.count(false, "SELECT COUNT(*) FROM customers WHERE xmax <> 0"))
                .as("every source row share-locked by its batch")
                .isEqualTo(ROWS);
        assertThat(s.count(true, "SELECT COUNT(*) FROM clients")).isEqualTo(ROWS);
        assertThat(s.verifier().verify("customers", 1000).differences()).isZero();
    }

    private record Sides(TestDatabase db, String oldUrl, String newUrl) {
        ConnectionSource source(String url) {
            return () -> db.connect(url);
        }

        Backfill backfill() {
            return backfill(b -> b);
        }

        Backfill backfill(UnaryOperator<Backfill.Builder> options) {
            Backfill.Builder b = Backfill.builder(Schemas.mapping(), Schemas.dialect(db.kind()), source(oldUrl))
                    .migration("tl")
                    .batchSize(1000);
            return options.apply(oldUrl.equals(newUrl) ? b : b.newDatabase(source(newUrl)))
                    .build();
        }

        Verifier verifier() {
            Verifier.Builder b = Verifier.builder(Schemas.mapping(), Schemas.dialect(db.kind()), source(oldUrl))
                    .migration("tl");
            return (oldUrl.equals(newUrl) ? b : b.newDatabase(source(newUrl))).build();
        }

        long count(boolean newSide, String sql) throws SQLException {
            try (Connection c = db.connect(newSide ? newUrl : oldUrl)) {
                return Schemas.count(c, sql);
            }
        }
    }

    private static Sides sides(String name, boolean separate) throws SQLException {
        TestDatabase db = TestDatabases.of(TestDatabase.Kind.POSTGRESQL);
        String prefix =
                name + "_" + (separate ? "sep_" : "") + ProcessHandle.current().pid();
        String oldUrl = db.create(prefix + "_old");
        String newUrl = separate ? db.create(prefix + "_new") : oldUrl;
        try (Connection c = db.connect(oldUrl)) {
            Schemas.createOld(c, TestDatabase.Kind.POSTGRESQL);
            Schemas.fill(c, TestDatabase.Kind.POSTGRESQL, ROWS);
        }
        try (Connection c = db.connect(newUrl)) {
            Schemas.createNew(c, TestDatabase.Kind.POSTGRESQL);
        }
        return new Sides(db, oldUrl, newUrl);
    }
}
