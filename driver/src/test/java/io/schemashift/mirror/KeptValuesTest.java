package io.schemashift.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.schemashift.rewriter.KeptAlike;
import io.schemashift.rewriter.KeptAlike.Measure;
import io.schemashift.rewriter.ParamSource;
import io.schemashift.rewriter.RoundedValues;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which written values two column types that round values apart store alike. */
class KeptValuesTest {

    private static final KeptAlike TWO_DECIMALS = new KeptAlike(Measure.DECIMALS, 2);
    private static final KeptAlike WHOLE_SECONDS = new KeptAlike(Measure.SECOND_FRACTIONS, 0);
    private static final KeptAlike MILLIS = new KeptAlike(Measure.SECOND_FRACTIONS, 3);
    private static final KeptAlike DAYS = new KeptAlike(Measure.WHOLE_DAYS, 0);

    @Test
    void decimals_aNumberWithinTheScaleBothKeep() {
        for (Object fits : List.of(new BigDecimal("19.99"), new BigDecimal("1.500000"), 7, 7L, 0.5, "2.25", " -3.1 ")) {
            assertThat(KeptValues.kept(TWO_DECIMALS, fits, true)).as("%s", fits).isTrue();
        }
        for (Object apart : List.of(new BigDecimal("1.23456"), 0.125, "1.001", "abc", true, new byte[] {1})) {
            assertThat(KeptValues.kept(TWO_DECIMALS, apart, true))
                    .as("%s", apart)
                    .isFalse();
        }
        assertThat(KeptValues.kept(TWO_DECIMALS, null, true))
                .as("NULL is stored alike")
                .isTrue();
    }

    @Test
    void secondFractions_aTimeWithinTheDigitsBothKeep() {
        assertThat(KeptValues.kept(WHOLE_SECONDS, Timestamp.valueOf("2024-01-01 10:00:00"), true))
                .isTrue();
        assertThat(KeptValues.kept(WHOLE_SECONDS, Timestamp.valueOf("2024-01-01 10:00:00.5"), true))
                .isFalse();
        assertThat(KeptValues.kept(MILLIS, Timestamp.valueOf("2024-01-01 10:00:00.123"), true))
                .isTrue();
        assertThat(KeptValues.kept(MILLIS, Timestamp.valueOf("2024-01-01 10:00:00.1234"), true))
                .isFalse();
        assertThat(KeptValues.kept(MILLIS, LocalDateTime.of(2024, 1, 1, 10, 0, 0, 123_000_000), true))
                .isTrue();
        assertThat(KeptValues.kept(WHOLE_SECONDS, LocalTime.of(10, 0, 0, 1), true))
                .isFalse();
        assertThat(KeptValues.kept(WHOLE_SECONDS, LocalDate.of(2024, 1, 1), true))
                .isTrue();
        assertThat(KeptValues.kept(MILLIS, "2024-01-01 10:00:00.120", true)).isTrue();
        assertThat(KeptValues.kept(MILLIS, "2024-01-01 10:00:00.654321", true)).isFalse();
        assertThat(KeptValues.kept(WHOLE_SECONDS, "2024-01-01", true)).isTrue();
        assertThat(KeptValues.kept(WHOLE_SECONDS, "tomorrow", true)).isFalse();
    }

    @Test
    void wholeDays_aDateOrMidnight() {
        assertThat(KeptValues.kept(DAYS, LocalDate.of(2024, 1, 1), true)).isTrue();
        assertThat(KeptValues.kept(DAYS, java.sql.Date.valueOf("2024-01-01"), true))
                .isTrue();
        assertThat(KeptValues.kept(DAYS, Timestamp.valueOf("2024-01-01 00:00:00"), true))
                .isTrue();
        assertThat(KeptValues.kept(DAYS, "2024-01-01 00:00:00", true)).isTrue();
        assertThat(KeptValues.kept(DAYS, Timestamp.valueOf("2024-01-01 10:00:00"), true))
                .isFalse();
        assertThat(KeptValues.kept(DAYS, "2024-01-01 10:00", true)).isFalse();
    }

