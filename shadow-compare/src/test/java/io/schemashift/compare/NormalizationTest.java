package io.schemashift.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each case: two values of one column, the rules, and whether they must compare equal. */
class NormalizationTest {
    private static final Instant T = Instant.parse("2024-03-01T10:15:30.123456789Z");

    static Stream<Arguments> cases() {
        UnaryOperator<CompareRules.Builder> defaults = b -> b;
        return Stream.of(
                equal("numeric scale 1.50 vs 1.5", new BigDecimal("1.50"), new BigDecimal("1.5"), defaults),
                differ(
                        "numeric scale kept when off",
                        new BigDecimal("1.50"),
                        new BigDecimal("1.5"),
                        b -> b.normalizeNumericScale(false)),
                equal("Integer vs Long", 42, 42L, defaults),
                equal("Long vs BigDecimal 42.00", 42L, new BigDecimal("42.00"), defaults),
                equal("Double vs BigDecimal", 1.5d, new BigDecimal("1.50"), defaults),
                equal("Float vs Double", 0.1f, 0.1d, defaults),
                equal("BigInteger vs Long", BigInteger.valueOf(7), 7L, defaults),
                equal("100 vs 1E+2", 100, new BigDecimal("1E+2"), defaults),
                differ("1 vs 2", 1, 2, defaults),
                differ("string '1' vs number 1", "1", 1, defaults),
                differ("boolean true vs number 1", true, 1, defaults),
                equal(
                        "timestamps below millis",
                        T,
                        T.plusNanos(400_000),
                        b -> b.timestampPrecision(TimestampPrecision.MILLIS)),
                differ(
                        "timestamps a milli apart",
                        T,
                        T.plusMillis(1),
                        b -> b.timestampPrecision(TimestampPrecision.MILLIS)),
                differ(
                        "timestamps below millis at nanos",
                        T,
                        T.plusNanos(1),
                        b -> b.timestampPrecision(TimestampPrecision.NANOS)),
                equal(
                        "timestamps below seconds",
                        T,
                        T.plusMillis(500),
                        b -> b.timestampPrecision(TimestampPrecision.SECONDS)),
                equal(
                        "LocalDateTime in the zone vs OffsetDateTime",
                        LocalDateTime.of(2024, 3, 1, 11, 15, 30),
                        OffsetDateTime.of(2024, 3, 1, 10, 15, 30, 0, ZoneOffset.UTC),
                        b -> b.timeZone(ZoneId.of("Europe/Paris"))),
                differ(
                        "LocalDateTime in another zone",
                        LocalDateTime.of(2024, 3, 1, 11, 15, 30),
                        OffsetDateTime.of(2024, 3, 1, 10, 15, 30, 0, ZoneOffset.UTC),
                        defaults),
                equal(
                        "java.util.Date vs Instant",
                        Date.from(T),
                        T,
                        b -> b.timestampPrecision(TimestampPrecision.MILLIS)),
                differ(
                        "LocalDate vs LocalDateTime at midnight",
                        LocalDate.of(2024, 1, 1),
                        LocalDateTime.of(2024, 1, 1, 0, 0),
                        defaults),
                equal("LocalTime below micros", LocalTime.of(1, 2, 3, 4_000), LocalTime.of(1, 2, 3, 4_999), defaults),
                equal("CHAR padding 'ab  ' vs 'ab'", "ab  ", "ab", defaults),
                differ("padding kept when off", "ab  ", "ab", b -> b.ignoreTrailingSpaces(false)),
                differ("leading spaces always count", "  ab", "ab", defaults),
                equal("'ABC' vs 'abc' case-insensitive", "ABC", "abc", b -> b.caseInsensitiveStrings(true)),
                differ("'ABC' vs 'abc' by default", "ABC", "abc", defaults),
                equal("null vs null", null, null, defaults),
                differ("null vs empty string", null, "", defaults),
                equal("null vs empty string when equal", null, "", b -> b.emptyStringEqualsNull(true)),
                equal("null vs blank CHAR when empty is null", null, "   ", b -> b.emptyStringEqualsNull(true)),
                equal(
                        "UUID vs its text",
                        UUID.fromString("0b7e1cc4-35a3-4b4e-9d0c-5c5a0ec0e2c1"),
                        "0b7e1cc4-35a3-4b4e-9d0c-5c5a0ec0e2c1",
                        defaults),
                equal("bytes by content", new byte[] {1, 2}, new byte[] {1, 2}, defaults),
                differ("bytes by content", new byte[] {1, 2}, new byte[] {1, 3}, defaults),
                equal("NaN vs NaN", Double.NaN, Double.NaN, defaults),
                equal("arrays element-wise", new Object[] {1, "a "}, new Object[] {1L, "a"}, defaults));
    }

    private static Arguments equal(String name, Object a, Object b, UnaryOperator<CompareRules.Builder> rules) {
        return Arguments.of(name, a, b, rules, true);
    }

    private static Arguments differ(String name, Object a, Object b, UnaryOperator<CompareRules.Builder> rules) {
        return Arguments.of(name, a, b, rules, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void compare_normalizedValues_matchAsExpected(
            String name, Object a, Object b, UnaryOperator<CompareRules.Builder> rules, boolean equal) {
        CompareRules r = rules.apply(CompareRules.builder()).build();
        List<Object[]> primary = List.<Object[]>of(Inputs.row(1, a, null));
        List<Object[]> other = List.<Object[]>of(Inputs.row(1, b, null));

        ComparisonResult result = Inputs.compare(r, Inputs.keyed(false, primary, other));

        assertThat(result.outcome()).as(name).isEqualTo(equal ? Outcome.MATCH : Outcome.MISMATCH);
        if (!equal) {
            assertThat(result.mismatch().orElseThrow().columnDifferences()).containsExactly(Map.entry("name", 1L));
        }
    }
}
