package io.schemashift.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL, one database: a backfill's batches (each with its checkpoint) commit without waiting for the WAL
 * flush, and the session's {@code synchronous_commit} is back as it was when the backfill hands the connection
 * back, as a pool would get it.
 */
class AsynchronousCommitIT {

    private static final int ROWS = 3000;

    @Test
    void backfill_batchesCommitAsynchronously_thenTheSessionSettingIsRestored() throws Exception {
        TestDatabase db = TestDatabases.of(TestDatabase.Kind.POSTGRESQL);
        String url = db.create("async_commit_" + ProcessHandle.current().pid());
        try (Connection pooled = db.connect(url)) {
            Schemas.createOld(pooled, TestDatabase.Kind.POSTGRESQL);
            Schemas.fill(pooled, TestDatabase.Kind.POSTGRESQL, ROWS);
            Schemas.createNew(pooled, TestDatabase.Kind.POSTGRESQL);
            List<String> duringBatches = new ArrayList<>();

            BackfillReport.TableResult r = Backfill.builder(
                            Schemas.mapping(), Schemas.dialect(TestDatabase.Kind.POSTGRESQL), () -> uncloseable(pooled))
                    .migration("async")
                    .batchSize(1000)
                    .progress(new ProgressListener() {
                        @Override
                        public void advanced(String table, long rowsDone, long batchRows) {
                            duringBatches.add(synchronousCommit(pooled));
                        }
                    })
                    .build()
                    .run(List.of("customers"), false)
                    .tables()
                    .get(0);

            assertThat(r.rows()).isEqualTo(ROWS);
            assertThat(duringBatches).hasSize(3).containsOnly("off");
            assertThat(synchronousCommit(pooled)).as("after the backfill").isEqualTo("on");
            assertThat(pooled.getAutoCommit()).isTrue();
            assertThat(Schemas.count(pooled, "SELECT COUNT(*) FROM clients")).isEqualTo(ROWS);
        }
    }

    /**
     * A verify scans with one backend per side (the two sides are hashed at once, on a live primary):
     * no parallel workers while it runs, and the pool's connections get their setting back.
     */
    @Test
    void verify_scansWithoutParallelWorkers_thenTheSessionSettingIsRestored() throws Exception {
        TestDatabase db = TestDatabases.of(TestDatabase.Kind.POSTGRESQL);
        String url = db.create("serial_scan_" + ProcessHandle.current().pid());
        try (Connection first = db.connect(url);
                Connection second = db.connect(url);
                Connection third = db.connect(url)) {
            Schemas.createOld(first, TestDatabase.Kind.POSTGRESQL);
            Schemas.fill(first, TestDatabase.Kind.POSTGRESQL, ROWS);
            Schemas.createNew(first, TestDatabase.Kind.POSTGRESQL);
            Backfill.builder(Schemas.mapping(), Schemas.dialect(TestDatabase.Kind.POSTGRESQL), () -> uncloseable(first))
                    .migration("serial")
                    .build()
                    .run(List.of("customers"), false);
            List<Connection> pool = List.of(first, second, third);
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            List<String> duringChunks = new java.util.concurrent.CopyOnWriteArrayList<>();

            var report = io.schemashift.verify.Verifier.builder(
                            Schemas.mapping(),
                            Schemas.dialect(TestDatabase.Kind.POSTGRESQL),
                            () -> uncloseable(pool.get(next.getAndIncrement() % pool.size())))
                    .migration("serial")
                    .progress(new ProgressListener() {
                        @Override
                        public void advanced(String table, long rowsDone, long batchRows) {
                            duringChunks.add(setting(first, "max_parallel_workers_per_gather")
                                    + setting(second, "max_parallel_workers_per_gather"));
                        }
                    })
                    .build()
                    .verify("customers", 1000);

            assertThat(report.differences()).isZero();
            assertThat(duringChunks).isNotEmpty().containsOnly("00");
            for (Connection c : pool) {
                assertThat(setting(c, "max_parallel_workers_per_gather"))
                        .as("after the verify")
                        .isEqualTo("2");
            }
        }
    }

    private static String synchronousCommit(Connection c) {
        return setting(c, "synchronous_commit");
    }

    private static String setting(Connection c, String name) {
        try (Statement s = c.createStatement();
                var rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The connection as a pool hands it out: closing it gives it back, open. */
    private static Connection uncloseable(Connection c) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
