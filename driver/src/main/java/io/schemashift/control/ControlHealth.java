package io.schemashift.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The health of one runtime's control-plane I/O: which operations fail now and why, and how many
 * divergence and mismatch records were lost. Counted in {@code schemashift.control.failures}
 * ({@code operation}, {@code kind}) and reported in the heartbeat ({@code lost_records}, {@code
 * log_failure}), where every forward phase guard reads it. Thread-safe.
 */
public final class ControlHealth {

    /** What failed: the {@code operation} tag. */
    public enum Operation {
        /** Reading the rollout from the control table. */
        READ,
        /** Writing this instance's heartbeat. */
        HEARTBEAT,
        /** Writing divergence records. */
        DIVERGENCE_WRITE,
        /** Writing mismatch reports. */
        MISMATCH_WRITE;

        /** Whether a failure of this operation loses (or delays) evidence the guards count. */
        boolean logs() {
            return this == DIVERGENCE_WRITE || this == MISMATCH_WRITE;
        }
    }

    /** Why it failed: the {@code kind} tag. */
    public enum Kind {
        /** The table does not exist: run {@code schemashift init}. */
        MISSING_TABLE,
        /** A column is missing: the table was created by an older version; run {@code schemashift init}. */
        MISSING_COLUMN,
        /** The role lacks a privilege on the table. */
        FORBIDDEN,
        /** The database could not be reached or the connection broke. */
        UNREACHABLE,
        /** The database refused the values themselves (data or constraint error): retrying cannot help. */
        REJECTED,
        /** Anything else. */
        OTHER;

        /** The tag and heartbeat text: {@code missing_table}. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** What an operator does about it, for log lines. */
        public String hint() {
            return switch (this) {
                case MISSING_TABLE, MISSING_COLUMN ->
                    "run 'schemashift init' (or apply 'schemashift init --print-sql')";
                case FORBIDDEN -> "grant SELECT, INSERT, UPDATE, DELETE on the SchemaShift tables to this role";
                case UNREACHABLE -> "check that the primary database is reachable";
                case REJECTED, OTHER -> "see the SQLState";
            };
        }
    }

    private static final Set<String> MISSING_TABLE = Set.of("42P01", "42S02", "42S04");
    private static final Set<String> MISSING_COLUMN = Set.of("42703", "42S22", "42122");
    // MariaDB/MySQL error codes: table does not exist, unknown column, command denied on a table or column
    private static final int MYSQL_NO_TABLE = 1146;
    private static final int MYSQL_NO_COLUMN = 1054;
    private static final int MYSQL_DENIED_TABLE = 1142;
    private static final int MYSQL_DENIED_COLUMN = 1143;

    private final MeterRegistry registry;
    private final Tags common;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Operation, Kind> failing = new ConcurrentHashMap<>();
    private final LongAdder lost = new LongAdder();

    /** A health record whose counters carry {@code common} (the {@code migration} tag). */
    public ControlHealth(MeterRegistry registry, Tags common) {
        this.registry = registry;
        this.common = common;
        // every (operation, kind) pair from the start, at 0: dashboards and alerts see the series
        // before the first failure, and increase() counts that failure
        for (Operation op : Operation.values()) {
            for (Kind kind : Kind.values()) {
                counter(op, kind);
            }
        }
    }

    /** What {@code e} means for a statement on a SchemaShift table. */
    public static Kind classify(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        if (MISSING_TABLE.contains(state) || code == MYSQL_NO_TABLE) {
            return Kind.MISSING_TABLE;
        }
        if (MISSING_COLUMN.contains(state) || code == MYSQL_NO_COLUMN) {
            return Kind.MISSING_COLUMN;
        }
        if (state.equals("42501") || code == MYSQL_DENIED_TABLE || code == MYSQL_DENIED_COLUMN) {
            return Kind.FORBIDDEN;
        }
        if (state.startsWith("08")) {
            return Kind.UNREACHABLE;
        }
        if (state.startsWith("22") || state.startsWith("23")) {
            return Kind.REJECTED;
        }
        return Kind.OTHER;
    }

    /**
     * Counts a failure of {@code op} and marks it failing.
     *
     * @return whether it was not failing before: the caller logs its one line then
     */
    public boolean failed(Operation op, Kind kind) {
        counter(op, kind).increment();
        return failing.put(op, kind) == null;
    }

    /**
     * Marks {@code op} as working.
     *
     * @return whether it was failing before: the caller logs the recovery then
     */
    public boolean recovered(Operation op) {
        return failing.remove(op) != null;
    }

    /** Counts {@code records} divergence or mismatch records that never reached their table. */
    public void lost(long records) {
        if (records > 0) {
            lost.add(records);
        }
    }

    /** Records lost since the runtime started. */
    public long lost() {
        return lost.sum();
    }

    /**
     * The logging failure to report in the heartbeat, as {@code operation:kind} (e.g. {@code
     * divergence_write:missing_table}), or {@code null} while records are written.
     */
    public String logFailure() {
        for (Operation op : Operation.values()) {
            Kind kind = failing.get(op);
            if (kind != null && op.logs()) {
                return op.name().toLowerCase(Locale.ROOT) + ":" + kind.text();
            }
        }
        return null;
    }

    private Counter counter(Operation op, Kind kind) {
        return counters.computeIfAbsent(
                op.name() + '\0' + kind.name(), k -> Counter.builder("schemashift.control.failures")
                        .description("Reads and writes of the SchemaShift tables that failed, by operation and kind")
                        // no base unit: Prometheus exports schemashift_control_failures_total, as dashboards query
                        .tags(common)
                        .tag("operation", op.name().toLowerCase(Locale.ROOT))
                        .tag("kind", kind.text())
                        .register(registry));
    }
}
