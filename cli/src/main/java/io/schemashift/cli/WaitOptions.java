package io.schemashift.cli;

import io.schemashift.control.ControlStore;
import io.schemashift.control.InstanceBeat;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --wait} and {@code --timeout} options of {@code phase} and {@code rollback}: after a
 * change, wait until every live instance's heartbeat reports the new version.
 */
final class WaitOptions {

    /** Exit code of {@code --wait} when not every live instance applied the change in time. */
    static final int TIMED_OUT = 7;

    @Option(
            names = "--wait",
            description = "After the change, wait until every live instance's heartbeat reports the new version"
                    + " (exit code 7 after --timeout).")
    boolean await;

    @Option(
            names = "--timeout",
            paramLabel = "<duration>",
            defaultValue = "2m",
            converter = Converters.Window.class,
            description = "How long --wait waits (default: ${DEFAULT-VALUE}); then exit code 7.")
    Duration timeout;

    /**
     * The live instances (heartbeat younger than 3 polls) still behind {@code version} once all
     * caught up (empty) or {@link #timeout} passed.
     */
    List<InstanceBeat> behind(Context context, long version) throws Exception {
        Duration poll = context.config().control().poll();
        long deadline = System.nanoTime() + timeout.toNanos();
        ControlStore store = context.store();
        while (true) {
            Instant now = Instant.now();
            List<InstanceBeat> behind = store.instances().stream()
                    .filter(b -> !b.stale(now, poll) && b.configVersion() < version)
                    .toList();
            if (behind.isEmpty() || System.nanoTime() >= deadline) {
                return behind;
            }
            // heartbeats change once a poll: reading them more often shows nothing new
            Thread.sleep(Math.max(50, Math.min(poll.toMillis() / 2, 1_000)));
        }
    }
}
