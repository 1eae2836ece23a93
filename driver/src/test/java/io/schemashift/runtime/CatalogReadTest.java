package io.schemashift.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.config.ConfigReader;
import io.schemashift.config.MigrationConfig;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.RefusalReason;
import io.schemashift.rewriter.Refused;
import io.schemashift.rewriter.Rewriter;
import io.schemashift.rewriter.View;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** What the driver reads of the catalog for the rewriter, and what it keeps when a re-read fails. */
class CatalogReadTest {

    @Test
    void rewriter_readsViews_andAFailedReReadKeepsWhatWasRead() throws Exception {
        MigrationConfig config = new ConfigReader()
                .read("m.yaml", "migration: catalog\ntables: { customers: { to: clients, key: [id] } }\n");
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:catalog;DB_CLOSE_DELAY=-1")) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(20))");
                st.execute("CREATE VIEW customer_names AS SELECT id, name FROM customers");
            }
            MigrationRuntime.CatalogPass whole = new MigrationRuntime.CatalogPass(config);
            Rewriter first = MigrationRuntime.rewriter(whole, Dialect.H2, c.getMetaData(), null, null);
            assertThat(whole.whole()).isTrue();
            assertThat(first.views()).extracting(View::name).containsExactly("CUSTOMER_NAMES");
            assertThat(first.rewrite("UPDATE customer_names SET name = 'x'"))
                    .isInstanceOfSatisfying(
                            Refused.class, f -> assertThat(f.reason()).isEqualTo(RefusalReason.INDIRECT));

            DatabaseMetaData failing = failingStatements(c);
            MigrationRuntime.CatalogPass failed = new MigrationRuntime.CatalogPass(config);
            Rewriter reread = MigrationRuntime.rewriter(failed, Dialect.H2, failing, first, null);
            assertThat(failed.whole())
                    .as("mirrored writes are recorded until a whole read")
                    .isFalse();
            assertThat(failed.failing())
                    .as("kept for the next read, which logs them again at DEBUG only")
                    .contains("views", "triggers");
            assertThat(reread.views()).isEqualTo(first.views());
            assertThat(reread.rewrite("UPDATE customer_names SET name = 'x'")).isInstanceOf(Refused.class);
            assertThat(MigrationRuntime.rewriter(
                                    new MigrationRuntime.CatalogPass(config), Dialect.H2, failing, null, null)
                            .views())
                    .as("nothing read before: nothing kept")
                    .isEmpty();
        }
    }

    /** {@code c}'s metadata, whose connection cannot run a statement (the catalog queries fail). */
    private static DatabaseMetaData failingStatements(Connection c) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        Connection broken = (Connection) Proxy.newProxyInstance(
                CatalogReadTest.class.getClassLoader(), new Class<?>[] {Connection.class}, (p, m, args) -> {
                    if (m.getName().equals("createStatement") || m.getName().equals("prepareStatement")) {
                        throw new SQLException("catalog read fails", "08006");
                    }
                    try {
                        return m.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return (DatabaseMetaData) Proxy.newProxyInstance(
                CatalogReadTest.class.getClassLoader(), new Class<?>[] {DatabaseMetaData.class}, (p, m, args) -> {
                    if (m.getName().equals("getConnection")) {
                        return broken;
                    }
                    try {
                        return m.invoke(md, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
