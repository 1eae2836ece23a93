package io.schemashift.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.schemashift.api.ReportValues;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigReaderTest {

    private static final String FULL =
            """
            migration: split-customer-name
            new:
              url: jdbc:postgresql://127.0.0.1:5432/app_v2
              user: ${env:NEW_DB_USER}
              password: ${env:NEW_DB_PASSWORD}
              schema: app_v2
              pool: { maximumPoolSize: 8 }
            tables:
              customers:
                to: clients
                key: [id]
                columns:
                  name: full_name
                  legacy_flag: null
                derived:
                  name_search: "lower(name)"
            phase: shadow-read
            routing:
              readNewPercent: 0
              shadowPercent: 25
              stickiness: transaction
              tables: { customers: { phase: dual-write } }
            compare:
              ignore: [customers.updated_at]
              order: auto
              timestampPrecision: millis
              maxRows: 10000
            writes:
              onMirrorFailure: record
              budget: 300ms
            control:
              table: schemashift_control
              poll: 5s
              catalogRefresh: 2m
            report:
              mismatchTable: schemashift_mismatch
              values: redacted
            """;

    private final ConfigReader reader =
            new ConfigReader(Map.of("NEW_DB_USER", "app", "NEW_DB_PASSWORD", "canary-Pa55word")::get, name -> null);

    @Test
    void read_fullExample() throws Exception {
        MigrationConfig config = reader.read("app.yaml", FULL);

        assertThat(config.migration()).isEqualTo("split-customer-name");
        assertThat(config.newSide().url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/app_v2");
        assertThat(config.newSide().user()).isEqualTo("app");
        assertThat(config.newSide().password().reveal()).isEqualTo("canary-Pa55word");
        assertThat(config.newSide().pool().getProperty("maximumPoolSize")).isEqualTo("8");
        var customers = config.mapping().table("CUSTOMERS").orElseThrow();
        assertThat(customers.newName()).isEqualTo("clients");
        assertThat(customers.key()).containsExactly("id");
        assertThat(customers.columns()).containsEntry("name", "full_name").containsEntry("legacy_flag", null);
        assertThat(customers.derived()).containsEntry("name_search", "lower(name)");
        assertThat(config.rollout().phase()).isEqualTo(Phase.SHADOW_READ);
        assertThat(config.rollout().shadowPercent()).isEqualTo(25);
        assertThat(config.rollout().phaseOf("customers")).isEqualTo(Phase.DUAL_WRITE);
        assertThat(config.compare().ignore()).containsExactly("customers.updated_at");
        assertThat(config.writes().budget()).isEqualTo(Duration.ofMillis(300));
        assertThat(config.control().controlTable()).contains("schemashift_control");
        assertThat(config.control().catalogRefresh()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.report().values()).isEqualTo(ReportValues.REDACTED);
    }

    @Test
    void toString_neverShowsThePassword() throws Exception {
        MigrationConfig config = reader.read("app.yaml", FULL);

        assertThat(config.toString()).doesNotContain("canary-Pa55word").contains("****");
        assertThat(config.newSide().toString()).doesNotContain("canary-Pa55word");
    }

    @Test
    void minimal_defaultsToOldOnly() throws Exception {
        MigrationConfig config = reader.read("m.yaml", "migration: m1\ntables: { t: { key: [id] } }\n");

        assertThat(config.rollout().phase()).isEqualTo(Phase.OLD_ONLY);
        assertThat(config.newSide().separateDatabase()).isFalse();
        assertThat(config.writes().onMirrorFailure()).isEqualTo(MigrationConfig.MirrorFailurePolicy.RECORD);
        assertThat(config.mapping().table("t").orElseThrow().newName()).isEqualTo("t");
        assertThat(config.control().catalogRefresh()).isEqualTo(Duration.ofSeconds(60));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            unknown phase        | migration: m\\nphase: shadowread\\n                                        | app.yaml, line 2, key 'phase': unknown phase 'shadowread'; allowed: old-only, dual-write, shadow-read, read-new, new-primary, new-only
            unknown key          | migration: m\\nroutng: {}\\n                                               | app.yaml, line 2, key 'routng': unknown key; allowed: migration, new, tables, phase, routing
            unknown nested key   | migration: m\\nrouting:\\n  readNew: 5\\n                                  | app.yaml, line 3, key 'routing.readNew': unknown key; allowed in 'routing': readNewPercent, shadowPercent
            bad percentage       | migration: m\\nrouting: { shadowPercent: 150 }\\n                          | app.yaml, line 2, key 'routing.shadowPercent': must be a whole number from 0 to 100
            percentage not int   | migration: m\\nrouting: { readNewPercent: lots }\\n                        | app.yaml, line 2, key 'routing.readNewPercent': must be a whole number from 0 to 100
            table mapped twice   | migration: m\\ntables:\\n  t: { key: [id] }\\n  T: { key: [id] }\\n     | app.yaml, line 4, key 'tables.T': table is mapped twice (first at line 3)
            missing key columns  | migration: m\\ntables:\\n  customers: { to: clients }\\n                   | app.yaml, line 3, key 'tables.customers.key': is required
            empty key columns    | migration: m\\ntables:\\n  customers: { key: [] }\\n                      | app.yaml, line 3, key 'tables.customers.key': must list at least one column
            dropped key column   | migration: m\\ntables:\\n  c: { key: [id], columns: { id: null } }\\n     | app.yaml, line 3, key 'tables.c.columns.id': a key column cannot be dropped
            missing migration    | phase: dual-write\\n                                                       | app.yaml, key 'migration': is required
            bad migration id     | migration: 'a b'\\n                                                        | app.yaml, line 1, key 'migration': must be 1 to 64 letters
            unknown override     | migration: m\\nrouting: { tables: { orders: { phase: dual-write } } }\\n   | app.yaml, line 2, key 'routing.tables.orders': unknown table
            bad duration         | migration: m\\nwrites: { budget: soon }\\n                                 | app.yaml, line 2, key 'writes.budget': must be a duration such as 250ms
            zero poll            | migration: m\\ncontrol: { poll: 0s }\\n                                    | app.yaml, line 2, key 'control.poll': must be at least 100ms
            zero catalogRefresh  | migration: m\\ncontrol: { catalogRefresh: 0s }\\n                          | app.yaml, line 2, key 'control.catalogRefresh': must be at least 100ms
            tiny budget          | migration: m\\nwrites: { budget: 99ms }\\n                                 | app.yaml, line 2, key 'writes.budget': must be at least 100ms
            bad choice           | migration: m\\nwrites: { onMirrorFailure: ignore }\\n                      | app.yaml, line 2, key 'writes.onMirrorFailure': must be one of record, fail
            bad pool setting     | migration: m\\nnew: { url: 'jdbc:h2:mem:x', pool: { maxPool: 3 } }\\n     | app.yaml, line 2, key 'new.pool.maxPool': unknown HikariCP setting
            pool not a number    | migration: m\\nnew: { url: 'jdbc:h2:mem:x', pool: { maximumPoolSize: lots } }\\n | app.yaml, line 2, key 'new.pool.maximumPoolSize': must be a whole number
            pool bad boolean     | migration: m\\nnew: { url: 'jdbc:h2:mem:x', pool: { autoCommit: often } }\\n | app.yaml, line 2, key 'new.pool.autoCommit': must be true or false
            pool without url     | migration: m\\nnew: { pool: { maximumPoolSize: 3 } }\\n                   | app.yaml, line 2, key 'new.pool': only applies with new.url
            not yaml             | migration: [unclosed\\n                                                    | app.yaml, line 2: not valid YAML
            not a mapping        | - a\\n- b\\n                                                               | app.yaml, line 1: the file must be a YAML mapping
            empty file           | '#'                                                                        | app.yaml: the file is empty
            phase from variable  | migration: m\\nphase: ${env:NEW_DB_PASSWORD}\\n                             | app.yaml, line 2, key 'phase': unknown phase '${env:NEW_DB_PASSWORD}'; allowed
            table phase missing  | migration: m\\ntables: { t: { key: [id] } }\\nrouting: { tables: { t: {} } }\\n | app.yaml, line 3, key 'routing.tables.t.phase': is required
            bad derived          | migration: m\\ntables:\\n  t: { key: [id], derived: { s: 'lower(' } }\\n | app.yaml, line 3, key 'tables.t.derived.s': must be an SQL expression over old columns
            bad table schema     | migration: m\\ntables:\\n  t: { key: [id], schema: 'a b' }\\n      | app.yaml, line 3, key 'tables.t.schema': must be an SQL identifier
            missing variable     | migration: m\\nnew: { url: 'jdbc:h2:mem:x', password: '${env:NOPE}' }\\n   | app.yaml, line 2, key 'new.password': environment variable NOPE is not set
            """)
    void invalidFile_oneClearError(String name, String yaml, String expected) {
        assertThatThrownBy(() -> reader.read("app.yaml", yaml.replace("\\n", "\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("SchemaShift configuration " + expected)
                .satisfies(e -> assertThat(((ConfigException) e).getSQLState()).isEqualTo("42000"))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Exception"));
    }

    @Test
    void newSchema_qualifiesTablesWithoutTheirOwn() throws Exception {
        MigrationConfig config = reader.read(
                "s.yaml",
                "migration: m\nnew: { schema: app_v2 }\ntables:\n  a: { key: [id] }\n  b: { key: [id], schema: other }\n");

        assertThat(config.mapping().table("a").orElseThrow().newSchema()).isEqualTo("app_v2");
        assertThat(config.mapping().table("b").orElseThrow().newSchema()).isEqualTo("other");
    }

    @Test
    void variables_defaultsAndSystemProperties() throws Exception {
        ConfigReader withSys = new ConfigReader(name -> null, Map.of("app.id", "from-sys")::get);

        MigrationConfig config =
                withSys.read("v.yaml", "migration: ${sys:app.id}\nnew: { user: '${env:U:-fallback}' }\n");

        assertThat(config.migration()).isEqualTo("from-sys");
        assertThat(config.newSide().user()).isEqualTo("fallback");
    }

    @Test
    void substitutedSecret_neverInErrorMessages() {
        ConfigReader withSecret = new ConfigReader(Map.of("P", "canary-Pa55word")::get, name -> null);

        assertThatThrownBy(() -> withSecret.read("s.yaml", "migration: m\nnew: { pool: { password: '${env:P}' } }\n"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("canary-Pa55word"));
    }
}
