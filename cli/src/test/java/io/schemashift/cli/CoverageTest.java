package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.config.ConfigLocation;
import io.schemashift.runtime.MigrationRuntime;
import io.schemashift.runtime.Runtimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statement coverage: an application run through the driver in {@code old-only} records every
 * shape on a mapped table, with its verdict in each phase, and {@code schemashift coverage} reports
 * it and gates on it (H2).
 */
class CoverageTest {

    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir
    Path dir;

    private String url;
    private Path yaml;
    private Path file;

    @BeforeEach
    void setUp() throws Exception {
        int n = IDS.incrementAndGet();
        url = "jdbc:h2:mem:coverage" + ProcessHandle.current().pid() + "_" + n + ";DB_CLOSE_DELAY=-1";
        file = dir.resolve("coverage.json");
        yaml = dir.resolve("app.yaml");
        Files.writeString(
                yaml,
                """
                migration: cov-%d
                tables:
                  customers:
                    to: clients
                    key: [id]
                    columns: { name: full_name, legacy_flag: null }
                phase: old-only
                control: { poll: 1h }
                coverage: { file: "%s" }
                """
                        .formatted(n, file.toString().replace("\\", "/")));
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50), legacy_flag BOOLEAN)");
            s.execute("CREATE TABLE clients (id INT PRIMARY KEY, full_name VARCHAR(50))");
            s.execute("CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(50))");
        }
        assertThat(cli("init").exit()).isZero();
    }

    private Cli.Run cli(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = args[0];
        System.arraycopy(new String[] {"--config", yaml.toString(), "--url", url}, 0, all, 1, 4);
        System.arraycopy(args, 1, all, 5, args.length - 1);
        return Cli.run(Map.of(), all);
    }

    /** Runs {@code statements} through the driver as an application would, then stops the driver (which flushes). */
    private void app(String... statements) throws SQLException {
        Properties info = new Properties();
        info.setProperty(ConfigLocation.PROPERTY, yaml.toString());
        try (Connection c = DriverManager.getConnection("jdbc:schemashift:" + url.substring("jdbc:".length()), info)) {
            for (String sql : statements) {
                for (int i = 0; i < 3; i++) {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        for (int p = 1; p <= ps.getParameterMetaData().getParameterCount(); p++) {
                            ps.setInt(p, 100 * IDS.incrementAndGet() + i);
                        }
                        if (ps.execute()) {
                            try (ResultSet rs = ps.getResultSet()) {
                                while (rs.next()) {
                                    // read everything
                                }
                            }
                        }
                    }
                }
            }
        }
        MigrationRuntime runtime = Runtimes.find(info, null).orElseThrow();
        Runtimes.close(runtime);
    }

    @Test
    void oldOnly_applicationRun_recordsEveryShapeWithItsVerdicts() throws Exception {
        app(
                "INSERT INTO customers (id, name) VALUES (?, 'x')",
                "INSERT INTO customers (id, name) VALUES (?, 'y')", // same shape: literals do not count
                "SELECT name FROM customers WHERE id = ?",
                "SELECT legacy_flag FROM customers WHERE id = ?",
                "SELECT body FROM notes WHERE id = ?"); // not mapped: not recorded

        Cli.Run text = cli("coverage");
        assertThat(text.exit()).as(text.toString()).isZero();
        assertThat(text.out())
                .contains(
                        "3 statement shape(s) on mapped tables, 12 execution(s): 1 refused, 0 not mirrored, 2 rewritten")
                .contains("table customers")
                .contains("insert into customers (id, name) values (?)")
                .contains("dual-write mirrored, shadow-read mirrored, read-new mirrored, new-primary mirrored,"
                        + " new-only rewritten")
                .contains("[dropped_column_read]")
                .contains(
                        "dual-write refused, shadow-read refused, read-new refused, new-primary refused, new-only fails")
                .doesNotContain("notes");
        assertThat(text.out()).containsPattern("insert +6 run\\(s\\)");

        Cli.Run json = cli("coverage", "--json");
        assertThat(json.out())
                .contains("\"group\":\"refused\"")
                .contains("\"counts\":{\"old-only\":6,\"dual-write\":0");

        // the gate: a refused read does not fail refused-writes, but fails refused
        assertThat(cli("coverage", "--fail-on", "refused-writes").exit()).isZero();
        Cli.Run refused = cli("coverage", "--fail-on", "refused");
        assertThat(refused.exit()).isEqualTo(CoverageCommand.GATE_FAILED);
        assertThat(refused.err())
                .startsWith("schemashift: coverage gate refused failed: 1 statement shape(s), e.g. select legacy_flag");

        // a second run of the application adds to the counts and brings a refused write
        app("SELECT name FROM customers WHERE id = ?", "UPDATE customers SET legacy_flag = true WHERE id = ?");
        Cli.Run gate = cli("coverage", "--fail-on", "refused-writes", "--markdown");
        assertThat(gate.exit()).isEqualTo(CoverageCommand.GATE_FAILED);
        assertThat(gate.out())
                .contains("| rewritten | select | 6 | `select name from customers where id = ?` |")
                .contains("| refused | update | 3 |");
        assertThat(gate.err()).contains("update customers set legacy_flag = true where id = ?");
    }

    @Test
    void coverageFile_isReadWithoutADatabase() throws Exception {
        app("UPDATE customers SET legacy_flag = false WHERE id = ?", "DELETE FROM customers WHERE id = ?");
        assertThat(file).exists();
        Cli.Run run = Cli.run(
                Map.of(),
                "coverage",
                "--config",
                yaml.toString(),
                "--file",
                file.toString(),
                "--fail-on",
                "any-change");
        assertThat(run.exit()).as(run.toString()).isEqualTo(CoverageCommand.GATE_FAILED);
        assertThat(run.out()).contains("2 statement shape(s) on mapped tables, 6 execution(s): 1 refused");
    }

    @Test
    void failOn_unknownGate_isUsageError() {
        Cli.Run run = cli("coverage", "--fail-on", "everything");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("unknown gate 'everything'; allowed: refused-writes, refused, any-change");
    }
}
