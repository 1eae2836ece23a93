package io.schemashift.compare;

import static io.schemashift.compare.Inputs.compare;
import static io.schemashift.compare.Inputs.keyed;
import static io.schemashift.compare.Inputs.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.schemashift.compare.MismatchReport.ColumnDifference;
import io.schemashift.compare.MismatchReport.Kind;
import io.schemashift.compare.MismatchReport.Sample;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ShadowComparatorTest {
    private static final List<Object[]> ROWS =
            List.of(row(1, "Ada", new BigDecimal("10.50")), row(2, "Bob", new BigDecimal("3")), row(3, null, null));

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of("defaults", CompareRules.defaults()),
                Arguments.of(
                        "ordered",
                        CompareRules.builder().orderMode(OrderMode.ORDERED).build()),
                Arguments.of(
                        "multiset",
                        CompareRules.builder().orderMode(OrderMode.MULTISET).build()),
                Arguments.of(
                        "plain", CompareRules.builder().values(ValuesMode.PLAIN).build()),
                Arguments.of(
                        "omitted",
                        CompareRules.builder().values(ValuesMode.OMITTED).build()),
                Arguments.of(
                        "strict",
                        CompareRules.builder()
                                .normalizeNumericScale(false)
                                .ignoreTrailingSpaces(false)
                                .timestampPrecision(TimestampPrecision.NANOS)
                                .build()),
                Arguments.of(
                        "lenient",
                        CompareRules.builder()
                                .caseInsensitiveStrings(true)
                                .emptyStringEqualsNull(true)
                                .timestampPrecision(TimestampPrecision.SECONDS)
                                .build()),
                Arguments.of("no samples", CompareRules.builder().maxSamples(0).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void compare_sameRows_match(String name, CompareRules rules) {
        for (boolean orderBy : new boolean[] {true, false}) {
            ComparisonResult result = compare(rules, keyed(orderBy, ROWS, ROWS));

            assertThat(result.outcome()).isEqualTo(Outcome.MATCH);
            assertThat(result.primaryRows()).isEqualTo(3);
            assertThat(result.otherRows()).isEqualTo(3);
            assertThat(result.mismatch()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void compare_changedValue_reportsKeyAndColumn(String name, CompareRules rules) {
        List<Object[]> other = List.of(ROWS.get(0), row(2, "Rob", new BigDecimal("3")), ROWS.get(2));

        for (boolean orderBy : new boolean[] {true, false}) {
            MismatchReport report =
                    compare(rules, keyed(orderBy, ROWS, other)).mismatch().orElseThrow();

            assertThat(report.changedRows()).isEqualTo(1);
            assertThat(report.missingRows() + report.extraRows() + report.misplacedRows())
                    .isZero();
            assertThat(report.columnDifferences()).containsExactly(Map.entry("name", 1L));
            if (rules.maxSamples() > 0) {
                Sample sample = report.samples().get(0);
                assertThat(sample.kind()).isEqualTo(Kind.CHANGED);
                assertThat(sample.rowIndex()).isEqualTo(1);
                assertThat(sample.columns())
                        .extracting(ColumnDifference::column)
                        .containsExactly("name");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void compare_removedRow_reportsMissing(String name, CompareRules rules) {
        for (boolean orderBy : new boolean[] {true, false}) {
            MismatchReport report = compare(rules, keyed(orderBy, ROWS, ROWS.subList(0, 2)))
                    .mismatch()
                    .orElseThrow();

            assertThat(report.missingRows()).isEqualTo(1);
            assertThat(report.otherRows()).isEqualTo(2);
        }
    }

    @Test
    void compare_plainValues_showValuesAndKey() {
        CompareRules rules = CompareRules.builder()
                .values(ValuesMode.PLAIN)
                .orderMode(OrderMode.MULTISET)
                .build();
        List<Object[]> other = List.of(ROWS.get(0), row(2, "Bob", new BigDecimal("3.01")), ROWS.get(2));

        Sample sample = compare(rules, keyed(false, ROWS, other))
                .mismatch()
                .orElseThrow()
                .samples()
                .get(0);

        assertThat(sample.key()).isEqualTo("id=2");
        assertThat(sample.columns()).containsExactly(new ColumnDifference("amount", "number:3", "number:3.01"));
    }

    @Test
    void compare_redactedValues_showEqualTokensForEqualValues() {
        CompareRules rules =
                CompareRules.builder().redactionKey("0123456789abcdef-key").build();
        List<Object[]> primary = List.<Object[]>of(row(7, "x", 5));
        List<Object[]> other = List.<Object[]>of(row(7, "y", 5));

        Sample a = compare(rules, keyed(false, primary, other))
                .mismatch()
                .orElseThrow()
                .samples()
                .get(0);
        Sample b = compare(rules, keyed(false, primary, other))
                .mismatch()
                .orElseThrow()
                .samples()
                .get(0);

        assertThat(a).isEqualTo(b);
        assertThat(a.key()).matches("id=[0-9a-f]{16}");
        assertThat(a.columns().get(0).primaryValue()).matches("string:[0-9a-f]{16}");
        assertThat(a.columns().get(0).primaryValue())
                .isNotEqualTo(a.columns().get(0).otherValue());
    }

    @Test
    void compare_omittedValues_showQuestionMarksAndNull() {
        CompareRules rules = CompareRules.builder().values(ValuesMode.OMITTED).build();
        List<Object[]> primary = List.<Object[]>of(row(7, "x", 5));
        List<Object[]> other = List.<Object[]>of(row(7, null, 5));

        Sample sample = compare(rules, keyed(false, primary, other))
                .mismatch()
                .orElseThrow()
                .samples()
                .get(0);

        assertThat(sample.key()).isEqualTo("id=?");
        assertThat(sample.columns()).containsExactly(new ColumnDifference("name", "string:?", "NULL"));
    }

    @Test
    void compare_differentLabels_isImmediateMismatch() {
        ComparisonInput input = ComparisonInput.builder()
                .columns(List.of("ID", "NAME"), List.of("id", "full_name"))
                .rows(unreadable(), unreadable())
                .build();

        ComparisonResult result = compare(CompareRules.defaults(), input);

        assertThat(result.outcome()).isEqualTo(Outcome.MISMATCH);
        assertThat(result.mismatch().orElseThrow().columnsDiffer()).isTrue();
        assertThat(result.summary()).contains("columns differ");
    }

    @Test
    void compare_labelsDifferOnlyInCase_areTheSame() {
        ComparisonInput input = ComparisonInput.builder()
                .columns(List.of("ID", "NAME"), List.of("id", "name"))
                .rows(
                        List.<Object[]>of(row(1, "a")).iterator(),
                        List.<Object[]>of(row(1, "a")).iterator())
                .build();

        assertThat(compare(CompareRules.defaults(), input).outcome()).isEqualTo(Outcome.MATCH);
    }

    /**
     * A column whose type changed (text on the old side; a number, a boolean, a date, a timestamp or
     * JSON text on the new) compares by its text: equal values match, a changed one still differs.
     */
    @Test
    void textColumns_valuesOfAnotherKind_comparedByTheirText() {
        List<String> columns = List.of("id", "qty", "active", "born", "at", "doc", "ref");
        Object[] old = row(
                1,
                "7.50",
                1,
                "2024-01-31",
                "2024-01-31 10:00:00.5",
                "{\"a\": 1}",
                "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11");
        Object[] neu = row(
                1,
                new BigDecimal("7.5"),
                true,
                java.time.LocalDate.of(2024, 1, 31),
                java.time.LocalDateTime.of(2024, 1, 31, 10, 0, 0, 500_000_000),
                "{\"a\": 1}",
                java.util.UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        java.util.function.Function<Object[], ComparisonInput> against = other -> ComparisonInput.builder()
                .columns(columns, columns)
                .key(List.of("id"))
                .textColumns(java.util.Set.of("QTY", "active", "born", "at", "doc", "ref"))
                .rows(
                        List.<Object[]>of(old).iterator(),
                        List.<Object[]>of(other).iterator())
                .build();

        assertThat(compare(CompareRules.defaults(), against.apply(neu)).outcome())
                .isEqualTo(Outcome.MATCH);
        Object[] changed = neu.clone();
        changed[2] = false;
        changed[3] = java.time.LocalDate.of(2024, 2, 1);
        assertThat(compare(CompareRules.defaults(), against.apply(changed))
                        .mismatch()
                        .orElseThrow()
                        .columnDifferences())
                .containsOnlyKeys("active", "born");
        assertThat(compare(
                                CompareRules.defaults(),
                                ComparisonInput.builder()
                                        .columns(columns, columns)
                                        .key(List.of("id"))
                                        .rows(
                                                List.<Object[]>of(old).iterator(),
                                                List.<Object[]>of(neu).iterator())
                                        .build())
                        .mismatch()
                        .orElseThrow()
                        .columnDifferences())
                .as("not named: a string never equals a number")
                .containsOnlyKeys("qty", "active", "born", "at", "ref");
    }

    @Test
    void ignore_plainAndTableQualified_skipColumns() {
        List<Object[]> other = List.of(row(1, "changed", new BigDecimal("99")), ROWS.get(1), ROWS.get(2));

        assertThat(compare(
                                CompareRules.builder()
                                        .ignore("NAME", "public.customers.amount")
                                        .build(),
                                keyed(false, ROWS, other))
                        .outcome())
                .isEqualTo(Outcome.MATCH);
        assertThat(compare(
                                CompareRules.builder()
                                        .ignore("name", "orders.amount")
                                        .build(),
                                keyed(false, ROWS, other))
                        .mismatch()
                        .orElseThrow()
                        .columnDifferences())
                .containsExactly(Map.entry("amount", 1L));
    }

    @Test
    void compare_pastMaxRows_isTruncated() {
        CompareRules rules = CompareRules.builder().maxRows(2).build();
        List<Object[]> other = List.<Object[]>of(row(9, "different", 0));

        for (boolean orderBy : new boolean[] {true, false}) {
            ComparisonResult result = compare(rules, keyed(orderBy, ROWS, other));

            assertThat(result.outcome()).isEqualTo(Outcome.TRUNCATED);
            assertThat(result.mismatch()).isEmpty();
        }
    }

    @Test
    void compare_exactlyMaxRows_isCompared() {
        CompareRules rules = CompareRules.builder().maxRows(3).build();

        assertThat(compare(rules, keyed(true, ROWS, ROWS)).outcome()).isEqualTo(Outcome.MATCH);
    }

    @Test
    void compare_orderedReordered_isMisplaced() {
        List<Object[]> other = List.of(ROWS.get(1), ROWS.get(0), ROWS.get(2));

        MismatchReport report = compare(CompareRules.defaults(), keyed(true, ROWS, other))
                .mismatch()
                .orElseThrow();

        assertThat(report.misplacedRows()).isEqualTo(2);
        assertThat(report.firstDifferenceRow()).isZero();
        assertThat(report.samples().get(0).otherKey()).isNotNull();
        assertThat(compare(CompareRules.defaults(), keyed(false, ROWS, other)).outcome())
                .isEqualTo(Outcome.MATCH);
    }

    @Test
    void compare_extraRow_reportsExtraWithItsIndex() {
        List<Object[]> other = new ArrayList<>(ROWS);
        other.add(row(4, "Dan", 1));

        for (boolean orderBy : new boolean[] {true, false}) {
            MismatchReport report = compare(CompareRules.defaults(), keyed(orderBy, ROWS, other))
                    .mismatch()
                    .orElseThrow();

            assertThat(report.extraRows()).isEqualTo(1);
            assertThat(report.samples()).singleElement().satisfies(s -> {
                assertThat(s.kind()).isEqualTo(Kind.EXTRA);
                assertThat(s.rowIndex()).isEqualTo(3);
            });
        }
    }

    @Test
    void compare_noKey_countsDuplicateRows() {
        List<Object[]> primary = List.of(row(1, "a", 1), row(1, "a", 1), row(2, "b", 2));
        List<Object[]> other = List.of(row(2, "b", 2), row(1, "a", 1), row(3, "c", 3));

        MismatchReport report = compare(
                        CompareRules.defaults(), Inputs.of(Inputs.COLUMNS, List.of(), false, primary, other))
                .mismatch()
                .orElseThrow();

        assertThat(report.missingRows()).isEqualTo(1);
        assertThat(report.extraRows()).isEqualTo(1);
        assertThat(report.changedRows()).isZero();
        assertThat(report.samples()).extracting(Sample::key).allMatch(k -> k.matches("row [0-9a-f]{16}"));
    }

    @Test
    void compare_keyNotInResult_comparesWithoutKey() {
        List<Object[]> other = List.of(ROWS.get(0), row(2, "Rob", new BigDecimal("3")), ROWS.get(2));

        MismatchReport report = compare(
                        CompareRules.defaults(), Inputs.of(Inputs.COLUMNS, List.of("customer_id"), false, ROWS, other))
                .mismatch()
                .orElseThrow();

        assertThat(report.missingRows()).isEqualTo(1);
        assertThat(report.extraRows()).isEqualTo(1);
    }

    @Test
    void compare_duplicateKeys_pairsEqualRowsFirst() {
        List<Object[]> primary = List.of(row(1, "a", 1), row(1, "b", 2));
        List<Object[]> other = List.of(row(1, "b", 2), row(1, "a", 1));

        assertThat(compare(CompareRules.defaults(), keyed(false, primary, other))
                        .outcome())
                .isEqualTo(Outcome.MATCH);
    }

    @Test
    void compare_manyDifferences_keepsMaxSamples() {
        List<Object[]> primary = new ArrayList<>();
        List<Object[]> other = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            primary.add(row(i, "p" + i, i));
            other.add(row(i, "o" + i, i));
        }

        MismatchReport report = compare(CompareRules.builder().maxSamples(3).build(), keyed(false, primary, other))
                .mismatch()
                .orElseThrow();

        assertThat(report.changedRows()).isEqualTo(50);
        assertThat(report.samples()).hasSize(3);
        assertThat(report.columnDifferences()).containsExactly(Map.entry("name", 50L));
    }

    @Test
    void compare_rowOfWrongWidth_isRejected() {
        List<Object[]> bad = List.<Object[]>of(row(1, "a"));

        assertThatThrownBy(() -> compare(CompareRules.defaults(), keyed(true, bad, bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("row 0 has 2 values, but there are 3 columns");
    }

    @Test
    void input_tables_areLowerCased() {
        ComparisonInput input = ComparisonInput.builder()
                .columns(List.of("a"), List.of("a"))
                .tables(Set.of("Customers"))
                .rows(unreadable(), unreadable())
                .build();

        assertThat(input.tables()).containsExactly("customers");
    }

    private static Iterator<Object[]> unreadable() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                throw new AssertionError("rows must not be read");
            }

            @Override
            public Object[] next() {
                throw new AssertionError("rows must not be read");
            }
        };
    }
}
