package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.config.ConfigLocation;
import io.schemashift.runtime.Runtimes;
import io.schemashift.testing.TestDatabase;
import io.schemashift.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The statement coverage of an application run in {@code old-only}, on PostgreSQL and MariaDB, and the CI gate. */
class CoverageIT {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(
            value = TestDatabase.Kind.class,
            names = {"POSTGRESQL", "MARIADB"})
    void oldOnly_applicationRun_recordedAndGated(TestDatabase.Kind kind) throws Exception {
        TestDatabase server = TestDatabases.of(kind);
        String url = server.create("coverage_" + ProcessHandle.current().pid());
        try (Connection c = server.connect(url)) {
            TestDatabases.run(
                    c,
                    "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50), legacy_flag INT)",
                    "CREATE TABLE clients (id INT PRIMARY KEY, full_name VARCHAR(50))");
        }
        Path yaml = dir.resolve("app.yaml");
        Files.writeString(
                yaml,
                """
                migration: coverage-it
                tables:
                  customers:
                    to: clients
                    key: [id]
                    columns: { name: full_name, legacy_flag: null }
                phase: old-only
                control: { poll: 1h }
                """);
        Map<String, String> env = new HashMap<>();
        if (!server.password().isEmpty()) {
            env.put(SchemaShiftCommand.PASSWORD_ENV, server.password());
        }
        String[] connection = {"--config", yaml.toString(), "--url", url, "--user", server.user()};
        assertThat(Cli.run(env, concat(new String[] {"init"}, connection)).exit())
                .isZero();

        Properties info = new Properties();
        info.setProperty(ConfigLocation.PROPERTY, yaml.toString());
        info.setProperty("user", server.user());
        info.setProperty("password", server.password());
        try (Connection app =
                DriverManager.getConnection("jdbc:schemashift:" + url.substring("jdbc:".length()), info)) {
            for (int id = 1; id <= 5; id++) {
                try (PreparedStatement ps = app.prepareStatement("INSERT INTO customers (id, name) VALUES (?, ?)")) {
                    ps.setInt(1, id);
                    ps.setString(2, "n" + id);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = app.prepareStatement("UPDATE customers SET legacy_flag = 1 WHERE id = ?")) {
                ps.setInt(1, 1);
                assertThat(ps.executeUpdate()).as("old-only: runs unchanged").isOne();
            }
        }
        Runtimes.close(Runtimes.find(info, null).orElseThrow());

        Cli.Run report = Cli.run(env, concat(new String[] {"coverage", "--fail-on", "refused-writes"}, connection));
        assertThat(report.exit()).as(report.toString()).isEqualTo(CoverageCommand.GATE_FAILED);
        assertThat(report.out())
                .contains(
                        "2 statement shape(s) on mapped tables, 6 execution(s): 1 refused, 0 not mirrored, 1 rewritten")
                .containsPattern("insert +5 run\\(s\\)")
                .containsPattern("update +1 run\\(s\\)");
        assertThat(report.err()).contains("coverage gate refused-writes failed: 1 statement shape(s)");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
