package io.schemashift.rewriter;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Rewrites SQL written against the old schema of a {@link Mapping} into SQL against the new
 * schema, for one {@link Dialect}. The entry point of this library.
 *
 * <p>{@link #rewrite} never throws: a statement that touches no mapped table comes back {@link
 * Untouched} (the same text, without parsing when no mapped name occurs in it), one that can be
 * rewritten comes back {@link Rewritten}, and anything else {@link Refused} with a reason. Results
 * are immutable and cached by SQL text; statements that differ only in their literals share one
 * rewrite of their shape ({@link Shapes}). Both caches are bounded by an estimate of the bytes they
 * hold. Instances are thread-safe.
 */
public final class Rewriter {

    private final Mapping mapping;
    private final Dialect dialect;
    private final Compiled compiled;
    private final Reaches reaches;
    /** What this rewriter was built from (a copy), for the accessors and {@link #awayFromOldSchema()}. */
    private final Builder builder;
    /** {@link #awayFromOldSchema()}, built on first use. */
    private volatile Rewriter away;

    private final StatementRewriter statements;
    private final int maxSqlLength;
    /** SQL texts whose parse ran out of time once (bounded: cleared past 1,000). */
    private final Set<String> timedOutOnce = ConcurrentHashMap.newKeySet();

    private final Cache<String, RewriteResult> cache;
    /** False with {@code cacheBytes(0)}: Caffeine evicts a size-0 cache's entries only later, so skip it. */
    private final boolean caching;
    /** Rewrites by shape, literals lifted out; {@code null} with {@code cacheBytes(0)}. */
    private final Shapes shapes;

    private Rewriter(Builder b) {
        this.mapping = b.mapping;
        this.dialect = b.dialect;
        this.builder = b.copy(); // the caller may change b afterwards
        this.compiled = new Compiled(
                b.mapping,
                b.dialect,
                b.oldSchema,
                b.unqualifiedOld,
                b.awayNewSchema,
                b.volatileFunctions,
                // PostgreSQL, one database: both statements run in the application's transaction
                b.dialect == Dialect.POSTGRESQL && b.newTriggers == null);
        this.reaches = new Reaches(
                compiled,
                b.routines,
                b.truncateCascades,
                b.triggers,
                b.newTriggers,
                b.cascadingKeys,
                b.views,
                b.relatives);
        this.statements = new StatementRewriter(compiled, reaches, b.parseTimeout.toNanos());
        this.maxSqlLength = b.maxSqlLength;
        // half of the bytes for results by text, half for shapes
        this.cache = Caffeine.newBuilder()
                .maximumWeight(b.cacheBytes / 2)
                .weigher((String sql, RewriteResult r) -> bytes(sql, r))
                .recordStats()
                .build();
        this.caching = b.cacheBytes > 0;
        this.shapes = caching ? new Shapes(b.dialect, b.cacheBytes / 2) : null;
    }

    /**
     * A builder of a rewriter for {@code mapping} and {@code dialect}.
     *
     * @throws NullPointerException if either is null
     */
    public static Builder builder(Mapping mapping, Dialect dialect) {
        return new Builder(Objects.requireNonNull(mapping, "mapping"), Objects.requireNonNull(dialect, "dialect"));
    }

    /**
     * The rewrite of {@code sql}: untouched, rewritten or refused. Never throws; thread-safe; cached.
     *
     * @param sql one SQL statement, with {@code ?} parameters; {@code null} is refused
     */
    public RewriteResult rewrite(String sql) {
        if (sql == null) {
            return NULL_STATEMENT;
        }
        RewriteResult cached = caching ? cache.getIfPresent(sql) : null;
        return cached != null ? cached : compute(sql);
    }

    /** Caches {@code result} by its SQL text, unless too long or timed out for the first time. */
    private RewriteResult remember(String sql, RewriteResult result) {
        if (caching && sql.length() <= maxSqlLength && (!timedOut(result) || !timedOutOnce.add(sql))) {
            cache.put(sql, result);
        }
        return result;
    }

    /**
     * A statement whose parse ran out of time is retried on its next use; only when it runs out
     * of time again is the refusal cached, so that a pathological statement costs the bound
     * twice, not on every execution.
     */
    private boolean timedOut(RewriteResult result) {
        if (!(result instanceof Refused r) || r.reason() != RefusalReason.TIME_BOUND) {
            return false;
        }
        if (timedOutOnce.size() > 1_000) {
            timedOutOnce.clear();
        }
        return true;
    }

