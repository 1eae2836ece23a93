package io.schemashift.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShadowExecutorTest {

    @Test
    void runsEveryJobItTook() {
        ShadowExecutor executor = new ShadowExecutor("test-runs", 2, 100);
        AtomicInteger ran = new AtomicInteger();
        int taken = 0;
        for (int i = 0; i < 100; i++) {
            taken += executor.offer(ran::incrementAndGet) ? 1 : 0;
        }
        int expected = taken;
        await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == expected && !executor.busy());
        assertThat(taken).as("100 jobs fit in 2 threads + a queue of 100").isEqualTo(100);
        executor.shutdown(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void holdsAtMostThreadsPlusQueue_refusesTheRest_andTakesAgainOnceFree() throws InterruptedException {
        ShadowExecutor executor = new ShadowExecutor("test-bound", 1, 2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        assertThat(executor.offer(() -> {
                    running.countDown();
                    awaitQuietly(release);
                }))
                .isTrue();
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(executor.offer(() -> {})).isTrue();
        assertThat(executor.offer(() -> {})).isTrue();
        assertThat(executor.offer(() -> {}))
                .as("a fourth job with 1 thread and a queue of 2")
                .isFalse();
        assertThat(executor.waiting()).isEqualTo(2);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> !executor.busy());
        assertThat(executor.waiting()).isZero();
        assertThat(executor.offer(() -> {})).isTrue();
        executor.shutdown(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void queueZero_takesOnlyWhatTheThreadsCanRun() throws InterruptedException {
        ShadowExecutor executor = new ShadowExecutor("test-zero", 1, 0);
        CountDownLatch release = new CountDownLatch(1);
        assertThat(executor.offer(() -> awaitQuietly(release))).isTrue();
        assertThat(executor.offer(() -> {})).isFalse();
        release.countDown();
        executor.shutdown(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void aWorkerStuckInASlowComparison_doesNotHoldUpTheOthers() throws InterruptedException {
        ShadowExecutor executor = new ShadowExecutor("test-stuck", 2, 10);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        executor.offer(() -> awaitQuietly(release));
        executor.offer(second::countDown);
        assertThat(second.await(5, TimeUnit.SECONDS))
                .as("the second comparison ran while the first was stuck")
                .isTrue();
        release.countDown();
        executor.shutdown(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void aFailingJob_doesNotStopTheWorker() {
        ShadowExecutor executor = new ShadowExecutor("test-fail", 1, 10);
        AtomicInteger ran = new AtomicInteger();
        executor.offer(() -> {
            throw new IllegalStateException("a bug in a comparison");
        });
        executor.offer(ran::incrementAndGet);
        await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 1 && !executor.busy());
        executor.shutdown(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void shutdown_finishesTheJobsInHand_thenRefuses() {
        ShadowExecutor executor = new ShadowExecutor("test-shutdown", 1, 10);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 5; i++) {
            executor.offer(ran::incrementAndGet);
        }
        executor.shutdown(TimeUnit.SECONDS.toNanos(5));
        assertThat(ran).hasValue(5);
        assertThat(executor.busy()).isFalse();
        assertThat(executor.offer(ran::incrementAndGet)).isFalse();
    }

    @Test
    void startsNoThreadUntilTheFirstJob() {
        String name = "test-lazy-" + System.nanoTime();
        ShadowExecutor executor = new ShadowExecutor(name, 2, 10);
        assertThat(threadsNamed(name)).isZero();
        executor.offer(() -> {});
        assertThat(threadsNamed(name)).isEqualTo(2);
        executor.shutdown(TimeUnit.SECONDS.toNanos(1));
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
                .count();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
