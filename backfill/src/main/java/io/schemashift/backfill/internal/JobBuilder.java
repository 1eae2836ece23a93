package io.schemashift.backfill.internal;

import io.schemashift.api.ConnectionSource;
import io.schemashift.backfill.ProgressListener;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Mapping;

/**
 * What the builders of {@code Backfill} and {@code Verifier} share: the mapping, the two databases,
 * the migration id, the throttle and who hears about progress. Every setter checks its argument at
 * once. Not thread-safe, as builders are not.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class JobBuilder<B extends JobBuilder<B>> {

    private final Mapping mapping;
    private final Dialect dialect;
    private final ConnectionSource oldDatabase;
    private ConnectionSource newDatabase;
    private String migration = "default";
    private double rowsPerSecond;
    private double backoffFactor = 3.0;
    private ProgressListener progress = ProgressListener.none();

    protected JobBuilder(Mapping mapping, Dialect dialect, ConnectionSource oldDatabase) {
        this.mapping = Args.notNull(mapping, "mapping");
        this.dialect = Args.notNull(dialect, "dialect");
        this.oldDatabase = Args.notNull(oldDatabase, "old side connection source");
    }

    /** The new schema lives in another database, reached through {@code source}. */
    public B newDatabase(ConnectionSource source) {
        this.newDatabase = Args.notNull(source, "new side connection source");
        return self();
    }

    /** The migration id: names checkpoints and prefixes log lines. Default {@code default}. */
    public B migration(String id) {
        if (id == null || id.isBlank() || id.length() > 200) {
            throw new IllegalArgumentException("migration id must be 1 to 200 characters");
        }
        this.migration = id;
        return self();
    }

    /** The average rate not to exceed, in old rows per second; 0 (the default) for no limit. */
    public B rowsPerSecond(double rate) {
        this.rowsPerSecond = Throttle.checkRate(rate);
        return self();
    }

    /**
     * Back off when a batch's (or chunk's) read on the old side takes more than {@code factor}
     * times the baseline (the median of the first ones). Default 3; 0 switches the back-off off.
     */
    public B latencyBackoff(double factor) {
        this.backoffFactor = Throttle.checkBackoff(factor);
        return self();
    }

    /** Who hears about progress. Default none; the CLI passes {@link ProgressListener#console}. */
    public B progress(ProgressListener listener) {
        this.progress = new SafeProgress(Args.notNull(listener, "progress listener"));
        return self();
    }

    /** The shared settings, for the concrete builder's {@code build()}. */
    protected JobSettings settings() {
        return new JobSettings(
                mapping, dialect, oldDatabase, newDatabase, migration, rowsPerSecond, backoffFactor, progress);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this; // B is the concrete builder by the class's contract
    }

    /**
     * The settings a job was built with.
     *
     * @param newDatabase the new schema's separate database; {@code null}: the new tables live in
     *     the old database
     */
    public record JobSettings(
            Mapping mapping,
            Dialect dialect,
            ConnectionSource oldDatabase,
            ConnectionSource newDatabase,
            String migration,
            double rowsPerSecond,
            double backoffFactor,
            ProgressListener progress) {}
}
