package io.schemashift.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./schemashift demo} as the README runs it: the launcher at the repository root starts the
 * shaded command line and the demo's jar beside it (built by the package phase, before this test)
 * in their own JVM.
 */
class DemoIT {

    @Test
    void launcher_demo_exitsZeroWithin30sAndShowsTheMigration() throws IOException, InterruptedException {
        Path launcher = Path.of("..", "schemashift").toAbsolutePath().normalize();
        assertThat(launcher).isExecutable();
        assertThat(Path.of("..", "cli", "target", "schemashift.jar")).exists();
        assertThat(Path.of("target", "schemashift-demo.jar")).exists();

        long start = System.nanoTime();
        Process p = new ProcessBuilder(launcher.toString(), "demo")
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("finished").isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(took).as("demo duration, JVM start included").isLessThan(Duration.ofSeconds(30));
        assertThat(out).doesNotContain("schemashift: building"); // the jar existed: no build
        assertThat(out).doesNotContain(" INFO "); // the timeline is not drowned in log lines
        DemoTest.assertDemoOutput(out);
    }
}
