package io.schemashift.backfill.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThrottleTest {

    private final List<Long> sleeps = new ArrayList<>();

    @Test
    void rate_fastBatches_sleepUntilDue() throws Exception {
        Throttle t = new Throttle(1000, 0, sleeps::add);
        t.start(0);
        t.afterBatch(500, 1_000_000, 100_000_000L); // 500 rows at 1000/s are due at 0.5 s
        assertThat(sleeps).containsExactly(400_000_000L);
        assertThat(t.pacedNanos()).isEqualTo(400_000_000L);
    }

    @Test
    void rate_slowBatches_noSleep() throws Exception {
        Throttle t = new Throttle(1000, 0, sleeps::add);
        t.start(0);
        t.afterBatch(500, 1_000_000, 600_000_000L);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void backoff_readSlowerThanFactorTimesBaseline_sleepsProportionally() throws Exception {
        Throttle t = new Throttle(0, 3, sleeps::add);
        t.start(0);
        for (int i = 0; i < Throttle.BASELINE_SAMPLES; i++) {
            t.afterBatch(100, 2_000_000, 0); // baseline 2 ms
        }
        t.afterBatch(100, 5_000_000, 0); // 2.5x: fine
        assertThat(sleeps).isEmpty();
        t.afterBatch(100, 10_000_000, 0); // 5x: sleep 10 ms * 5 = 50 ms
        assertThat(sleeps).containsExactly(50_000_000L);
        t.afterBatch(100, 2_000_000_000L, 0); // 1000x: capped
        assertThat(sleeps).last().isEqualTo(Throttle.MAX_BACKOFF_MILLIS * 1_000_000);
    }

    @Test
    void backoff_off_neverSleeps() throws Exception {
        Throttle t = new Throttle(0, 0, sleeps::add);
        for (int i = 0; i < 20; i++) {
            t.afterBatch(100, i == 19 ? 1_000_000_000L : 1_000_000L, 0);
        }
        assertThat(sleeps).isEmpty();
    }
}
