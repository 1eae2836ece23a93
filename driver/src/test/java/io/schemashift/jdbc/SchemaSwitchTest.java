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
                "POSTGRESQL|SET search_path TO DEFAULT|AWAY",
                "POSTGRESQL|SET LOCAL search_path TO tenant_a|UNKNOWN",
                "POSTGRESQL|SET SCHEMA 'tenant_a'|AWAY",
                "POSTGRESQL|RESET search_path|AWAY",
                "POSTGRESQL|DISCARD ALL|AWAY",
                "POSTGRESQL|SELECT set_config('search_path', 'tenant_a', false)|AWAY",
                "POSTGRESQL|select pg_catalog.set_config('SEARCH_PATH', '\"$user\", public', false);|HOME",
                "POSTGRESQL|SELECT set_config('search_path', 'tenant_a', true)|UNKNOWN",
                "POSTGRESQL|SELECT set_config(?, ?, false)|UNKNOWN",
                "POSTGRESQL|SELECT set_config('app.tenant', '42', false)|-",
                "POSTGRESQL|SELECT set_config('app.tenant', '42', false), set_config(?, 'x', false)|UNKNOWN",
                "POSTGRESQL|WITH s AS (SELECT set_config('search_path', 'tenant_a', false)) SELECT * FROM s|UNKNOWN",
                "POSTGRESQL|DO $$ BEGIN PERFORM set_config('search_path', 'tenant_a', false); END $$|UNKNOWN",
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

        // a connection that started in a tenant's schema: a reset takes it back there
        assertThat(SchemaSwitch.of(sql, dialect, home, SchemaSwitch.Place.AWAY)).isEqualTo(place);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"POSTGRESQL|public|HOME", "POSTGRESQL|tenant_a|AWAY", "MARIADB|PUBLIC|HOME", "H2|public|AWAY"})
    void ofName_comparesAsTheDatabaseStoresNames(Dialect dialect, String name, SchemaSwitch.Place place) {
        String home = dialect == Dialect.H2 ? "PUBLIC" : "public";

        assertThat(SchemaSwitch.ofName(name, dialect, home)).isEqualTo(place);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "POSTGRESQL|\"$user\", public|HOME",
                "POSTGRESQL|tenant_a, public|UNKNOWN",
                "POSTGRESQL|tenant_a|AWAY",
                "MARIADB|tenant_a|AWAY",
                "H2|PUBLIC|HOME"
            })
    void ofStart_placesAConnectionByItsOwnStart(Dialect dialect, String schema, SchemaSwitch.Place place) {
        String home = dialect == Dialect.H2 ? "PUBLIC" : "public";

        assertThat(SchemaSwitch.ofStart(new ConnectionStart(schema, false), dialect, home))
                .isEqualTo(place);
    }

    @org.junit.jupiter.api.Test
    void of_oldSchemaUnknown_everySwitchIsUnknown() {
        assertThat(SchemaSwitch.of("SET search_path TO public", Dialect.POSTGRESQL, null, SchemaSwitch.Place.UNKNOWN))
                .isEqualTo(SchemaSwitch.Place.UNKNOWN);
    }
}