    private static final Refused NULL_STATEMENT = new Refused(
            StatementKind.OTHER,
            Set.of(),
            new Fingerprint("", Fingerprints.hash("")),
            RefusalReason.UNPARSEABLE,
            "null statement");

    private RewriteResult compute(String sql) {
        Tokens tokens = null;
        Fingerprint fp = null;
        try {
            tokens = Tokens.lex(sql, dialect);
            RewriteResult built = statements.runsString(tokens);
            if (built != null) {
                return remember(sql, built);
            }
            RewriteResult dropped = statements.dropsSchemas(tokens);
            if (dropped != null) {
                return remember(sql, dropped);
            }
            if (!compiled.mayMention(sql) && !reaches.mayMention(sql)) {
                return remember(sql, new Untouched(sql, Kinds.of(tokens), Fingerprints.of(tokens)));
            }
            String values = dialect == Dialect.MARIADB ? InsertSet.asValues(tokens, sql) : null;
            if (values != null) {
                return remember(sql, rewrite(values));
            }
            RewriteResult indirect = statements.indirect(tokens);
            if (indirect != null) {
                return remember(sql, indirect);
            }
            Shapes.Lifted lifted = shapes != null && sql.length() <= maxSqlLength ? Shapes.lift(tokens) : null;
            RewriteResult known = lifted == null ? null : shapes.known(sql, lifted);
            if (known != null) {
                return known; // not cached by text: texts with literals are mostly one-off, and would evict the rest
            }
            fp = Fingerprints.of(tokens);
            RewriteResult result = direct(sql, tokens, fp);
            if (lifted != null) {
                shapes.learn(sql, lifted, result, (shape, t) -> direct(shape, t, Fingerprints.of(t)));
            }
            return remember(sql, result);
        } catch (RuntimeException | StackOverflowError e) {
            return remember(sql, failed(sql, tokens, fp, e));
        }
    }

    /** The statement's own rewrite: its length checked, then parsed and rewritten. */
    private RewriteResult direct(String sql, Tokens tokens, Fingerprint fp) {
        ValuesRows.Cut cut = ValuesRows.afterFirst(tokens, true);
        if ((cut == null ? sql.length() : cut.parsedLength(sql)) > maxSqlLength) {
            return StatementRewriter.refused(
                    Kinds.of(tokens),
                    reaches.touched(tokens),
                    fp,
                    RefusalReason.UNPARSEABLE,
                    "statement longer than " + maxSqlLength + " characters");
        }
        return statements.rewrite(sql, cut, tokens, fp);
    }

    /** An estimate of the bytes a cached result holds beyond its key (the key's text counted once). */
    private static int bytes(String sql, RewriteResult r) {
        int b = 64
                + 2 * sql.length()
                + 2 * r.fingerprint().text().length()
                + 32 * r.tables().size();
        if (r instanceof Rewritten w) {
            b += bytes(w.newSide())
                    + bytes(w.oldSide())
                    + bytes(w.newSideWithKeys())
                    + bytes(w.oldSideWithKeys())
                    + (w.keyedMirror() == null
                            ? 0
                            : bytes(w.keyedMirror().newSide())
                                    + bytes(w.keyedMirror().oldSide())
                                    + bytes(w.keyedMirror().newPrimary())
                                    + bytes(w.keyedMirror().oldPrimary()))
                    + 48 * w.keys().size();
        } else if (r instanceof Refused f) {
            b += 2 * f.message().length();
        }
        return b;
    }

    private static int bytes(SideStatement s) {
        return s == null ? 0 : 64 + 2 * s.sql().length() + 24 * s.params().size();
    }