    @Test
    void utcWallClock_aValueWithoutAnOffsetOfItsOwnWrittenInUtc() {
        KeptAlike micros = new KeptAlike(Measure.UTC_WALL_CLOCK, 6);
        for (Object alike : List.of(
                LocalDateTime.of(2024, 1, 1, 10, 0),
                OffsetDateTime.parse("2024-01-01T10:00:00+05:00"),
                LocalDate.of(2024, 1, 1),
                "2024-01-01 10:00:00",
                "2024-01-01 10:00:00.123456+00",
                "2024-01-01T10:00:00Z",
                "2024-01-01 10:00:00 UTC",
                "2024-01-01",
                "'2020-01-01 00:00:00+00'::timestamp with time zone",
                LocalTime.of(10, 0),
                OffsetTime.parse("10:00:00Z"),
                "10:00:00",
                "10:00:00+00")) {
            assertThat(KeptValues.kept(micros, alike, true))
                    .as("%s in UTC", alike)
                    .isTrue();
            assertThat(KeptValues.kept(micros, alike, false))
                    .as("%s in another zone", alike)
                    .isFalse();
        }
        for (Object apart : List.of(
                "2024-01-01 10:00:00+05",
                "2024-01-01T10:00:00-08:00",
                "2024-01-01 10:00:00 Asia/Tokyo",
                "2024-01-01 10:00:00.1234567",
                OffsetTime.parse("10:00:00+09:00"),
                "10:00:00+09",
                "infinity",
                new Object())) {
            assertThat(KeptValues.kept(micros, apart, true)).as("%s", apart).isFalse();
        }
        Timestamp bound = Timestamp.valueOf("2024-01-01 10:00:00");
        boolean jvmAtUtc =
                ZoneId.systemDefault().getRules().getOffset(bound.toInstant()).getTotalSeconds() == 0;
        assertThat(KeptValues.kept(micros, bound, true))
                .as("a Timestamp travels in the JVM's zone")
                .isEqualTo(jvmAtUtc);
        assertThat(KeptValues.kept(micros, null, false)).isTrue();
        assertThat(KeptValues.keptLiteral(micros, "'2020-01-01 00:00:00+09'::timestamp with time zone"))
                .as("a default fixed at another offset")
                .isFalse();
    }

    @Test
    void readsTheTimeZone_onlyForAWallClockBesideAnInstant() {
        List<List<ParamSource>> rows = List.of(List.of(new ParamSource.Bound(1)));
        assertThat(KeptValues.readsTheTimeZone(null)).isFalse();
        assertThat(KeptValues.readsTheTimeZone(new RoundedValues(List.of(MILLIS), rows)))
                .isFalse();
        assertThat(KeptValues.readsTheTimeZone(
                        new RoundedValues(List.of(new KeptAlike(Measure.UTC_WALL_CLOCK, 6)), rows)))
                .isTrue();
    }

    @Test
    void nothing_noValue() {
        assertThat(KeptValues.kept(KeptAlike.NOTHING, 0.5, true)).isFalse();
        assertThat(KeptValues.kept(KeptAlike.NOTHING, null, true)).isTrue();
    }

    @Test
    void allKept_everyValueOfEveryEntry() {
        RoundedValues rounded = new RoundedValues(
                List.of(TWO_DECIMALS, WHOLE_SECONDS),
                List.of(List.of(new ParamSource.Bound(1), new ParamSource.Now())));
        Timestamp wholeSecond = Timestamp.valueOf("2024-01-01 10:00:00");
        assertThat(KeptValues.allKept(rounded, Arrays.asList(params("1.5"), params("2")), wholeSecond, true))
                .isTrue();
        assertThat(KeptValues.allKept(rounded, Arrays.asList(params("1.5"), params("2.001")), wholeSecond, true))
                .as("one entry beyond")
                .isFalse();
        assertThat(KeptValues.allKept(
                        rounded, List.of(params("1.5")), Timestamp.valueOf("2024-01-01 10:00:00.000001"), true))
                .as("the captured instant's microseconds")
                .isFalse();
        assertThat(KeptValues.allKept(
                        new RoundedValues(List.of(TWO_DECIMALS), List.of(List.of(new ParamSource.Literal("'1.5'")))),
                        Arrays.asList((Params) null),
                        null,
                        true))
                .as("a literal, unquoted")
                .isTrue();
        assertThat(KeptValues.allKept(null, List.of(params("1.23456")), null, true))
                .isTrue();
    }

    private static Params params(String value) {
        Params p = new Params();
        p.set(1, new BigDecimal(value), (st, i, args) -> {}, new Object[] {1, value});
        return p;
    }

    @Test
    void capturedNow_inTheFractionalSecondsBothStampedTypesKeep() {
        KeptAlike seconds = new KeptAlike(Measure.SECOND_FRACTIONS, 0);
        KeptAlike millis = new KeptAlike(Measure.SECOND_FRACTIONS, 3);
        KeptAlike cents = new KeptAlike(Measure.DECIMALS, 2);
        ParamSource now = new ParamSource.Now();
        ParamSource bound = new ParamSource.Bound(1);
        List<Integer> stampedInMillis = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            assertThat(KeptValues.capturedNow(null).getNanos() % 1_000)
                    .as("microseconds")
                    .isZero();
            assertThat(KeptValues.capturedNow(new RoundedValues(List.of(seconds), List.of(List.of(now))))
                            .getNanos())
                    .as("whole seconds beside a DATETIME")
                    .isZero();
            stampedInMillis.add(KeptValues.capturedNow(
                            new RoundedValues(List.of(millis, seconds, cents), List.of(List.of(now, bound, now))))
                    .getNanos());
        }
        assertThat(stampedInMillis)
                .as("the digits of the columns it stamps (milliseconds); a bound value's column aside")
                .allMatch(n -> n % 1_000_000 == 0)
                .anyMatch(n -> n != 0);
    }
}
