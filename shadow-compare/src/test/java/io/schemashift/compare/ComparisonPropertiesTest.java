package io.schemashift.compare;

import static io.schemashift.compare.Inputs.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.compare.MismatchReport.Kind;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;

class ComparisonPropertiesTest {
    private static final List<String> COLUMNS = List.of("id", "name", "amount", "created");
    private static final String CANARY = "CANARY-7e3b";
    private static final long CANARY_NUMBER = 987_654_321L;

    @Provide
    Arbitrary<CompareRules> rules() {
        Arbitrary<CompareRules.Builder> base = Combinators.combine(
                        Arbitraries.of(OrderMode.class),
                        Arbitraries.of(TimestampPrecision.class),
                        Arbitraries.of(ValuesMode.class),
                        Arbitraries.of(true, false).list().ofSize(4),
                        Arbitraries.integers().between(1, 60),
                        Arbitraries.integers().between(0, 5))
                .as((order, precision, values, flags, maxRows, maxSamples) -> CompareRules.builder()
                        .orderMode(order)
                        .timestampPrecision(precision)
                        .values(values)
                        .normalizeNumericScale(flags.get(0))
                        .ignoreTrailingSpaces(flags.get(1))
                        .caseInsensitiveStrings(flags.get(2))
                        .emptyStringEqualsNull(flags.get(3))
                        .maxRows(maxRows)
                        .maxSamples(maxSamples));
        return base.map(CompareRules.Builder::build);
    }

    @Provide
    Arbitrary<List<Object[]>> rows() {
        Arbitrary<Object> amount = Arbitraries.oneOf(
                Arbitraries.integers().between(-1000, 1000).map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.bigDecimals().ofScale(2).map(d -> (Object) d),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.just(null));
        Arbitrary<String> name = Arbitraries.strings().ofMaxLength(12).injectNull(0.1);
        Arbitrary<LocalDateTime> created = Arbitraries.longs()
                .between(0, 4_000_000_000_000_000_000L)
                .map(n -> LocalDateTime.ofEpochSecond(n / 1_000_000_000, (int) (n % 1_000_000_000), ZoneOffset.UTC));
        Arbitrary<Object[]> row = Combinators.combine(name, amount, created).as((n, a, c) -> row(0, n, a, c));
        // ids are the positions, so keys are unique
        return row.list().ofMaxSize(40).map(list -> {
            for (int i = 0; i < list.size(); i++) {
                list.get(i)[0] = (long) i;
            }
            return list;
        });
    }

    @Property(tries = 200)
    void compare_streamWithItself_matchesUnderAnyRules(
            @ForAll("rows") List<Object[]> rows, @ForAll("rules") CompareRules rules, @ForAll boolean orderBy) {
        ComparisonResult result = compare(rules, orderBy, List.of("id"), rows, copy(rows));

        assertThat(result.outcome()).isEqualTo(rows.size() <= rules.maxRows() ? Outcome.MATCH : Outcome.TRUNCATED);
    }

    @Property(tries = 200)
    void compare_pastMaxRows_isTruncatedWithoutReport(
            @ForAll("rows") List<Object[]> rows, @ForAll @IntRange(min = 1, max = 20) int maxRows) {
        CompareRules rules = CompareRules.builder().maxRows(maxRows).build();
        List<Object[]> other = copy(rows);
        other.add(row(-1L, "extra", 1, null));

        ComparisonResult result = compare(rules, false, List.of("id"), rows, other);

        if (other.size() > maxRows) {
            assertThat(result.outcome()).isEqualTo(Outcome.TRUNCATED);
            assertThat(result.mismatch()).isEmpty();
        } else {
            assertThat(result.outcome()).isEqualTo(Outcome.MISMATCH);
        }
    }

