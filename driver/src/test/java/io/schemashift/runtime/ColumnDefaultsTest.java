package io.schemashift.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.catalog.ColumnType;
import io.schemashift.rewriter.KeptAlike;
import io.schemashift.rewriter.TableMapping;
import io.schemashift.rewriter.TableMapping.ComputedBy;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ColumnDefaultsTest {

    private static final TableMapping CUSTOMERS = new TableMapping(
            "customers",
            "clients",
            null,
            List.of("id"),
            mapOf("name", "full_name", "legacy_flag", null),
            Map.of(),
            List.of());

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            nullValues = "-",
            value = {
                "'active'::character varying | 'active'",
                "'{}'::text[] | '{}'",
                "(0) | 0",
                "NULL | -",
                "NULL::character varying | -",
                "CURRENT_TIMESTAMP | current_timestamp",
                "current_timestamp() | current_timestamp()",
                "  | -"
            })
    void normalized_dropsCastsAndNull(String reported, String expected) {
        assertThat(ColumnDefaults.normalized(reported)).isEqualTo(expected);
    }

    @Test
    void valuesLeftOut_nullsAndConstantsStoredAsWritten_typedOnPostgresqlByBuiltInTypesOnly() {
        ColumnType varchar = new ColumnType(Types.VARCHAR, "varchar", 10, null);
        ColumnType int4 = new ColumnType(Types.INTEGER, "int4", 10, 0);
        ColumnDefaults.Columns old = new ColumnDefaults.Columns(
                mapOf(
                        "id", null,
                        "name", null,
                        "email", "NULL",
                        "legacy_flag", "NULL::integer",
                        "status", "'it''s on'::character varying",
                        "tier", "'-3'::integer",
                        "rank", "7",
                        "code", null,
                        "mood", null,
                        "serial_no", "identity()",
                        "amount", "1.5",
                        "initial", "'a'::bpchar",
                        "too_long", "'eleven char'::character varying",
                        "path", "'a\\b'",
                        "upper_name", "upper('x'::text)",
                        "created", "now()"),
                Set.of("shout"),
                Map.ofEntries(
                        Map.entry("id", int4),
                        Map.entry("name", varchar),
                        Map.entry("email", varchar),
                        Map.entry("legacy_flag", int4),
                        Map.entry("status", varchar),
                        Map.entry("tier", int4),
                        Map.entry("rank", new ColumnType(Types.SMALLINT, "int2", 5, 0)),
                        Map.entry("code", varchar),
                        Map.entry("mood", new ColumnType(Types.VARCHAR, "mood", 2147483647, null)),
                        Map.entry("serial_no", int4),
                        Map.entry("amount", new ColumnType(Types.NUMERIC, "numeric", 10, 0)),
                        Map.entry("initial", new ColumnType(Types.CHAR, "bpchar", 5, null)),
                        Map.entry("too_long", varchar),
                        Map.entry("path", varchar),
                        Map.entry("upper_name", varchar),
                        Map.entry("created", new ColumnType(Types.TIMESTAMP, "timestamp", 26, 6)),
                        Map.entry("shout", varchar)),
                Set.of("id", "name", "email", "legacy_flag", "status", "tier", "mood", "serial_no", "shout"));
        assertThat(ColumnDefaults.valuesLeftOut(CUSTOMERS, old, io.schemashift.rewriter.Dialect.POSTGRESQL))
                .as("by old name; not the key, a NOT NULL column without a default, an identity, a generated"
                        + " column, a rounded number, a padded CHAR, a string longer than the column, a backslash,"
                        + " a call; an enum a separate new database may lack left out")
                .containsOnly(
                        Map.entry("name", "CAST(NULL AS varchar)"),
                        Map.entry("email", "CAST(NULL AS varchar)"),
                        Map.entry("legacy_flag", "CAST(NULL AS int4)"),
                        Map.entry("status", "CAST('it''s on' AS varchar)"),
                        Map.entry("tier", "CAST(-3 AS int4)"),
                        Map.entry("rank", "CAST(7 AS int2)"));
        assertThat(ColumnDefaults.valuesLeftOut(CUSTOMERS, old, io.schemashift.rewriter.Dialect.MARIADB))
                .containsOnly(
                        Map.entry("name", "NULL"),
                        Map.entry("email", "NULL"),
                        Map.entry("legacy_flag", "NULL"),
                        Map.entry("status", "'it''s on'"),
                        Map.entry("tier", "-3"),
                        Map.entry("rank", "7"),
                        Map.entry("mood", "NULL"));
    }

    @Test
    void differing_comparesEachMappedColumnWithItsNewColumn() {
        Map<String, String> old = mapOf(
                "id", "nextval('customers_id_seq'::regclass)",
                "name", "'anon'::character varying",
                "legacy_flag", "0",
                "status", "'active'::character varying",
                "tier", "0",
                "created", "now()",
                "token", "gen_random_uuid()",
                "note", null,
                "gone", "'x'");
        Map<String, String> neu = mapOf(
                "id", "nextval('clients_id_seq'::regclass)",
                "full_name", "'anon'::text",
                "status", "'new'::character varying",
                "tier", "(0)",
                "created", "now()",
                "token", "gen_random_uuid()",
                "note", "'n'");
        assertThat(ColumnDefaults.differing(CUSTOMERS, defaults(old), defaults(neu)))
                .as("a differing constant, a call made once per side, a default on one side only; not the key,"
                        + " not the current time")
                .containsExactlyInAnyOrder("status", "token", "note");
        assertThat(ColumnDefaults.differing(CUSTOMERS, defaults(old), defaults(Map.of())))
                .as("the new table not found: its own check reports it")
                .isEmpty();
    }

    @Test
    void differing_theCurrentTimeInAnySpellingOrPrecision_isShared() {
        Map<String, String> old = mapOf(
                "created", "current_timestamp()",
                "seen", "CURRENT_TIMESTAMP",
                "stamped", "current_timestamp()",
                "day", "curdate()",
                "at", "CURRENT_TIME",
                "tier", "CURRENT_DATE",
                "noon", "CURRENT_TIME");
        Map<String, String> neu = mapOf(
                "created", "current_timestamp()",
                "seen", "now()",
                "stamped", "current_timestamp(6)",
                "day", "CURRENT_DATE",
                "at", "CURRENT_TIMESTAMP",
                "tier", "now()",
                "noon", "CURRENT_TIME");
        assertThat(ColumnDefaults.differing(CUSTOMERS, defaults(old), defaults(neu)))
                .as("the same instant however spelled, and the same date; a time of day is not a timestamp, nor a"
                        + " date, and each side reads its own")
                .containsExactlyInAnyOrder("at", "tier", "noon");
    }

    @Test
    void differing_aConstantTheTwoTypesRoundApart() {
        ColumnType cents = new ColumnType(Types.NUMERIC, "numeric", 10, 2);
        ColumnType fourth = new ColumnType(Types.NUMERIC, "numeric", 12, 4);
        ColumnType seconds = new ColumnType(Types.TIMESTAMP, "timestamp", 22, 0);
        ColumnType micros = new ColumnType(Types.TIMESTAMP, "timestamp", 29, 6);
        ColumnType text = new ColumnType(Types.VARCHAR, "varchar", 8, null);
        ColumnType longText = new ColumnType(Types.VARCHAR, "varchar", 20, null);
        // column, old default, old type, new default, new type
        List<List<Object>> columns = List.of(
                List.of("amount", "1.50", cents, "1.5000", fourth), // MariaDB's report of DEFAULT 1.5
                List.of("rate", "1.23456", cents, "1.23456", fourth),
                List.of("fee", "'0.125'::numeric", cents, "'0.125'::numeric", fourth),
                List.of("created", "now()", seconds, "now()", micros),
                List.of(
                        "at",
                        "'2024-01-01 10:00:00.5'::timestamp",
                        seconds,
                        "'2024-01-01 10:00:00.5'::timestamp",
                        micros),
                List.of("code", "'abc'", text, "'abc'", longText),
                List.of("label", "'1.50'", text, "'1.5000'", text));
        Map<String, String> oldDefaults = new HashMap<>();
        Map<String, String> newDefaults = new HashMap<>();
        Map<String, ColumnType> oldTypes = new HashMap<>();
        Map<String, ColumnType> newTypes = new HashMap<>();
        for (List<Object> c : columns) {
            oldDefaults.put((String) c.get(0), (String) c.get(1));
            oldTypes.put((String) c.get(0), (ColumnType) c.get(2));
            newDefaults.put((String) c.get(0), (String) c.get(3));
            newTypes.put((String) c.get(0), (ColumnType) c.get(4));
        }
        assertThat(ColumnDefaults.differing(
                        CUSTOMERS,
                        new ColumnDefaults.Columns(oldDefaults, Set.of(), oldTypes, Set.of()),
                        new ColumnDefaults.Columns(newDefaults, Set.of(), newTypes, Set.of())))
                .as("constants beyond what both types keep, and two texts; not a number within it in two scales,"
                        + " not the current time (its instant is judged at each write), not two lengths")
                .containsExactlyInAnyOrder("rate", "fee", "at", "label");
    }

    private static ColumnDefaults.Columns defaults(Map<String, String> defaults) {
        return new ColumnDefaults.Columns(defaults, Set.of(), Map.of(), Set.of());
    }

    @Test
    void clockDefaults_theSharedCurrentTimestampOfEachMappedColumn() {
        Map<String, String> old = mapOf(
                "id", "now()",
                "created", "CURRENT_TIMESTAMP(6)",
                "name", "now()",
                "seen", "now()",
                "day", "CURRENT_DATE",
                "note", "'x'",
                "legacy_flag", "now()");
        Map<String, String> neu = mapOf(
                "id", "now()",
                "created", "CURRENT_TIMESTAMP(6)",
                "full_name", "now()::timestamp with time zone",
                "seen", "CURRENT_TIMESTAMP",
                "day", "CURRENT_DATE",
                "note", "'x'");
        assertThat(ColumnDefaults.clockDefaults(CUSTOMERS, old, neu))
                .as("the current time both share (in any spelling), by old name, as the old table reports it; not"
                        + " the key, not a constant, not a dropped column")
                .containsOnly(
                        Map.entry("created", "CURRENT_TIMESTAMP(6)"),
                        Map.entry("name", "now()"),
                        Map.entry("seen", "now()"),
                        Map.entry("day", "CURRENT_DATE"));
    }

    @Test
    void computedOnOneSide_comparesEachMappedColumnWithItsNewColumn() {
        TableMapping derivedToo = new TableMapping(
                "customers",
                "clients",
                null,
                List.of("id"),
                mapOf("name", "full_name", "legacy_flag", null),
                Map.of("name_search", "lower(name)", "shout", "upper(email)"),
                List.of());
        ColumnType text = new ColumnType(Types.VARCHAR, "varchar", 100, null);
        ColumnDefaults.Columns old = new ColumnDefaults.Columns(
                mapOf("name", null, "email", null, "note", null, "legacy_flag", null, "amount", null, "price", null),
                Set.of("id", "initial", "total", "gone"),
                Map.of(
                        "email", text,
                        "amount", new ColumnType(Types.NUMERIC, "numeric", 10, 4),
                        "price", new ColumnType(Types.NUMERIC, "numeric", 10, 2),
                        "id", new ColumnType(Types.INTEGER, "int4", 10, 0),
                        "name", new ColumnType(Types.VARCHAR, "varchar", 20, null)),
                Set.of());
        ColumnDefaults.Columns neu = new ColumnDefaults.Columns(
                mapOf("initial", null, "email", null, "shout", null, "amount", null, "price", null),
                Set.of("id", "full_name", "total", "name_search", "note"),
                Map.of(
                        "email", text,
                        "amount", new ColumnType(Types.NUMERIC, "numeric", 10, 2),
                        "price", new ColumnType(Types.NUMERIC, "numeric", 12, 2),
                        "id", new ColumnType(Types.BIGINT, "int8", 19, 0),
                        "full_name", new ColumnType(Types.VARCHAR, "varchar", 50, null)),
                Set.of());
        assertThat(ColumnDefaults.computedOnOneSide(derivedToo, old, neu))
                .as("generated on one side only, by the mapping's names; not the key, not a column both generate,"
                        + " not one the new table lacks; and a stored column whose types round a value apart")
                .containsOnly(
                        Map.entry("name", ComputedBy.NEW_TABLE),
                        Map.entry("initial", ComputedBy.OLD_TABLE),
                        Map.entry("note", ComputedBy.NEW_TABLE),
                        Map.entry("amount", ComputedBy.EACH_TABLE_ROUNDING));
        assertThat(ColumnDefaults.keptAlike(derivedToo, old, neu))
                .as("numeric(10,4) and numeric(10,2) keep 2 decimals alike; two lengths or ranges (the key's, a"
                        + " renamed column's by its old name) what fits both; one type nothing to tell")
                .containsOnly(
                        Map.entry("amount", new KeptAlike(KeptAlike.Measure.DECIMALS, 2)),
                        Map.entry("price", KeptAlike.FITTING),
                        Map.entry("id", KeptAlike.FITTING),
                        Map.entry("name", KeptAlike.FITTING));
        assertThat(ColumnDefaults.generatedDerived(derivedToo, neu)).containsExactly("name_search");
        assertThat(derivedToo
                        .withComputed(Map.of("name", ComputedBy.NEW_TABLE), Map.of(), Set.of("NAME_SEARCH"))
                        .derived())
                .as("the derived columns the new table generates are left to it")
                .containsOnlyKeys("shout");
    }

    @Test
    void compared_anIdentityNumbersEachSideOnItsOwn() {
        assertThat(ColumnDefaults.sharedAlike(
                        ColumnDefaults.compared(null, true), null, ColumnDefaults.compared(null, true), null))
                .as("an identity on both sides")
                .isFalse();
        assertThat(ColumnDefaults.sharedAlike(
                        ColumnDefaults.compared(null, true), null, ColumnDefaults.compared(null, false), null))
                .isFalse();
        assertThat(ColumnDefaults.compared("nextval('s'::regclass)", true))
                .as("a reported default kept")
                .isEqualTo("nextval('s'::regclass)");
        assertThat(ColumnDefaults.sharedAlike(
                        ColumnDefaults.compared(null, false), null, ColumnDefaults.compared(null, false), null))
                .as("no default on either side")
                .isTrue();
    }

    private static Map<String, String> mapOf(String... keysAndValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
