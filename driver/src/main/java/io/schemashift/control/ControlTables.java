package io.schemashift.control;

import io.schemashift.config.MigrationConfig;

/**
 * The names of the control-plane tables of one migration, all on the primary database.
 *
 * @param control the rollout (phase, percentages, per-table phases) of each migration
 * @param heartbeat one row per driver instance: what it applies and its counters
 * @param audit every change of phase or percentages
 * @param divergence mirror writes that failed, for repair
 * @param mismatch shadow comparisons that disagreed
 * @param runs backfill and verify runs, per table
 * @param intent intent records of two-database transactions (also on the new database)
 */
public record ControlTables(
        String control,
        String heartbeat,
        String audit,
        String divergence,
        String mismatch,
        String runs,
        String intent) {

    /** The control table used when the configuration names none ({@code control.table}). */
    public static final String DEFAULT_CONTROL = "schemashift_control";
    /** The mismatch table used when the configuration names none ({@code report.mismatchTable}). */
    public static final String DEFAULT_MISMATCH = "schemashift_mismatch";
    /** The runs table used when the configuration names none ({@code control.runsTable}). */
    public static final String DEFAULT_RUNS = "schemashift_runs";

    /** The intent table used when the configuration names none ({@code writes.intentTable}). */
    public static final String DEFAULT_INTENT = "schemashift_intent";

    /** The tables named, with the default runs and intent tables. */
    public ControlTables(String control, String heartbeat, String audit, String divergence, String mismatch) {
        this(control, heartbeat, audit, divergence, mismatch, DEFAULT_RUNS, DEFAULT_INTENT);
    }

    /** The tables named by {@code config}, with the defaults above where it names none. */
    public static ControlTables of(MigrationConfig config) {
        return new ControlTables(
                config.control().controlTable().orElse(DEFAULT_CONTROL),
                config.control().heartbeatTable(),
                config.control().auditTable(),
                config.writes().divergenceTable(),
                config.report().mismatchTable() == null
                        ? DEFAULT_MISMATCH
                        : config.report().mismatchTable(),
                config.control().runsTable(),
                config.writes().intentTable());
    }
}