    @Property(tries = 200)
    void compare_singleChangedValue_isFoundWithKeyAndColumn(
            @ForAll("rows") List<Object[]> rows,
            @ForAll @IntRange(max = 1000) int pick,
            @ForAll boolean changeName,
            @ForAll boolean orderBy,
            @ForAll OrderMode order) {
        if (rows.isEmpty()) {
            return;
        }
        int index = pick % rows.size();
        List<Object[]> other = copy(rows);
        Object[] changed = other.get(index);
        if (changeName) {
            changed[1] = changed[1] + "#";
        } else {
            changed[2] = changed[2] == null ? 1 : new BigDecimal(changed[2].toString()).add(BigDecimal.ONE);
        }
        CompareRules rules = plainRules(order);

        MismatchReport report =
                compare(rules, orderBy, List.of("id"), rows, other).mismatch().orElseThrow();

        String column = changeName ? "name" : "amount";
        assertThat(report.changedRows()).isEqualTo(1);
        assertThat(report.missingRows() + report.extraRows() + report.misplacedRows())
                .isZero();
        assertThat(report.columnDifferences()).containsExactly(Map.entry(column, 1L));
        assertThat(report.samples()).singleElement().satisfies(s -> {
            assertThat(s.key()).isEqualTo("id=" + index);
            assertThat(s.rowIndex()).isEqualTo(index);
            assertThat(s.columns()).singleElement().satisfies(c -> assertThat(c.column())
                    .isEqualTo(column));
        });
    }

    @Property(tries = 200)
    void compare_removedRow_isReportedMissingWithKey(
            @ForAll("rows") List<Object[]> rows, @ForAll @IntRange(max = 1000) int pick, @ForAll boolean orderBy) {
        if (rows.isEmpty()) {
            return;
        }
        int index = pick % rows.size();
        List<Object[]> other = copy(rows);
        other.remove(index);

        MismatchReport multiset = compare(plainRules(OrderMode.MULTISET), orderBy, List.of("id"), rows, other)
                .mismatch()
                .orElseThrow();
        MismatchReport ordered = compare(plainRules(OrderMode.ORDERED), orderBy, List.of("id"), rows, other)
                .mismatch()
                .orElseThrow();

        assertThat(multiset.missingRows()).isEqualTo(1);
        assertThat(multiset.samples()).singleElement().satisfies(s -> {
            assertThat(s.kind()).isEqualTo(Kind.MISSING);
            assertThat(s.key()).isEqualTo("id=" + index);
        });
        assertThat(ordered.firstDifferenceRow()).isEqualTo(index);
        assertThat(ordered.samples().get(0).key()).isEqualTo("id=" + index);
    }

    @Property(tries = 200)
    void compare_reordered_matchesAsMultisetOnly(
            @ForAll("rows") List<Object[]> rows, @ForAll boolean withKey, @ForAll long seed) {
        List<Object[]> shuffled = copy(rows);
        Collections.shuffle(shuffled, new Random(seed));
        List<String> key = withKey ? List.of("id") : List.of();
        boolean moved = false;
        for (int i = 0; i < rows.size(); i++) {
            moved |= !rows.get(i)[0].equals(shuffled.get(i)[0]);
        }

        assertThat(compare(CompareRules.defaults(), false, key, rows, shuffled).outcome())
                .isEqualTo(Outcome.MATCH);
        assertThat(compare(CompareRules.defaults(), true, key, rows, shuffled).outcome())
                .isEqualTo(moved ? Outcome.MISMATCH : Outcome.MATCH);
    }

    @Property(tries = 200)
    void compare_numericScale_isNormalized(
            @ForAll("decimals") BigDecimal value, @ForAll @IntRange(max = 6) int extraScale) {
        assertThat(compareOne(CompareRules.defaults(), value, value.setScale(value.scale() + extraScale)))
                .isEqualTo(Outcome.MATCH);
    }

    @Provide
    Arbitrary<BigDecimal> decimals() {
        return Arbitraries.bigDecimals().ofScale(3);
    }

    @Property(tries = 200)
    void compare_timestampsBelowPrecision_match(
            @ForAll @IntRange(min = 0, max = 2_000_000_000) int seconds,
            @ForAll @IntRange(max = 999_999_999) int nanos,
            @ForAll double fraction,
            @ForAll TimestampPrecision precision) {
        Instant t = Instant.ofEpochSecond(seconds, nanos);
        Instant floor = t.truncatedTo(precision.unit());
        long unitNanos = precision.unit().getDuration().toNanos();
        Instant sameUnit = floor.plusNanos((long) (Math.abs(fraction % 1) * (unitNanos - 1)));
        CompareRules rules =
                CompareRules.builder().timestampPrecision(precision).build();

        assertThat(compareOne(rules, t, sameUnit)).isEqualTo(Outcome.MATCH);
        assertThat(compareOne(rules, t, t.plus(1, precision.unit()))).isEqualTo(Outcome.MISMATCH);
        assertThat(compareOne(rules, LocalDateTime.ofInstant(t, ZoneOffset.UTC), sameUnit.atOffset(ZoneOffset.UTC)))
                .isEqualTo(Outcome.MATCH);
    }

