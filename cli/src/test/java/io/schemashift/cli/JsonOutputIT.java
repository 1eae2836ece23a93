package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.schemashift.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code --json} on every command that has it, parsed with a real JSON parser: one migration
 * walked through init, status, backfill, verify, keys, phase, rollback, audit, mismatches,
 * coverage, doctor, rewrite and report, each answer checked against what the databases hold.
 */
class JsonOutputIT {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private CliDatabase db;
    private Path config;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void everyCommand_json_parsesWithTheDocumentedFields(TestDatabase.Kind kind) throws Exception {
        String migration = "clijson_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        db = CliDatabase.create(kind, migration, false);
        db.run(
                db.oldUrl(),
                "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50))",
                "CREATE TABLE clients (id INT PRIMARY KEY, full_name VARCHAR(50))",
                "INSERT INTO customers (id, name) VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy')");
        config = Files.writeString(
                dir.resolve("schemashift.yaml"),
                String.join(
                        "\n",
                        "migration: " + migration,
                        "tables:",
                        "  customers: { to: clients, key: [id], columns: { name: full_name } }",
                        "control: { table: schemashift_control }",
                        "phase: dual-write",
                        ""));

        JsonNode init = json(0, "init", "--json");
        assertThat(init.get("migration").asText()).isEqualTo(migration);
        assertThat(init.get("seeded").asBoolean()).isTrue();
        assertThat(init.get("tables").get("control").asText()).isEqualTo("schemashift_control");
        assertThat(init.get("rollout").get("phase").asText()).isEqualTo("dual-write");
        assertThat(init.get("rollout").get("version").asLong()).isEqualTo(1);
        assertThat(json(0, "init", "--json").get("seeded").asBoolean())
                .as("a second init stores nothing")
                .isFalse();
        JsonNode sql = json(0, "init", "--print-sql", "--json");
        assertThat(sql.get("create")).isNotEmpty();
        sql.get("create").forEach(s -> assertThat(s.asText()).startsWith("CREATE"));

        JsonNode status = json(0, "status", "--json");
        assertThat(status.get("phase").asText()).isEqualTo("dual-write");
        assertThat(status.get("instances")).isEmpty();

        JsonNode dry = json(0, "backfill", "--dry-run", "--json");
        assertThat(dry.get("dryRun").asBoolean()).isTrue();
        assertThat(dry.get("tables").get(0).get("wouldInsert").asLong()).isEqualTo(3);
        assertThat(db.count(db.oldUrl(), "SELECT COUNT(*) FROM clients")).isZero();
        JsonNode backfill = json(0, "backfill", "--json");
        assertThat(backfill.get("rows").asLong()).isEqualTo(3);
        JsonNode copied = backfill.get("tables").get(0);
        assertThat(copied.get("table").asText()).isEqualTo("customers");
        assertThat(copied.get("from").asText()).isEqualTo("old");
        assertThat(copied.get("to").asText()).isEqualTo("new");
        assertThat(copied.get("rows").asLong()).isEqualTo(3);
        assertThat(db.count(db.oldUrl(), "SELECT COUNT(*) FROM clients")).isEqualTo(3);

        JsonNode verify = json(0, "verify", "--json");
        assertThat(verify.get("equal").asBoolean()).isTrue();
        assertThat(verify.get("tables").get(0).get("newRows").asLong()).isEqualTo(3);

        JsonNode keys = json(0, "keys", "check", "--json");
        assertThat(keys.get("behind").asBoolean()).isFalse();
        assertThat(keys.get("tables").get(0).get("side").asText()).isEqualTo("new");
        assertThat(keys.get("tables").get(0).get("generator").asText()).isEqualTo("none");
        assertThat(keys.get("tables").get(0).get("status").asText()).isEqualTo("no_generator");

        JsonNode phase = json(0, "phase", "shadow-read", "--shadow", "10", "--reason", "json", "--json");
        assertThat(phase.get("changed").asBoolean()).isTrue();
        assertThat(phase.get("version").asLong()).isEqualTo(2);
        assertThat(phase.get("from").get("phase").asText()).isEqualTo("dual-write");
        assertThat(phase.get("to").get("shadowPercent").asInt()).isEqualTo(10);
        assertThat(phase.get("verdicts").get(0).get("check").asText()).isEqualTo("one step");
        JsonNode refused = json(1, "phase", "read-new", "--reason", "json", "--dry-run", "--json");
        assertThat(refused.get("allowed").asBoolean()).isFalse();
        assertThat(refused.get("changed").asBoolean()).isFalse();
        assertThat(failedChecks(refused)).containsExactly("comparisons");

        JsonNode rollback = json(0, "rollback", "--reason", "json back", "--wait", "--json");
        assertThat(rollback.get("to").get("phase").asText()).isEqualTo("dual-write");
        assertThat(rollback.get("version").asLong()).isEqualTo(3);
        assertThat(rollback.get("waited").get("allApplied").asBoolean()).isTrue();

        JsonNode audit = json(0, "audit", "--json");
        assertThat(audit.get("entries")).hasSize(3);
        assertThat(audit.get("entries").get(0).get("reason").asText()).isEqualTo("json back");

        assertThat(json(0, "mismatches", "--json").get("mismatches")).isEmpty();
        assertThat(json(0, "coverage", "--json").get("statements")).isEmpty();

        JsonNode doctor = json(0, "doctor", "--json");
        assertThat(doctor.get("databasesChecked").asBoolean()).isTrue();
        assertThat(doctor.get("worst").asText()).isEqualTo("ok");
        assertThat(checks(doctor)).contains("config", "table", "key", "keys", "schemashift");

        JsonNode rewrite = json(0, "rewrite", "--json", "SELECT name FROM customers WHERE id = ?");
        JsonNode statement = rewrite.get("statements").get(0);
        assertThat(statement.get("kind").asText()).isEqualTo("select");
        assertThat(statement.get("tables").get(0).asText()).isEqualTo("customers");

        Path out = dir.resolve("report");
        JsonNode report = json(0, "report", "--out", out.toString(), "--json");
        assertThat(Path.of(report.get("markdown").asText())).exists();
        assertThat(Path.of(report.get("html").asText())).exists();
        report.get("plots").forEach(p -> assertThat(Path.of(p.asText())).exists());
    }

    /** Runs a command, checks its exit code, and parses its whole stdout as one JSON value. */
    private JsonNode json(int exit, String... command) throws Exception {
        Cli.Run run = db.cli(config, command);
        assertThat(run.exit()).as(run.toString()).isEqualTo(exit);
        assertThat(run.out().strip().lines()).as("one line of JSON: " + run).hasSize(1);
        return JSON.readTree(run.out());
    }

    private static List<String> failedChecks(JsonNode move) {
        List<String> failed = new ArrayList<>();
        move.get("verdicts").forEach(v -> {
            if (!v.get("passed").asBoolean()) {
                failed.add(v.get("check").asText());
            }
        });
        return failed;
    }

    private static List<String> checks(JsonNode doctor) {
        List<String> checks = new ArrayList<>();
        doctor.get("findings").forEach(f -> checks.add(f.get("check").asText()));
        return checks;
    }
}
