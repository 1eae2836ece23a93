package io.schemashift.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CompareRulesTest {

    @Test
    void defaults_areDocumentedValues() {
        CompareRules rules = CompareRules.defaults();

        assertThat(rules.orderMode()).isEqualTo(OrderMode.AUTO);
        assertThat(rules.normalizeNumericScale()).isTrue();
        assertThat(rules.timestampPrecision()).isEqualTo(TimestampPrecision.MICROS);
        assertThat(rules.timeZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(rules.ignoreTrailingSpaces()).isTrue();
        assertThat(rules.caseInsensitiveStrings()).isFalse();
        assertThat(rules.emptyStringEqualsNull()).isFalse();
        assertThat(rules.maxRows()).isEqualTo(10_000);
        assertThat(rules.values()).isEqualTo(ValuesMode.REDACTED);
        assertThat(rules.maxSamples()).isEqualTo(10);
        assertThat(rules.redactionKey()).isNull();
    }

    @Test
    void maxRows_notPositive_isRejectedAtOnce() {
        assertThatThrownBy(() -> CompareRules.builder().maxRows(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRows must be positive, was 0");
    }

    @Test
    void maxSamples_negative_isRejectedAtOnce() {
        assertThatThrownBy(() -> CompareRules.builder().maxSamples(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxSamples must not be negative, was -1");
    }

    @Test
    void ignore_blankOrDangling_isRejected() {
        assertThatThrownBy(() -> CompareRules.builder().ignore(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ignored column must be 'column' or 'table.column'");
        assertThatThrownBy(() -> CompareRules.builder().ignore("customers."))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ignore_mixedCase_isStoredLowerCase() {
        CompareRules rules =
                CompareRules.builder().ignore("Customers.Updated_At", "VERSION").build();

        assertThat(rules.ignoredColumns()).containsExactlyInAnyOrder("customers.updated_at", "version");
    }

    @Test
    void redactionKey_tooShort_isRejected() {
        assertThatThrownBy(() -> CompareRules.builder().redactionKey("short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("redactionKey must be at least 16 bytes");
    }

    @Test
    void toString_configuredKey_isMasked() {
        CompareRules rules =
                CompareRules.builder().redactionKey("a-very-secret-key-123").build();

        assertThat(rules.toString()).doesNotContain("a-very-secret-key-123").contains("redactionKey=****");
    }

    @Test
    void ordered_eachMode_followsOrderBy() {
        assertThat(CompareRules.defaults().ordered(true)).isTrue();
        assertThat(CompareRules.defaults().ordered(false)).isFalse();
        CompareRules multiset =
                CompareRules.builder().orderMode(OrderMode.MULTISET).build();
        assertThat(multiset.ordered(true)).isFalse();
        CompareRules ordered =
                CompareRules.builder().orderMode(OrderMode.ORDERED).build();
        assertThat(ordered.ordered(false)).isTrue();
    }

    @Test
    void toBuilder_roundTrip_isEqual() {
        CompareRules rules = CompareRules.builder()
                .ignore("x")
                .orderMode(OrderMode.MULTISET)
                .caseInsensitiveStrings(true)
                .maxRows(5)
                .values(ValuesMode.PLAIN)
                .build();

        assertThat(rules.toBuilder().build()).isEqualTo(rules);
    }
}
