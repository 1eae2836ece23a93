package io.schemashift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.rewriter.Dialect;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchemaSwitchTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                "POSTGRESQL|SET search_path TO tenant_a|AWAY",
                "POSTGRESQL|set search_path = public;|HOME",
                "POSTGRESQL|SET SESSION search_path TO \"$user\", public|HOME",
                "POSTGRESQL|SET search_path TO tenant_a, public|UNKNOWN",
                "POSTGRESQL|SET search_path TO \"Public\"|AWAY",
                "POSTGRESQL|SET search_path TO 'public', tenant_a|HOME",
                "POSTGRESQL|SET search_path TO DEFAULT|HOME",
                "POSTGRESQL|SET LOCAL search_path TO tenant_a|UNKNOWN",
                "POSTGRESQL|SET SCHEMA 'tenant_a'|AWAY",
                "POSTGRESQL|RESET search_path|HOME",
                "POSTGRESQL|DISCARD ALL|HOME",
                "POSTGRESQL|SET statement_timeout = 0|-",
                "POSTGRESQL|SELECT 1|-",
                "POSTGRESQL|USE tenant_a|-",
                "MARIADB|USE `tenant_a`|AWAY",
                "MARIADB|use PUBLIC|HOME",
                "MARIADB|SET NAMES utf8mb4|-",
                "H2|SET SCHEMA tenant_a|AWAY",
                "H2|SET SCHEMA \"PUBLIC\"|HOME",
                "H2|SET SCHEMA public|HOME",
                "H2|SET SCHEMA_SEARCH_PATH tenant_a, PUBLIC|UNKNOWN"
            })
    void of_followsTheSwitchesItKnows(Dialect dialect, String sql, SchemaSwitch.Place place) {
        String home = dialect == Dialect.H2 ? "PUBLIC" : "public";

        assertThat(SchemaSwitch.of(sql, dialect, home)).isEqualTo(place);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"POSTGRESQL|public|HOME", "POSTGRESQL|tenant_a|AWAY", "MARIADB|PUBLIC|HOME", "H2|public|AWAY"})
    void ofName_comparesAsTheDatabaseStoresNames(Dialect dialect, String name, SchemaSwitch.Place place) {
        String home = dialect == Dialect.H2 ? "PUBLIC" : "public";

        assertThat(SchemaSwitch.ofName(name, dialect, home)).isEqualTo(place);
    }

    @org.junit.jupiter.api.Test
    void of_oldSchemaUnknown_everySwitchIsUnknown() {
        assertThat(SchemaSwitch.of("SET search_path TO public", Dialect.POSTGRESQL, null))
                .isEqualTo(SchemaSwitch.Place.UNKNOWN);
    }
}
