package io.schemashift.shadow;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded executor of the shadow comparisons: at most {@code threads + queue} comparisons in hand (running or
 * waiting), the rest refused, and worker threads that look for work on a short tick instead of being woken for each
 * comparison.
 *
 * <p>Why not a {@code ThreadPoolExecutor}: its {@code execute} wakes a parked worker, and the waker pays for it, a
 * futex call and, on a virtual machine, an inter-processor interrupt. On the application's thread after every
 * shadowed read, that was the larger part of what shadow reads cost the application in the macro harness on 2 vCPUs
 * (docs/performance.md). So the application's thread only ever adds to a lock-free queue here. The first worker
 * looks for work every {@link #TICK_NANOS} while there is some and every {@link #IDLE_TICK_NANOS} after a quiet
 * second; the other workers are helpers that look every {@link #IDLE_TICK_NANOS} and take a comparison only when the
 * first worker has left it waiting longer than a tick (stuck in a slow shadow query, or behind). An idle driver costs
 * a few wake-ups a second, and a comparison starts at most a tick late (an idle tick after a pause). Thread-safe.
 */
final class ShadowExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowExecutor.class);

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    static final long IDLE_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final int threads;
    private final int limit;
    private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inHand = new AtomicInteger();
    private final Thread[] workers;
    private volatile boolean started;
    private volatile boolean shutDown;

    /**
     * @param name the worker threads' name prefix
     * @param threads worker threads, started on the first {@link #offer}
     * @param queue comparisons that may wait beyond those the threads run
     */
    ShadowExecutor(String name, int threads, int queue) {
        this.name = name;
        this.threads = threads;
        this.limit = threads + queue;
        this.workers = new Thread[threads];
    }

    /** Takes {@code job} unless {@code threads + queue} are already in hand or the executor is shut down. */
    boolean offer(Runnable job) {
        if (shutDown) {
            return false;
        }
        if (inHand.incrementAndGet() > limit) {
            inHand.decrementAndGet();
            return false;
        }
        if (!started) {
            start();
        }
        waiting.add(new Waiting(job, System.nanoTime()));
        return true;
    }

    private synchronized void start() {
        if (started || shutDown) {
            return;
        }
        for (int i = 0; i < threads; i++) {
            boolean helper = i > 0;
            Thread t = new Thread(() -> work(helper), name + "-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
        started = true;
    }

    /** A comparison and when it was handed over. */
    private record Waiting(Runnable job, long since) {}

    /**
     * A worker's loop. The first worker takes every comparison; a helper takes one only once it has waited longer
     * than a tick, that is when the first worker is stuck in a slow shadow query or cannot keep up. Comparisons run
     * one after the other unless needed: two at once would hold both cores of a small host (each with its database
     * backend) and delay the application's reads arriving meanwhile.
     */
    private void work(boolean helper) {
        long lastWork = System.nanoTime();
        while (true) {
            Waiting next = waiting.peek();
            // a helper leaves a comparison to the first worker for a tick (all help when shutting down)
            boolean early = next != null && helper && !shutDown && System.nanoTime() - next.since() <= TICK_NANOS;
            Waiting taken = next == null || early ? null : waiting.poll();
            if (taken == null) {
                if (shutDown) {
                    return;
                }
                // every tick programs a timer and switches threads (on a virtual machine, exits to the host):
                // only the first worker ticks fast, and only while there is work
                boolean quiet = helper || System.nanoTime() - lastWork > QUIET_NANOS;
                LockSupport.parkNanos(this, quiet ? IDLE_TICK_NANOS : TICK_NANOS);
                continue;
            }
            try {
                taken.job().run();
            } catch (RuntimeException | Error e) {
                // a comparison counts its own failures; this is a bug, and the worker must survive it
                LOG.warn("[{}] shadow comparison failed: {}", name, e.getClass().getName());
            } finally {
                inHand.decrementAndGet();
            }
            lastWork = System.nanoTime();
        }
    }

    /** Comparisons waiting for a worker thread. */
    int waiting() {
        return waiting.size();
    }

    /** Whether any comparison is running or waiting. */
    boolean busy() {
        return inHand.get() > 0;
    }

    /**
     * Stops taking work and gives the comparisons in hand up to {@code timeoutNanos} to finish; then interrupts the
     * workers (a comparison blocked in a query ends with its connection's network timeout).
     */
    synchronized void shutdown(long timeoutNanos) {
        shutDown = true;
        long deadline = System.nanoTime() + timeoutNanos;
        for (Thread t : workers) {
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
        for (Thread t : workers) {
            if (t == null) {
                continue;
            }
            try {
                TimeUnit.NANOSECONDS.timedJoin(t, Math.max(1, deadline - System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Thread t : workers) {
            if (t != null) {
                t.interrupt();
            }
        }
    }

    int threads() {
        return threads;
    }
}
