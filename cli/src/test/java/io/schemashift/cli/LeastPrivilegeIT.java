package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.schemashift.config.ConfigReader;
import io.schemashift.control.ControlStore;
import io.schemashift.control.InstanceBeat;
import io.schemashift.rewriter.Dialect;
import io.schemashift.runtime.MigrationRuntime;
import io.schemashift.runtime.Runtimes;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code schemashift init} as a migrator role, the application through the driver as a role with
 * only DML grants: a dual-write failure still lands in the divergence log (the driver needs no
 * DDL). Then, with the divergence table gone, the driver logs, counts and reports it, and the phase
 * guard refuses to move forward.
 */
class LeastPrivilegeIT {

    private static final String PASSWORD = "Lp-test-1";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void appRoleWithDmlOnly_divergenceRecorded_missingTableRefusesGuard(TestDatabase.Kind kind) throws Exception {
        TestDatabase server = TestDatabases.of(kind);
        long pid = ProcessHandle.current().pid();
        String db = "ss_lp_" + pid + "_" + kind.ordinal();
        String url = server.create(db);
        String migrator = "ss_mig_" + pid;
        String app = "ss_app_" + pid;
        createRoles(server, url, db, migrator, app, kind);

        // the migrator owns everything: the application's tables and, through init, SchemaShift's
        try (Connection c = DriverManager.getConnection(url, migrator, PASSWORD)) {
            run(
                    c,
                    "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100), email VARCHAR(100))",
                    "CREATE TABLE clients (id INT PRIMARY KEY, full_name VARCHAR(100), email VARCHAR(100),"
                            + " CONSTRAINT no_bad_mail CHECK (email <> 'bad'))");
        }
        Path config = Files.writeString(
                dir.resolve("app.yaml"),
                "migration: lp-" + pid + "-" + kind.ordinal() + "\n"
                        + "tables:\n  customers:\n    to: clients\n    key: [id]\n    columns: { name: full_name }\n"
                        + "phase: dual-write\n"
                        + "control: { table: schemashift_control, poll: 200ms }\n");
        Cli.Run init = asMigrator(config, url, migrator, "init");
        assertThat(init.exit()).as(init.toString()).isZero();
        grantDml(server, url, migrator, app, kind);

        Properties info = new Properties();
        info.setProperty("user", app);
        info.setProperty("password", PASSWORD);
        info.setProperty("schemashift.config", config.toString());
        MigrationRuntime runtime = null;
        try (Connection c = DriverManager.getConnection("jdbc:schemashift:" + url.substring("jdbc:".length()), info)) {
            runtime = Runtimes.find(info, null).orElseThrow();
            assertThat(runtime.writesAllowed()).isTrue();
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO customers (id, name, email) VALUES (1, 'a', 'good')");
                s.executeUpdate("INSERT INTO customers (id, name, email) VALUES (2, 'b', 'bad')");
            }
            assertThat(runtime.divergences().flush(Duration.ofSeconds(20))).isTrue();
            assertThat(keys(url, migrator))
                    .as("the mirror failure, recorded by the app role")
                    .containsExactly("[2]");
            assertThat(rows(url, migrator, "SELECT id FROM clients")).containsExactly("1");

            // the app role loses INSERT on the divergence table: the driver keeps the record queued,
            // reports the failure in its heartbeat, and the guard refuses to move forward
            try (Connection m = DriverManager.getConnection(url, migrator, PASSWORD)) {
                run(m, "REVOKE INSERT ON schemashift_divergence FROM " + grantee(app, kind));
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO customers (id, name, email) VALUES (3, 'c', 'bad')");
            }
            ControlStore store = new ControlStore(
                    () -> DriverManager.getConnection(url, migrator, PASSWORD),
                    Dialect.fromJdbcUrl(url).orElseThrow(),
                    new ConfigReader().read(config.toString(), Files.readString(config)));
            await("the heartbeat reports the logging failure")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> store.instances().stream().anyMatch(InstanceBeat::evidenceIncomplete));
            assertThat(store.instances()).singleElement().satisfies(b -> assertThat(b.logFailure())
                    .isEqualTo("divergence_write:forbidden"));
            Cli.Run guard = phase(config, url, migrator);
            assertThat(guard.exit()).isEqualTo(1);
            assertThat(guard.err())
                    .hasLineCount(1)
                    .contains("cannot write them")
                    .contains("divergence_write:forbidden");
            assertThat(runtime.divergences().pending())
                    .as("kept queued for the retry")
                    .isEqualTo(1);

