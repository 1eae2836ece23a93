package io.schemashift.backfill.internal;

import java.util.Arrays;

/**
 * Paces a job that reads the primary in batches. Two brakes, both optional:
 *
 * <ul>
 *   <li>Rate: after each batch, sleeps until {@code rows / rowsPerSecond} seconds have passed
 *       since the start, so the average never exceeds the rate (short bursts are fine).
 *   <li>Latency back-off: the median read time of the first {@value #BASELINE_SAMPLES} batches is
 *       the baseline. When a later read takes more than {@code factor ×} the baseline, the
 *       primary is under pressure: sleep {@code readTime × readTime / baseline} (at most {@value
 *       #MAX_BACKOFF_MILLIS} ms), so the pause grows with how bad it is.
 * </ul>
 *
 * Not thread-safe: one per running job.
 */
public final class Throttle {

    static final int BASELINE_SAMPLES = 10;
    static final long MAX_BACKOFF_MILLIS = 10_000;

    /** Sleeps; replaceable in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final double rowsPerSecond;
    private final double backoffFactor;
    private final Sleeper sleeper;
    private final long[] samples = new long[BASELINE_SAMPLES];
    private int sampleCount;
    private long baselineNanos;
    private long startNanos = -1;
    private long rows;
    private long pacedNanos;
    private long backoffNanos;

    /**
     * @param rowsPerSecond the average rate not to exceed; 0 for no limit
     * @param backoffFactor back off when a read is this many times slower than the baseline; 0 for
     *     never
     */
    public Throttle(double rowsPerSecond, double backoffFactor, Sleeper sleeper) {
        this.rowsPerSecond = rowsPerSecond;
        this.backoffFactor = backoffFactor;
        this.sleeper = sleeper;
    }

    public Throttle(double rowsPerSecond, double backoffFactor) {
        this(rowsPerSecond, backoffFactor, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    /**
     * @return {@code rate}
     * @throws IllegalArgumentException unless {@code rate} is 0 (no limit) or a finite positive number
     */
    public static double checkRate(double rate) {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rows per second must be 0 (no limit) or positive, not " + rate);
        }
        return rate;
    }

    /**
     * @return {@code factor}
     * @throws IllegalArgumentException unless {@code factor} is 0 (off) or a finite number above 1
     */
    public static double checkBackoff(double factor) {
        if (!(factor == 0 || factor > 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("latency back-off factor must be 0 (off) or above 1, not " + factor);
        }
        return factor;
    }

    /** Call once before the first batch. */
    public void start(long nowNanos) {
        startNanos = nowNanos;
    }

    /**
     * Accounts for one batch and sleeps as needed.
     *
     * @param batchRows rows the batch handled
     * @param readNanos how long the batch's read on the primary took
     * @param nowNanos {@link System#nanoTime()} after the batch
     */
    public void afterBatch(long batchRows, long readNanos, long nowNanos) throws InterruptedException {
        if (startNanos < 0) {
            startNanos = nowNanos;
        }
        rows += batchRows;
        long backoff = backoff(readNanos);
        if (backoff > 0) {
            backoffNanos += backoff;
            sleeper.sleep(backoff);
            nowNanos += backoff;
        }
        if (rowsPerSecond > 0) {
            long due = startNanos + (long) (rows / rowsPerSecond * 1e9);
            if (due > nowNanos) {
                pacedNanos += due - nowNanos;
                sleeper.sleep(due - nowNanos);
            }
        }
    }

    private long backoff(long readNanos) {
        if (backoffFactor <= 0) {
            return 0;
        }
        if (sampleCount < BASELINE_SAMPLES) {
            samples[sampleCount++] = readNanos;
            if (sampleCount == BASELINE_SAMPLES) {
                long[] sorted = samples.clone();
                Arrays.sort(sorted);
                baselineNanos = Math.max(1, sorted[BASELINE_SAMPLES / 2]);
            }
            return 0;
        }
        if (readNanos <= backoffFactor * baselineNanos) {
            return 0;
        }
        double pause = (double) readNanos * readNanos / baselineNanos;
        return (long) Math.min(pause, MAX_BACKOFF_MILLIS * 1_000_000d);
    }

    /** Time slept to keep to the rate, in nanoseconds. */
    public long pacedNanos() {
        return pacedNanos;
    }

    /** Time slept backing off from a slow primary, in nanoseconds. */
    public long backoffNanos() {
        return backoffNanos;
    }
}
