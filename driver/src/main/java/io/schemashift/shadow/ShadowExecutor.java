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
 * futex call and, on a virtual machine, an inter-processor interrupt. Measured with the macro harness on 2 vCPUs
 * (docs/performance.md), doing that on the application's thread after every shadowed read raised the median read by
 * 50-70%, while the same comparisons picked up on a tick cost the application nothing measurable. So the
 * application's thread only ever adds to a lock-free queue here. Workers tick every {@link #TICK_NANOS} while there
 * is work and back off to {@link #IDLE_TICK_NANOS} after a quiet second, so an idle driver costs a few wake-ups a
 * second and a comparison starts at most that late. Thread-safe.
 */
final class ShadowExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowExecutor.class);

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    static final long IDLE_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final int threads;
    private final int limit;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
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
        waiting.add(job);
        return true;
    }

    private synchronized void start() {
        if (started || shutDown) {
            return;
        }
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::work, name + "-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
        started = true;
    }

    private void work() {
        long lastWork = System.nanoTime();
        while (true) {
            Runnable job = waiting.poll();
            if (job == null) {
                if (shutDown) {
                    return;
                }
                boolean quiet = System.nanoTime() - lastWork > QUIET_NANOS;
                LockSupport.parkNanos(this, quiet ? IDLE_TICK_NANOS : TICK_NANOS);
                continue;
            }
            try {
                job.run();
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
            if (t == null) {
                continue;
            }
            LockSupport.unpark(t);
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
