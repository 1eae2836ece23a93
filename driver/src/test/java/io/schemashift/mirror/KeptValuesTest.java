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
            assertThat(KeptValues.kept(TWO_DECIMALS, fits)).as("%s", fits).isTrue();
        }
        for (Object apart : List.of(new BigDecimal("1.23456"), 0.125, "1.001", "abc", true, new byte[] {1})) {
            assertThat(KeptValues.kept(TWO_DECIMALS, apart)).as("%s", apart).isFalse();
        }
        assertThat(KeptValues.kept(TWO_DECIMALS, null))
                .as("NULL is stored alike")
                .isTrue();
    }

    @Test
    void secondFractions_aTimeWithinTheDigitsBothKeep() {
        assertThat(KeptValues.kept(WHOLE_SECONDS, Timestamp.valueOf("2024-01-01 10:00:00")))
                .isTrue();
        assertThat(KeptValues.kept(WHOLE_SECONDS, Timestamp.valueOf("2024-01-01 10:00:00.5")))
                .isFalse();
        assertThat(KeptValues.kept(MILLIS, Timestamp.valueOf("2024-01-01 10:00:00.123")))
                .isTrue();
        assertThat(KeptValues.kept(MILLIS, Timestamp.valueOf("2024-01-01 10:00:00.1234")))
                .isFalse();
        assertThat(KeptValues.kept(MILLIS, LocalDateTime.of(2024, 1, 1, 10, 0, 0, 123_000_000)))
                .isTrue();
        assertThat(KeptValues.kept(WHOLE_SECONDS, LocalTime.of(10, 0, 0, 1))).isFalse();
        assertThat(KeptValues.kept(WHOLE_SECONDS, LocalDate.of(2024, 1, 1))).isTrue();
        assertThat(KeptValues.kept(MILLIS, "2024-01-01 10:00:00.120")).isTrue();
        assertThat(KeptValues.kept(MILLIS, "2024-01-01 10:00:00.654321")).isFalse();
        assertThat(KeptValues.kept(WHOLE_SECONDS, "2024-01-01")).isTrue();
        assertThat(KeptValues.kept(WHOLE_SECONDS, "tomorrow")).isFalse();
    }

    @Test
    void wholeDays_aDateOrMidnight() {
        assertThat(KeptValues.kept(DAYS, LocalDate.of(2024, 1, 1))).isTrue();
        assertThat(KeptValues.kept(DAYS, java.sql.Date.valueOf("2024-01-01"))).isTrue();
        assertThat(KeptValues.kept(DAYS, Timestamp.valueOf("2024-01-01 00:00:00")))
                .isTrue();
        assertThat(KeptValues.kept(DAYS, "2024-01-01 00:00:00")).isTrue();
        assertThat(KeptValues.kept(DAYS, Timestamp.valueOf("2024-01-01 10:00:00")))
                .isFalse();
        assertThat(KeptValues.kept(DAYS, "2024-01-01 10:00")).isFalse();
    }

    @Test
    void nothing_noValue() {
        assertThat(KeptValues.kept(KeptAlike.NOTHING, 0.5)).isFalse();
        assertThat(KeptValues.kept(KeptAlike.NOTHING, null)).isTrue();
    }

    @Test
    void allKept_everyValueOfEveryEntry() {
        RoundedValues rounded = new RoundedValues(
                List.of(TWO_DECIMALS, WHOLE_SECONDS),
                List.of(List.of(new ParamSource.Bound(1), new ParamSource.Now())));
        Timestamp wholeSecond = Timestamp.valueOf("2024-01-01 10:00:00");
        assertThat(KeptValues.allKept(rounded, Arrays.asList(params("1.5"), params("2")), wholeSecond))
                .isTrue();
        assertThat(KeptValues.allKept(rounded, Arrays.asList(params("1.5"), params("2.001")), wholeSecond))
                .as("one entry beyond")
                .isFalse();
        assertThat(KeptValues.allKept(rounded, List.of(params("1.5")), Timestamp.valueOf("2024-01-01 10:00:00.000001")))
                .as("the captured instant's microseconds")
                .isFalse();
        assertThat(KeptValues.allKept(
                        new RoundedValues(List.of(TWO_DECIMALS), List.of(List.of(new ParamSource.Literal("'1.5'")))),
                        Arrays.asList((Params) null),
                        null))
                .as("a literal, unquoted")
                .isTrue();
        assertThat(KeptValues.allKept(null, List.of(params("1.23456")), null)).isTrue();
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
