package io.schemashift.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.schemashift.metrics.ShiftMetrics;
import org.junit.jupiter.api.Test;

class ShadowMetricsTest {

    @Test
    void fingerprintTag_pastTheLimit_other() {
        ShadowMetrics metrics = new ShadowMetrics(new ShiftMetrics(new SimpleMeterRegistry(), "m"), () -> 0);
        for (int i = 0; i < ShadowMetrics.FINGERPRINT_TAGS; i++) {
            assertThat(metrics.fingerprintTag("fp" + i)).isEqualTo("fp" + i);
        }
        assertThat(metrics.fingerprintTag("late")).isEqualTo(ShadowMetrics.OTHER);
        assertThat(metrics.fingerprintTag("fp3"))
                .as("a known shape keeps its tag")
                .isEqualTo("fp3");
    }

    @Test
    void outcome_countedByOutcomeTableFingerprint_mismatchInHeartbeatTotal() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ShiftMetrics shift = new ShiftMetrics(registry, "m");
        ShadowMetrics metrics = new ShadowMetrics(shift, () -> 7);
        metrics.outcome(ShadowOutcome.MISMATCH, "customers", "abc");
        metrics.outcome(ShadowOutcome.MISMATCH, "customers", "abc");
        metrics.skipped(SkipReason.PARTIAL_READ, "customers", "abc");
        assertThat(registry.get(ShadowMetrics.COMPARISONS)
                        .tags("migration", "m", "outcome", "mismatch", "table", "customers", "fingerprint", "abc")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get(ShadowMetrics.COMPARISONS)
                        .tags("outcome", "skipped")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get(ShadowMetrics.SKIPS)
                        .tags("reason", "partial_read", "table", "customers")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get(ShadowMetrics.QUEUE_DEPTH).gauge().value()).isEqualTo(7);
        assertThat(shift.totals().mismatches()).isEqualTo(2);
    }
}
