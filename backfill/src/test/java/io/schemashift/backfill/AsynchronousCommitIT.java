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

    private static String synchronousCommit(Connection c) {
        try (Statement s = c.createStatement();
                var rs = s.executeQuery("SHOW synchronous_commit")) {
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