            // dropped: the driver does not create it (it cannot), the guard cannot count and refuses
            try (Connection m = DriverManager.getConnection(url, migrator, PASSWORD)) {
                run(m, "DROP TABLE schemashift_divergence");
            }
            // MariaDB checks the privilege before the table exists: still "forbidden" there
            String reported = kind == TestDatabase.Kind.POSTGRESQL
                    ? "divergence_write:missing_table"
                    : "divergence_write:forbidden";
            await("missing table reported")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> reported.equals(store.instances().get(0).logFailure()));
            Cli.Run missing = phase(config, url, migrator);
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).contains("schemashift_divergence").contains("run 'schemashift init'");
        } finally {
            if (runtime != null) {
                Runtimes.close(runtime);
            }
            dropRoles(server, db, migrator, app, kind);
        }
    }

    private static Cli.Run phase(Path config, String url, String migrator) {
        return asMigrator(config, url, migrator, "phase", "shadow-read", "--reason", "go");
    }

    private static Cli.Run asMigrator(Path config, String url, String migrator, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--config", config.toString(), "--url", url, "--user", migrator));
        return Cli.run(Map.of(SchemaShiftCommand.PASSWORD_ENV, PASSWORD), args.toArray(String[]::new));
    }

    private static String grantee(String role, TestDatabase.Kind kind) {
        return kind == TestDatabase.Kind.MARIADB ? "'" + role + "'@'%'" : role;
    }

    private static void createRoles(
            TestDatabase server, String url, String db, String migrator, String app, TestDatabase.Kind kind)
            throws SQLException {
        try (Connection admin = server.connect(url)) {
            if (kind == TestDatabase.Kind.POSTGRESQL) {
                for (String role : List.of(migrator, app)) {
                    run(
                            admin,
                            "DROP ROLE IF EXISTS " + role,
                            "CREATE ROLE " + role + " LOGIN PASSWORD '" + PASSWORD + "'");
                }
                run(
                        admin,
                        "GRANT USAGE, CREATE ON SCHEMA public TO " + migrator,
                        "GRANT USAGE ON SCHEMA public TO " + app);
            } else {
                for (String role : List.of(migrator, app)) {
                    run(
                            admin,
                            "DROP USER IF EXISTS '" + role + "'@'%'",
                            "CREATE USER '" + role + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
                }
                run(admin, "GRANT ALL PRIVILEGES ON " + db + ".* TO '" + migrator + "'@'%' WITH GRANT OPTION");
            }
        }
    }

    /** What the migrator grants the application: DML on the tables, nothing else. */
    private static void grantDml(TestDatabase server, String url, String migrator, String app, TestDatabase.Kind kind)
            throws SQLException {
        try (Connection c = DriverManager.getConnection(url, migrator, PASSWORD)) {
            if (kind == TestDatabase.Kind.POSTGRESQL) {
                run(
                        c,
                        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + app,
                        "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + app);
            } else {
                // table by table, so that one grant can be revoked later
                List<String> tables = rows(
                        url,
                        migrator,
                        "SELECT table_name FROM information_schema.tables" + " WHERE table_schema = DATABASE()");
                for (String table : tables) {
                    run(c, "GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO '" + app + "'@'%'");
                }
            }
        }
    }

    private static void dropRoles(TestDatabase server, String db, String migrator, String app, TestDatabase.Kind kind) {
        try (Connection admin = server.connect(server.url(kind == TestDatabase.Kind.POSTGRESQL ? "postgres" : ""))) {
            if (kind == TestDatabase.Kind.POSTGRESQL) {
                run(
                        admin,
                        "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)",
                        "DROP ROLE IF EXISTS " + migrator,
                        "DROP ROLE IF EXISTS " + app);
            } else {
                run(
                        admin,
                        "DROP DATABASE IF EXISTS " + db,
                        "DROP USER IF EXISTS '" + migrator + "'@'%'",
                        "DROP USER IF EXISTS '" + app + "'@'%'");
            }
        } catch (SQLException e) {
            // best effort: the next run drops them first
        }
    }

    private static List<String> keys(String url, String user) throws SQLException {
        return rows(url, user, "SELECT key_text FROM schemashift_divergence");
    }

    private static List<String> rows(String url, String user, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, PASSWORD);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1).replace("\"", ""));
            }
        }
        return rows;
    }

    private static void run(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String each : sql) {
                s.execute(each);
            }
        }
    }
}
