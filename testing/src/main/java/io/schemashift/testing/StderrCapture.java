package io.schemashift.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Captures what is written to {@code System.err} (where slf4j-simple logs) while still passing it
 * on, so that tests can assert on log lines. Use with try-with-resources; not for parallel tests
 * in one JVM.
 */
public final class StderrCapture implements AutoCloseable {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream real;

    private StderrCapture() {
        this.real = System.err;
        System.setErr(new PrintStream(new Tee(captured, real), true, StandardCharsets.UTF_8));
    }

    /** Starts capturing; {@link #close()} puts the real stream back. */
    public static StderrCapture start() {
        return new StderrCapture();
    }

    /** Everything written so far. */
    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** The lines written so far that contain every one of {@code parts}. */
    public List<String> lines(String... parts) {
        return Arrays.stream(text().split("\n"))
                .filter(l -> Arrays.stream(parts).allMatch(l::contains))
                .toList();
    }

    @Override
    public void close() {
        System.setErr(real);
    }

    /** Writes to both streams. */
    private static final class Tee extends OutputStream {
        private final ByteArrayOutputStream a;
        private final OutputStream b;

        Tee(ByteArrayOutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws IOException {
            synchronized (a) {
                a.write(x);
            }
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            synchronized (a) {
                a.write(buf, off, len);
            }
            b.write(buf, off, len);
        }
    }
}