    /**
     * A rewriter failure, reported instead of thrown. Which mapped tables the statement touches
     * then comes from the lexical scan (never "none" because the analysis failed), so that the
     * driver still counts and records it as a refused write on those tables.
     */
    Refused failed(String sql, Tokens tokens, Fingerprint fp, Throwable e) {
        StatementKind kind = StatementKind.OTHER;
        Set<String> tables;
        try {
            kind = tokens == null ? StatementKind.OTHER : Kinds.of(tokens);
            tables = tokens == null ? compiled.mentioned(sql) : reaches.touched(tokens);
        } catch (RuntimeException | StackOverflowError again) {
            tables = compiled.mentioned(sql);
        }
        Fingerprint f = fp != null ? fp : new Fingerprint("", Fingerprints.hash(""));
        return StatementRewriter.refused(
                kind,
                tables,
                f,
                RefusalReason.INTERNAL_ERROR,
                "rewriter failure: " + e.getClass().getSimpleName());
    }

    /**
     * The cache of results by SQL text, built with {@code recordStats()} so that its statistics can
     * be bound to a meter registry. Do not put entries into it.
     */
    public Cache<String, RewriteResult> cache() {
        return cache;
    }

    public Mapping mapping() {
        return mapping;
    }

    /** The tables whose TRUNCATE … CASCADE this rewriter knows to reach mapped tables (see {@link Builder#truncateCascades}). */
    public Map<String, Set<String>> truncateCascades() {
        return builder.truncateCascades;
    }

    /** The separate new database's triggers this rewriter knows of ({@code null}: none separate; see {@link Builder#newTriggers}). */
    public List<Trigger> newTriggers() {
        return builder.newTriggers;
    }

    /** The foreign keys this rewriter knows to change mapped tables on one side only (see {@link Builder#cascadingKeys}). */
    public List<CascadingKey> cascadingKeys() {
        return builder.cascadingKeys;
    }

    /** The schema that holds the mapped old tables (see {@link Builder#oldSchema}); {@code null} when unknown. */
    public String oldSchema() {
        return builder.oldSchema;
    }

    /**
     * MariaDB's {@code LOCK TABLES}, which leaves the session only the tables it locks: {@code sql}
     * with the tables the driver also uses on the application's connection locked too ({@link
     * LockTables}); {@code null} on another dialect, or when {@code sql} is no such statement or
     * locks no mapped table {@code routed} accepts (by lower-case old name).
     *
     * @param newTables whether the new tables are in the application's database
     * @param also tables the driver writes on the application's connection (its intent table)
     */
    public String lockTables(String sql, Predicate<String> routed, boolean newTables, List<String> also) {
        return dialect == Dialect.MARIADB
                ? LockTables.extended(Tokens.lex(sql, dialect), compiled, routed, newTables, also)
                : null;
    }

    /**
     * This rewriter for a connection whose schema the application moved away from the old one (a
     * tenant's): there an unqualified name is not a mapped table, only one qualified with the old
     * schema is. Built on first use, with caches of its own; this rewriter itself when the old
     * schema is not known.
     *
     * @param sameDatabase whether the new tables are reached through the same connection: then a
     *     new table the mapping gives no schema is named with the old schema, where it is
     */
    public Rewriter awayFromOldSchema(boolean sameDatabase) {
        if (builder.oldSchema == null || !builder.unqualifiedOld) {
            return this;
        }
        Rewriter r = away;
        if (r == null) {
            synchronized (this) {
                r = away;
                if (r == null) {
                    Builder b = builder.copy();
                    b.unqualifiedOld = false;
                    b.awayNewSchema = sameDatabase ? builder.oldSchema : null;
                    r = b.build();
                    away = r;
                }
            }
        }
        return r;
    }

    /** The tables this rewriter knows to share rows with mapped tables (see {@link Builder#relatives}). */
    public Map<String, Set<String>> relatives() {
        return builder.relatives;
    }

    /** The database's views this rewriter knows of (see {@link Builder#views}). */
    public List<View> views() {
        return builder.views;
    }

    /**
     * The triggers of {@code oldTable} (a mapped table, by its old name) or of its new table that
     * the other table lacks at the same moment, as {@code name on table (BEFORE INSERT, UPDATE)}:
     * with {@code changingRows}, those that may change rows (a write that fires one is mirrored and
     * recorded: {@link NonDeterminism#ONE_SIDED_TRIGGER}); else those that change no mapped value
     * (an audit log), whose work happens on one side only. Empty when none, or the table is not
     * mapped.
     */
    public Set<String> oneSidedTriggers(String oldTable, boolean changingRows) {
        return reaches.unmatchedTriggers(oldTable.toLowerCase(java.util.Locale.ROOT), changingRows);
    }

