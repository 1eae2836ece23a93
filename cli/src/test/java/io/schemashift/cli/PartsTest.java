package io.schemashift.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.schemashift.config.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The small pieces: JSON, durations, ages, redaction, converters. */
class PartsTest {

    @Test
    void json_escapesAndKeepsOrder() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("b", "quote \" back \\ nl \n tab \t ctl \u0001");
        doc.put("a", Arrays.asList(1, 2.5, true, null));
        doc.put("at", Instant.parse("2030-01-02T03:04:05.678Z"));
        assertThat(Json.write(doc))
                .isEqualTo("{\"b\":\"quote \\\" back \\\\ nl \\n tab \\t ctl \\u0001\",\"a\":[1,2.5,true,null],"
                        + "\"at\":\"2030-01-02T03:04:05.678Z\"}");
        assertThat(Json.write(List.of())).isEqualTo("[]");
    }

    @Test
    void window_parsesUnits_rejectsOthers() {
        Converters.Window w = new Converters.Window();
        assertThat(w.convert("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(w.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(w.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(w.convert("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(w.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        for (String bad : List.of("15", "0m", "-1m", "1w", "m")) {
            assertThatThrownBy(() -> w.convert(bad))
                    .isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("write e.g. 30s, 15m");
        }
    }

    @Test
    void converters_checkRanges() {
        assertThat(new Converters.Percent().convert("0")).isZero();
        assertThat(new Converters.Percent().convert("100")).isEqualTo(100);
        assertThatThrownBy(() -> new Converters.Count().convert("-1")).hasMessageContaining("0 or more");
        assertThatThrownBy(() -> new Converters.Limit().convert("0")).hasMessageContaining("from 1 to 10000");
        assertThat(new Converters.PhaseName().convert("Dual_Write")).isEqualTo(Phase.DUAL_WRITE);
    }

    @Test
    void text_agesAndWindows() {
        assertThat(Text.age(Duration.ofSeconds(-3))).isEqualTo("0s");
        assertThat(Text.age(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(Text.age(Duration.ofSeconds(125))).isEqualTo("2m05s");
        assertThat(Text.age(Duration.ofMinutes(192))).isEqualTo("3h12m");
        assertThat(Text.age(Duration.ofHours(52))).isEqualTo("2d04h");
        assertThat(Text.window(Duration.ofMinutes(15))).isEqualTo("15m");
        assertThat(Text.window(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Text.window(Duration.ofHours(24))).isEqualTo("1d");
    }

    @Test
    void redaction_oneLineWithoutSecrets() {
        assertThat(Redaction.oneLine("failed: pw hunter2 and password=abc&x=1\nsecond line", "hunter2"))
                .isEqualTo("failed: pw **** and password=****&x=1");
        assertThat(Redaction.oneLine("user=a;PASSWORD = xyz;", null)).isEqualTo("user=a;PASSWORD = ****;");
    }
}