    @Property(tries = 200)
    void compare_charPadding_isIgnoredByRule(
            @ForAll @StringLength(max = 20) String s, @ForAll @IntRange(min = 1, max = 10) int pad) {
        String padded = s + " ".repeat(pad);

        assertThat(compareOne(CompareRules.defaults(), padded, s)).isEqualTo(Outcome.MATCH);
        assertThat(compareOne(CompareRules.builder().ignoreTrailingSpaces(false).build(), padded, s))
                .isEqualTo(Outcome.MISMATCH);
    }

    @Property(tries = 200)
    void compare_caseInsensitive_isIgnoredByRule(@ForAll @AlphaChars @NumericChars @StringLength(max = 20) String s) {
        CompareRules rules = CompareRules.builder().caseInsensitiveStrings(true).build();
        String upper = s.toUpperCase(Locale.ROOT);
        String lower = s.toLowerCase(Locale.ROOT);

        assertThat(compareOne(rules, upper, lower)).isEqualTo(Outcome.MATCH);
        assertThat(compareOne(CompareRules.defaults(), upper, lower))
                .isEqualTo(upper.equals(lower) ? Outcome.MATCH : Outcome.MISMATCH);
    }

    @Property(tries = 200)
    void report_redactedOrOmitted_neverShowsCanaryValue(
            @ForAll("rows") List<Object[]> rows,
            @ForAll boolean redacted,
            @ForAll boolean withKey,
            @ForAll OrderMode order,
            @ForAll @IntRange(max = 3) int damage) {
        List<Object[]> primary = copy(rows);
        primary.add(row(CANARY_NUMBER, CANARY, CANARY_NUMBER, LocalDateTime.of(2024, 1, 1, 0, 0)));
        primary.add(row(CANARY, CANARY, CANARY, CANARY));
        List<Object[]> other = copy(primary);
        switch (damage) {
            case 0 -> other.get(other.size() - 1)[1] = CANARY + "!";
            case 1 -> other.remove(other.size() - 1);
            case 2 -> other.add(0, row(CANARY_NUMBER + 1, CANARY, CANARY_NUMBER, null));
            default -> other.get(other.size() - 2)[2] = CANARY_NUMBER + 1;
        }
        CompareRules rules = CompareRules.builder()
                .orderMode(order)
                .values(redacted ? ValuesMode.REDACTED : ValuesMode.OMITTED)
                .build();

        ComparisonResult result = compare(rules, false, withKey ? List.of("id") : List.of(), primary, other);

        MismatchReport report = result.mismatch().orElseThrow();
        List<String> texts = new ArrayList<>(List.of(result.toString(), report.toString(), report.summary()));
        report.samples().forEach(s -> texts.add(s.toString()));
        assertThat(texts).noneMatch(t -> t.contains("CANARY") || t.contains(Long.toString(CANARY_NUMBER)));
    }

    private static CompareRules plainRules(OrderMode order) {
        return CompareRules.builder().orderMode(order).values(ValuesMode.PLAIN).build();
    }

    private static Outcome compareOne(CompareRules rules, Object a, Object b) {
        return compare(
                        rules,
                        false,
                        List.of("id"),
                        List.<Object[]>of(row(1, a, null, null)),
                        List.<Object[]>of(row(1, b, null, null)))
                .outcome();
    }

    private static ComparisonResult compare(
            CompareRules rules, boolean orderBy, List<String> key, List<Object[]> primary, List<Object[]> other) {
        return ShadowComparator.create(rules)
                .compare(ComparisonInput.builder()
                        .columns(COLUMNS, COLUMNS)
                        .key(key)
                        .tables(Set.of("customers"))
                        .orderBy(orderBy)
                        .rows(primary.iterator(), other.iterator())
                        .build());
    }

    private static List<Object[]> copy(List<Object[]> rows) {
        List<Object[]> copy = new ArrayList<>();
        rows.forEach(r -> copy.add(r.clone()));
        return copy;
    }
}