    /** The database's triggers this rewriter knows of (see {@link Builder#triggers}). */
    public List<Trigger> triggers() {
        return builder.triggers;
    }

    /** The volatile functions this rewriter knows of (see {@link Builder#volatileFunctions}). */
    public Set<String> volatileFunctions() {
        return builder.volatileFunctions;
    }

    /** The database's routines this rewriter knows of (see {@link Builder#routines}). */
    public List<Routine> routines() {
        return builder.routines;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Configures a {@link Rewriter}. Not thread-safe; {@link #build()} may be called more than once. */
    public static final class Builder {

        private final Mapping mapping;
        private final Dialect dialect;
        private long cacheBytes = 64L << 20;
        private int maxSqlLength = 100_000;
        private Duration parseTimeout = Duration.ofSeconds(1);
        private String oldSchema;
        private boolean unqualifiedOld = true;
        private String awayNewSchema;
        private List<Routine> routines = List.of();
        private Map<String, Set<String>> truncateCascades = Map.of();
        private List<Trigger> triggers = List.of();
        private List<Trigger> newTriggers;
        private List<CascadingKey> cascadingKeys = List.of();
        private List<View> views = List.of();
        private Map<String, Set<String>> relatives = Map.of();
        private Set<String> volatileFunctions = Set.of();

        private Builder(Mapping mapping, Dialect dialect) {
            this.mapping = mapping;
            this.dialect = dialect;
        }

        /**
         * Bytes the caches may hold (default 64 MiB, an estimate from the texts' lengths): half for
         * results by SQL text, half for rewrites by shape. 0 turns both off (every statement is
         * parsed).
         *
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Builder cacheBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("cacheBytes must not be negative");
            }
            this.cacheBytes = bytes;
            return this;
        }

        /**
         * Longest statement that is parsed (default 100,000 characters); longer ones that name a
         * mapped table are refused as {@link RefusalReason#UNPARSEABLE} (with the tables a
         * lexical scan finds) and not cached. The rows after the first of a multi-row {@code
         * INSERT … VALUES} that hold only literals and parameters are not parsed and do not count.
         *
         * @throws IllegalArgumentException if {@code length} is less than 1
         */
        public Builder maxSqlLength(int length) {
            if (length < 1) {
                throw new IllegalArgumentException("maxSqlLength must be at least 1");
            }
            this.maxSqlLength = length;
            return this;
        }

        /**
         * Time bound of one parse (default 1 s), enforced by a shared watchdog thread; a parse
         * that exceeds it is refused as {@link RefusalReason#TIME_BOUND} (cached only when the
         * same statement runs out of time twice).
         *
         * @throws IllegalArgumentException if {@code timeout} is not positive
         */
        public Builder parseTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("parseTimeout must be positive");
            }
            this.parseTimeout = timeout;
            return this;
        }

        /**
         * The schema (a database on MariaDB) that holds the mapped old tables and that unqualified
         * names resolve to, as the database stores it: PostgreSQL {@code current_schema()}, MariaDB
         * {@code DATABASE()}, H2 {@code SCHEMA()}. A table qualified with another schema ({@code
         * other.customers}, {@code db.other.customers}) is then not the mapped table. Without it
         * (the default, {@code null}) a qualified name matches by its table name alone.
         */
        public Builder oldSchema(String schema) {
            this.oldSchema = schema;
            return this;
        }

        /**
         * The database's stored procedures and functions (default none). A statement that calls
         * one whose definition names a mapped table, or whose definition is hidden ({@code
         * null}), is refused as {@link RefusalReason#INDIRECT}: what the routine changes is
         * out of the rewriter's sight.
         */
        public Builder routines(Collection<Routine> routines) {
            this.routines = List.copyOf(routines);
            return this;
        }

        /**
         * The names of the functions the database declares volatile (PostgreSQL {@code
         * provolatile = 'v'}) or not deterministic (MariaDB, H2) (default none), any schema, any
         * case. A write that calls one is {@link NonDeterminism#VOLATILE}: two calls may give the
         * two sides different values. The well-known built-ins ({@code random()}, {@code uuid()},
         * {@code nextval(…)}…) count without being listed.
         */
        public Builder volatileFunctions(Collection<String> names) {
            this.volatileFunctions =
                    names.stream().map(NonDeterministicCalls::normalize).collect(Collectors.toUnmodifiableSet());
            return this;
        }

        /**
         * The tables whose {@code TRUNCATE … CASCADE} empties mapped tables too (default none): by
         * name as the catalog stores it, each with the old names of the mapped tables that
         * reference it through foreign keys, directly or through other tables. Such a TRUNCATE is
         * refused as a TRUNCATE of those mapped tables, which it empties on one side only.
         */
        public Builder truncateCascades(Map<String, Set<String>> cascades) {
            this.truncateCascades = copyOf(cascades);
            return this;
        }

        private static Map<String, Set<String>> copyOf(Map<String, Set<String>> tables) {
            Map<String, Set<String>> copy = new java.util.HashMap<>();
            tables.forEach((table, reached) -> copy.put(table, Set.copyOf(reached)));
            return Map.copyOf(copy);
        }

        /**
         * The database's triggers (default none). A write to a table the mapping does not map that
         * fires one whose definition names a mapped table is refused as {@link
         * RefusalReason#INDIRECT}, as a write to those mapped tables: the trigger changes them on
         * the old side only. A trigger on a mapped table that may change rows, with none at the same
         * moment on its new table, makes the writes that fire it {@link
         * NonDeterminism#ONE_SIDED_TRIGGER}.
         */
        public Builder triggers(Collection<Trigger> triggers) {
            this.triggers = List.copyOf(triggers);
            return this;
        }

        /**
         * The triggers of a separate new database ({@code null}, the default: the new tables are in
         * the database of {@link #triggers}). A write to a mapped table that fires a trigger one
         * side's table has and the other's lacks at the same moment, and which may change rows, is
         * mirrored and recorded ({@link NonDeterminism#ONE_SIDED_TRIGGER}).
         */
        public Builder newTriggers(Collection<Trigger> triggers) {
            this.newTriggers = triggers == null ? null : List.copyOf(triggers);
            return this;
        }

        /**
         * The foreign keys whose actions change a mapped table's rows on one side only (default
         * none). A write to a key's parent that fires it (a DELETE; an UPDATE that sets a referenced
         * column; an upsert or MERGE) is refused as a write to the mapped table: {@link
         * RefusalReason#FOREIGN_KEY_ACTION} when the parent is unmapped, else {@link
         * RefusalReason#INDIRECT}.
         */
        public Builder cascadingKeys(Collection<CascadingKey> keys) {
            this.cascadingKeys = List.copyOf(keys);
            return this;
        }

        /**
         * The database's views (default none). A statement that reads or writes one whose
         * definition names a mapped table (through other views too) is refused as {@link
         * RefusalReason#INDIRECT}: a view is neither rewritten nor mirrored.
         */
        public Builder views(Collection<View> views) {
            this.views = List.copyOf(views);
            return this;
        }

        /** A builder with this one's settings, which can then change without changing this one. */
        private Builder copy() {
            Builder b = new Builder(mapping, dialect);
            b.cacheBytes = cacheBytes;
            b.maxSqlLength = maxSqlLength;
            b.parseTimeout = parseTimeout;
            b.oldSchema = oldSchema;
            b.unqualifiedOld = unqualifiedOld;
            b.awayNewSchema = awayNewSchema;
            b.routines = routines;
            b.truncateCascades = truncateCascades;
            b.triggers = triggers;
            b.newTriggers = newTriggers;
            b.cascadingKeys = cascadingKeys;
            b.views = views;
            b.relatives = relatives;
            b.volatileFunctions = volatileFunctions;
            return b;
        }

        /**
         * The tables that share rows with mapped tables (default none): a mapped table's
         * partitions and children, and the tables it is a partition or child of (PostgreSQL), by
         * name as the catalog stores it, each with the old names of those mapped tables. A
         * statement on one is refused as {@link RefusalReason#INDIRECT}, as it reads or writes
         * them.
         */
        public Builder relatives(Map<String, Set<String>> relatives) {
            this.relatives = copyOf(relatives);
            return this;
        }

        /**
         * A rewriter with this configuration.
         *
         * @throws IllegalArgumentException if a derived column's expression cannot be parsed
         */
        public Rewriter build() {
            return new Rewriter(this);
        }
    }
}
