package io.schemashift.backfill;

import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import io.schemashift.verify.Verifier;
import io.schemashift.verify.VerifyReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Throughput on PostgreSQL with 1,000,000 rows: the backfill against a plain server-side INSERT …
 * SELECT of the same rows, and verify's checksum scan. Not part of the build (the name matches
 * neither {@code *Test} nor {@code *IT}); run it alone:
 *
 * <pre>mvn -B -o -pl backfill verify -Dit.test=BackfillPerf</pre>
 *
 * Results go to {@code backfill/target/failsafe-reports/io.schemashift.backfill.BackfillPerf-output.txt}.
 */
class BackfillPerf {

    private static final int ROWS = Integer.getInteger("perf.rows", 1_000_000);

    @Test
    void postgres_backfillAndVerifyThroughput() throws Exception {
        TestDatabase db = TestDatabases.postgres();
        String url = db.create("bf_perf");
        try (Connection c = db.connect(url)) {
            Schemas.createOld(c, TestDatabase.Kind.POSTGRESQL);
            Schemas.createNew(c, TestDatabase.Kind.POSTGRESQL);
            Schemas.fill(c, TestDatabase.Kind.POSTGRESQL, ROWS);
            TestDatabases.run(c, "VACUUM ANALYZE customers");
        }
        reportLoad("before");
        // interleaved, because the machine's load drifts: plain, backfill, plain, backfill
        String select = " SELECT id, name, email, balance, created_at, lower(name), 'plain', CURRENT_TIMESTAMP"
                + " FROM customers";
        String insert = "INSERT INTO clients (id, full_name, email, balance, created_at, name_search,"
                + " schemashift_batch, schemashift_migrated_at)";
        for (int batch : List.of(10_000, 50_000, 10_000, 50_000)) {
            try (Connection c = db.connect(url)) {
                TestDatabases.run(
                        c, "TRUNCATE clients", "DROP TABLE IF EXISTS schemashift_backfill_checkpoint", "CHECKPOINT");
                long t0 = System.nanoTime();
                TestDatabases.run(c, insert + select);
                report("plain INSERT ... SELECT", ROWS, System.nanoTime() - t0);
                TestDatabases.run(c, "TRUNCATE clients", "CHECKPOINT");
                if (batch == 10_000) {
                    // the backfill's statement in one piece: the price of locking and insert-if-absent
                    t0 = System.nanoTime();
                    TestDatabases.run(c, insert + select + " FOR SHARE ON CONFLICT (id) DO NOTHING");
                    report("one INSERT ... SELECT FOR SHARE ON CONFLICT", ROWS, System.nanoTime() - t0);
                    TestDatabases.run(c, "TRUNCATE clients", "CHECKPOINT");
                }
            }
            long t0 = System.nanoTime();
            BackfillReport r = Backfill.builder(Schemas.mapping(), Schemas.dialect(db.kind()), () -> db.connect(url))
                    .batchSize(batch)
                    .latencyBackoff(0) // unthrottled: no pauses when the (noisy) machine slows down
                    .build()
                    .run(List.of("customers"), false);
            report("backfill, batch " + batch, r.rows(), System.nanoTime() - t0);
            try (Connection c = db.connect(url)) {
                TestDatabases.run(c, "VACUUM ANALYZE clients");
            }
        }
        reportLoad("after the backfills");

        Verifier verifier = Verifier.builder(Schemas.mapping(), Schemas.dialect(db.kind()), () -> db.connect(url))
                .latencyBackoff(0)
                .build();
        for (int chunk : List.of(10_000, 100_000, 10_000, 100_000)) {
            long t0 = System.nanoTime();
            VerifyReport v = verifier.verify("customers", chunk);
            report(
                    "verify, chunk " + chunk + " (" + v.differences() + " differences)",
                    v.oldRows(),
                    System.nanoTime() - t0);
        }
        reportLoad("after verify");
    }

    private static void reportLoad(String when) throws IOException {
        System.out.println("load " + when + ": "
                + Files.readString(Path.of("/proc/loadavg")).strip());
    }

    private static void report(String what, long rows, long nanos) {
        System.out.printf(
                "%-45s %,10d rows in %6.2f s = %,10.0f rows/s%n", what, rows, nanos / 1e9, rows / (nanos / 1e9));
    }
}
