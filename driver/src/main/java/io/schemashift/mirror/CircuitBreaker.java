package io.schemashift.mirror;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Stops calling a failing new side, so that the application does not pay the mirror budget on
 * every statement. Closed: every call goes through; after {@code failures} consecutive failures
 * it opens and refuses calls for {@code cooldown}; then one probe call is let through
 * (half-open), whose outcome closes or re-opens it. Thread-safe and lock-free.
 */
public final class CircuitBreaker {

    /** The breaker's state; {@link #ordinal()} is the value of the state gauge. */
    public enum State {
        CLOSED,
        HALF_OPEN,
        OPEN
    }

    private final int failures;
    private final long cooldownNanos;
    private final LongSupplier clock;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong openedAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicInteger probing = new AtomicInteger();

    public CircuitBreaker(int failures, Duration cooldown, LongSupplier nanoClock) {
        if (failures < 1) {
            throw new IllegalArgumentException("breaker failures must be at least 1");
        }
        this.failures = failures;
        this.cooldownNanos = cooldown.toNanos();
        this.clock = nanoClock;
    }

    /** Whether a call may go to the protected side now. */
    public boolean allow() {
        long opened = openedAt.get();
        if (opened == Long.MIN_VALUE) {
            return true;
        }
        if (clock.getAsLong() - opened < cooldownNanos) {
            return false;
        }
        return probing.compareAndSet(0, 1); // one probe at a time while half-open
    }

    public void success() {
        consecutiveFailures.set(0);
        openedAt.set(Long.MIN_VALUE);
        probing.set(0);
    }

    public void failure() {
        if (probing.get() == 1 || consecutiveFailures.incrementAndGet() >= failures) {
            openedAt.set(clock.getAsLong());
            probing.set(0);
        }
    }

    public State state() {
        long opened = openedAt.get();
        if (opened == Long.MIN_VALUE) {
            return State.CLOSED;
        }
        return clock.getAsLong() - opened < cooldownNanos ? State.OPEN : State.HALF_OPEN;
    }
}
