package io.schemashift.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one log line per period for a stream of events, each line saying how many events it
 * stands for: a flood of mirror failures or mismatches must not flood the application's log.
 * Thread-safe and lock-free.
 */
public final class LogThrottle {

    private final long periodNanos;
    private final AtomicLong lastLine;
    private final AtomicLong events = new AtomicLong();

    public LogThrottle(Duration period) {
        this.periodNanos = period.toNanos();
        this.lastLine = new AtomicLong(System.nanoTime() - periodNanos);
    }

    /** Counts one event; returns the events since the last line when a line is due now, else 0. */
    public long event() {
        events.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLine.get();
        if (now - last >= periodNanos && lastLine.compareAndSet(last, now)) {
            return events.getAndSet(0);
        }
        return 0;
    }
}
