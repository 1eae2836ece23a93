package io.schemashift.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.schemashift.api.ConnectionSource;
import io.schemashift.api.Side;
import io.schemashift.config.ConfigLocation;
import io.schemashift.config.MigrationConfig;
import io.schemashift.config.Phase;
import io.schemashift.control.ControlStore;
import io.schemashift.coverage.StatementCoverage;
import io.schemashift.error.ShiftSqlState;
import io.schemashift.jdbc.ConnectionStart;
import io.schemashift.jdbc.ShiftConnection;
import io.schemashift.metrics.ShiftMetrics;
import io.schemashift.mirror.CircuitBreaker;
import io.schemashift.mirror.DivergenceLog;
import io.schemashift.mirror.IntentLog;
import io.schemashift.mirror.NewDatabase;
import io.schemashift.rewriter.CascadingKey;
import io.schemashift.rewriter.Dialect;
import io.schemashift.rewriter.Mapping;
import io.schemashift.rewriter.RefusalReason;
import io.schemashift.rewriter.Refused;
import io.schemashift.rewriter.RewriteResult;
import io.schemashift.rewriter.Rewriter;
import io.schemashift.rewriter.TableMapping;
import io.schemashift.rewriter.Trigger;
import io.schemashift.routing.MigrationContext;
import io.schemashift.routing.Session;
import io.schemashift.shadow.ShadowReads;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Everything one configured migration shares across the connections of a JVM: the validated
 * configuration, the rollout in force (replaced at run time by reloads), the rewriter, the new
 * side, the divergence log and the meters. Thread-safe.
 *
 * <p>Over 500 lines: the composition root builds every service and implements the whole
 * MigrationContext.
 */
public final class MigrationRuntime implements MigrationContext, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationRuntime.class);
    /** The longest {@link #close()} waits for queued divergence records to be written. */
    static final Duration CLOSE_FLUSH = Duration.ofSeconds(5);

    private final MigrationConfig config;
    private final ConfigLocation location;
    private final ShiftMetrics metrics;
    private final NewDatabase newDatabase;
    private final AtomicLong sessions = new AtomicLong();
    private volatile Applied applied;
    /** Notified when {@link #applied} changes, for {@link #awaitVersion}. */
    private final Object appliedChanged = new Object();

    private volatile Started started;
    private volatile ControlLoop control;
    /** False while {@code control.table} is set and its rollout was never read: writes fail closed. */
    private volatile boolean writesAllowed;

    /**
     * The rollout in force and its version: the control table's version, or 0 when it comes from
     * the configuration file.
     */
    record Applied(MigrationConfig.Rollout rollout, long version) {}

    /** What can only be known once the first connection shows which database this is. */
    private record Started(
            Dialect dialect,
            Rewriter rewriter,
            DivergenceLog divergences,
            ShadowReads shadow,
            IntentLog intents,
            long autoIncrementStep,
            ReadableTables readable,
            StatementCoverage coverage,
            ConnectionSource primaryConnections) {

        Started with(Rewriter next, ReadableTables nextReadable) {
            return new Started(
                    dialect,
                    next,
                    divergences,
                    shadow,
                    intents,
                    autoIncrementStep,
                    nextReadable,
                    coverage,
                    primaryConnections);
        }
    }

    /** The catalog is read again at most this often while a statement needs an old column list that is missing. */
    private static final long CATALOG_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private volatile long catalogReadAt;
    /** Whether every part of both sides' catalogs was read once ({@link #catalogRead()}). */
    private volatile boolean catalogRead;
    /** The parts of the catalog the last read could not read (read and written under this runtime's lock). */
    private Set<String> failingParts = Set.of();
    /** How many times a rewriter made from a changed catalog replaced the one before ({@link #rewriterVersion()}). */
    private volatile int rewriterVersion;

    MigrationRuntime(MigrationConfig config, ConfigLocation location, MeterRegistry registry) {
        this.config = config;
        this.location = location;
        this.applied = new Applied(config.rollout(), 0);
        this.writesAllowed = config.control().controlTable().isEmpty();
        this.metrics = new ShiftMetrics(registry, config.migration());
        this.newDatabase = config.newSide().separateDatabase() ? NewDatabase.open(config, registry) : null;
        metrics.gauge(
                "schemashift.phase",
                "The rollout phase in force (0 old-only … 5 new-only)",
                Tags.empty(),
                () -> applied.rollout().phase().ordinal());
        metrics.gauge(
                "schemashift.rollout.version",
                "The control-table version of the rollout in force (0: from the configuration file)",
                Tags.empty(),
                () -> applied.version());
        if (newDatabase != null) {
            metrics.gauge(
                    "schemashift.breaker.state",
                    "The new side's circuit breaker (0 closed, 1 half-open, 2 open)",
                    Tags.empty(),
                    () -> newDatabase.breaker().state().ordinal());
        }
        metrics.gauge(
                "schemashift.routing.percent",
                "The rollout's routing percentage in force, by kind (read_new, shadow)",
                Tags.of("kind", "read_new"),
                () -> applied.rollout().readNewPercent());
        metrics.gauge(
                "schemashift.routing.percent",
                "The rollout's routing percentage in force, by kind (read_new, shadow)",
                Tags.of("kind", "shadow"),
                () -> applied.rollout().shadowPercent());
    }

    /**
     * Wraps a new application connection, a connection of its own (opened for it, closed with it):
     * where it starts is read from it.
     *
     * @param primaryConnections opens further connections to the application's database (for
     *     the divergence log); only the first connection's is kept
     */
    public ShiftConnection connect(Connection connection, ConnectionSource primaryConnections) throws SQLException {
        return connect(connection, primaryConnections, null);
    }

    /**
     * Wraps a new application connection that a pool lent, whose connections start at {@code
     * lent} (read once from one of them with {@link #lentStart}; {@code null}: read from this one).
     */
    public ShiftConnection connect(Connection connection, ConnectionSource primaryConnections, ConnectionStart lent)
            throws SQLException {
        Started s = started;
        if (s == null) {
            s = start(connection, primaryConnections);
        }
        ConnectionStart at = lent != null ? lent : ConnectionStart.of(connection, s.dialect(), false);
        return ShiftConnection.wrap(
                connection, new Session(this, connection, sessions.incrementAndGet()), s.shadow(), at);
    }

    /** Where {@code connection}, lent by a pool, starts: the pool's other connections start there too. */
    public ConnectionStart lentStart(Connection connection) throws SQLException {
        Dialect dialect = started != null
                ? started.dialect()
                : Dialect.fromJdbcUrl(connection.getMetaData().getURL()).orElse(Dialect.H2);
        return ConnectionStart.of(connection, dialect, true);
    }

    private synchronized Started start(Connection connection, ConnectionSource primaryConnections) throws SQLException {
        if (started != null) {
            return started;
        }
        DatabaseMetaData md = connection.getMetaData();
        Dialect dialect = Dialect.fromJdbcUrl(md.getURL()).orElse(null);
        if (dialect == null) {
            throw ShiftSqlState.FEATURE_NOT_SUPPORTED.error(
                    "SchemaShift supports PostgreSQL, MariaDB/MySQL and H2; this database is "
                            + md.getDatabaseProductName());
        }
        CatalogPass pass = new CatalogPass(config);
        Rewriter rewriter = rewriter(pass, dialect, md, null, NewCatalog.pooled(newDatabase));
        catalogRead = pass.whole();
        failingParts = pass.failing();
        metrics.rewriteCache(rewriter.cache());
        DivergenceLog divergences = new DivergenceLog(
                config.migration(),
                config.writes().divergenceTable(),
                primaryConnections,
                metrics,
                config.control().poll());
        ControlLoop loop =
                new ControlLoop(this, config, location, new ControlStore(primaryConnections, dialect, config));
        loop.initial(connection);
        metrics.gauge(
                "schemashift.divergences.backlog",
                "Divergence records queued and not yet written to the divergence table",
                Tags.empty(),
                divergences::backlog);
        ShadowReads shadow =
                ShadowReads.start(config, dialect, metrics, primaryConnections, newDatabase, this::mapping);
        IntentLog intents = config.writes().intent()
                ? new IntentLog(
                        config.migration(),
                        config.writes().intentTable(),
                        dialect,
                        config.writes().intentStaleAfter(),
                        primaryConnections,
                        newDatabase != null ? newDatabase::borrow : null,
                        divergences,
                        metrics)
                : null;
        ReadableTables readable = readableTables(connection, dialect, rewriter.mapping(), ReadableTables.ALL);
        started = new Started(
                dialect,
                rewriter,
                divergences,
                shadow,
                intents,
                autoIncrementStep(connection, dialect),
                readable,
                StatementCoverage.start(config, primaryConnections),
                primaryConnections);
        catalogReadAt = System.nanoTime();
        control = loop;
        loop.start();
        LOG.info(
                "[{}] SchemaShift active on {} from {}: phase {}, new schema {}",
                config.migration(),
                dialect,
                location.description(),
                applied.rollout().phase(),
                newDatabase == null ? "in the same database" : "in a separate database");
        return started;
    }

    /**
     * The schema the application's unqualified names resolve to (a database on MariaDB/MySQL):
     * a table qualified with another one is not a mapped table.
     */
    private static String oldSchema(Connection connection, Dialect dialect) throws SQLException {
        return dialect == Dialect.MARIADB ? connection.getCatalog() : connection.getSchema();
    }

    /**
     * The rewriter the driver uses for {@code config} on a database of {@code dialect}, with what
     * it reads through {@code md} ({@code null}: all left unknown): the old columns the file does
     * not list, the old schema its connection is in, and the routines, triggers, views, foreign keys
     * and partitions through which a statement may reach a mapped table. {@code schemashift rewrite} previews
     * with it.
     */
    public static Rewriter rewriter(MigrationConfig config, Dialect dialect, DatabaseMetaData md) throws SQLException {
        return rewriter(new CatalogPass(config), dialect, md, null, null);
    }

    /**
     * Like {@link #rewriter(MigrationConfig, Dialect, DatabaseMetaData)}, with a separate new
     * database's catalog (its triggers, column defaults and generated columns, foreign keys) read
     * through {@code newMd}, as the running driver reads them: {@code schemashift doctor} reports
     * what the driver will record.
     */
    static Rewriter rewriter(MigrationConfig config, Dialect dialect, DatabaseMetaData md, DatabaseMetaData newMd)
            throws SQLException {
        return rewriter(new CatalogPass(config), dialect, md, null, NewCatalog.of(newMd));
    }

    /**
     * Like {@link #rewriter(MigrationConfig, Dialect, DatabaseMetaData)}; a part of the catalog
     * that cannot be read now keeps what {@code previous} read of it ({@code null}: none), so that
     * a failed re-read never drops what a statement is refused for. The new side's catalog is read
     * through {@code md} with the new schema in the same database, else through {@code newCatalog}
     * ({@code null}: not read).
     */
    static Rewriter rewriter(
            CatalogPass pass, Dialect dialect, DatabaseMetaData md, Rewriter previous, NewCatalog newCatalog)
            throws SQLException {
        MigrationConfig config = pass.config();
        if (md == null) { // no catalog: no triggers, but where the new tables are (whose clock the writes read)
            return Rewriter.builder(config.mapping(), dialect)
                    .newTriggers(newTablesApart(config, dialect) ? List.of() : null)
                    .build();
        }
        Connection c = md.getConnection();
        boolean known = previous != null;
        Mapping withColumns = withOldColumns(config.mapping(), md);
        Mapping mapping = pass.part(
                "column defaults and generated columns",
                known ? keptDefaults(withColumns, previous.mapping()) : withColumns,
                () -> onNewSide(
                        config,
                        md,
                        newCatalog,
                        newMd -> withColumnFacts(
                                config, withColumns, md, newMd, dialect, known ? previous.mapping() : null)));
        return Rewriter.builder(mapping, dialect)
                .oldSchema(oldSchema(c, dialect))
                .routines(pass.part(
                        "stored procedures and functions",
                        known ? previous.routines() : List.of(),
                        () -> Routines.routines(c, dialect)))
                .volatileFunctions(pass.part(
                        "volatile functions",
                        known ? List.copyOf(previous.volatileFunctions()) : List.of(),
                        () -> Routines.volatileFunctions(c, dialect)))
                .triggers(pass.part(
                        "triggers", known ? previous.triggers() : List.of(), () -> Routines.triggers(c, dialect)))
                .newTriggers(
                        newTablesApart(config, dialect)
                                ? pass.part(
                                        "new tables' triggers",
                                        known && previous.newTriggers() != null ? previous.newTriggers() : List.of(),
                                        () -> onNewSide(
                                                config,
                                                md,
                                                newCatalog,
                                                newMd -> newMd == null
                                                        ? List.of()
                                                        : newTriggers(config, dialect, newMd.getConnection())))
                                : null)
                .cascadingKeys(pass.part(
                        "foreign key actions",
                        known ? previous.cascadingKeys() : List.of(),
                        () -> onNewSide(config, md, newCatalog, newMd -> cascadingKeys(config, dialect, md, newMd))))
                .views(pass.part("views", known ? previous.views() : List.of(), () -> Routines.views(c, dialect)))
                .truncateCascades(pass.part(
                        "foreign keys",
                        known ? previous.truncateCascades() : Map.of(),
                        () -> TableRelations.truncateCascades(c, dialect, config.mapping())))
                .relatives(pass.part(
                        "partitions and inheritance",
                        known ? previous.relatives() : Map.of(),
                        () -> TableRelations.relatives(c, dialect, config.mapping())))
                .build();
    }

    /**
     * Whether new tables are in another database than the application's: a separate new database,
     * or MariaDB databases named by {@code new.schema}, whose triggers the application's database's
     * do not include.
     */
    private static boolean newTablesApart(MigrationConfig config, Dialect dialect) {
        return config.newSide().separateDatabase()
                || (dialect == Dialect.MARIADB
                        && config.mapping().tables().stream().anyMatch(t -> t.newSchema() != null));
    }

    /**
     * The new tables' triggers, through {@code n} (the separate new database's connection, or the
     * application's): its database's, and on MariaDB each database {@code new.schema} names.
     */
    private static List<Trigger> newTriggers(MigrationConfig config, Dialect dialect, Connection n)
            throws SQLException {
        List<Trigger> triggers = new ArrayList<>(Routines.triggers(n, dialect));
        if (dialect == Dialect.MARIADB) {
            Set<String> databases = new TreeSet<>();
            for (TableMapping t : config.mapping().tables()) {
                if (t.newSchema() != null) {
                    databases.add(stored(n.getMetaData(), t.newSchema()));
                }
            }
            databases.remove(n.getCatalog());
            for (String database : databases) {
                triggers.addAll(Routines.triggersOf(n, database));
            }
        }
        return triggers;
    }

    /** A catalog read whose SQL may throw. */
    private interface CatalogRead<T> {
        T read() throws SQLException;
    }

    /** One read of the catalog, part by part, which remembers the parts it could not read. */
    static final class CatalogPass {

        private final MigrationConfig config;
        private final Set<String> failingBefore;
        private final Set<String> failing = new TreeSet<>();

        CatalogPass(MigrationConfig config) {
            this(config, Set.of());
        }

        /**
         * @param failingBefore the parts the read before could not read: their failure again is
         *     logged at DEBUG, not at every control poll that retries them
         */
        CatalogPass(MigrationConfig config, Set<String> failingBefore) {
            this.config = config;
            this.failingBefore = failingBefore;
        }

        MigrationConfig config() {
            return config;
        }

        /**
         * What the catalog says about {@code what}, so that a statement that reaches a mapped table
         * through it (a routine, a trigger, a view, a cascading TRUNCATE, a partition) is refused;
         * {@code none} (logged) when it cannot be read: {@code schemashift doctor} reports it too.
         */
        <T> T part(String what, T none, CatalogRead<T> read) {
            try {
                return read.read();
            } catch (SQLException e) {
                failing.add(what);
                LOG.atLevel(failingBefore.contains(what) ? Level.DEBUG : Level.WARN)
                        .log(
                                "[{}] cannot read the database's {} ({}, SQLState {}): the statements they make"
                                        + " differ between the sides are judged by what was read before (nothing, at"
                                        + " the first read; until every part is read once, mirrored writes are"
                                        + " recorded too)",
                                config.migration(),
                                what,
                                e.getClass().getSimpleName(),
                                e.getSQLState());
                return none;
            }
        }

        /** Whether every part was read. */
        boolean whole() {
            return failing.isEmpty();
        }

        /** The parts it could not read. */
        Set<String> failing() {
            return failing;
        }
    }

    /**
     * On MariaDB/MySQL, the distance between the keys of one multi-row INSERT when the server hands
     * them out consecutively ({@code innodb_autoinc_lock_mode} 0 or 1); 0 where it may not.
     */
    private static long autoIncrementStep(Connection connection, Dialect dialect) throws SQLException {
        if (dialect != Dialect.MARIADB) {
            return 0;
        }
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment")) {
            return rs.next() && rs.getInt(1) < 2 ? rs.getLong(2) : 0;
        }
    }

    /**
     * Fills in each mapped table's old columns from the database where the file does not list
     * them, and its unique indexes: the table in the connection's current schema (and catalog)
     * only, so that a same-named table elsewhere adds no columns.
     */
    private static Mapping withOldColumns(Mapping mapping, DatabaseMetaData md) throws SQLException {
        List<TableMapping> tables = new ArrayList<>();
        Connection connection = md.getConnection();
        String escape = md.getSearchStringEscape();
        String schema = connection.getSchema();
        String schemaPattern = schema == null ? null : escaped(schema, escape);
        for (TableMapping t : mapping.tables()) {
            String name = stored(md, t.oldName());
            TableMapping read = t;
            if (t.oldColumns().isEmpty()) {
                List<String> columns = new ArrayList<>();
                try (ResultSet rs =
                        md.getColumns(connection.getCatalog(), schemaPattern, escaped(name, escape), null)) {
                    while (rs.next()) {
                        columns.add(rs.getString("COLUMN_NAME"));
                    }
                }
                read = t.withOldColumns(columns);
            }
            List<String> oldColumns = read.oldColumns();
            tables.add(read.withUniqueKeys(
                    uniqueKeys(md, connection.getCatalog(), schema, name, column -> oldColumns.stream()
                            .filter(column::equalsIgnoreCase)
                            .findFirst()
                            .orElse(column))));
        }
        return Mapping.of(tables);
    }

    /**
     * The columns of each unique index of a table (its primary key's included), named as the old
     * columns are ({@code oldName} of the name the catalog gives); an expression stays as the driver
     * gives it, which no statement names, so that an upsert that may conflict on it is recorded; so
     * is every such upsert when the indexes cannot be read.
     */
    private static Map<String, List<String>> uniqueKeys(
            DatabaseMetaData md, String catalog, String schema, String table, UnaryOperator<String> oldName) {
        Map<String, List<String>> byIndex = new LinkedHashMap<>();
        try (ResultSet rs = md.getIndexInfo(catalog, schema, table, true, true)) {
            while (rs.next()) {
                if (rs.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic || rs.getBoolean("NON_UNIQUE")) {
                    continue;
                }
                String column = rs.getString("COLUMN_NAME");
                String old = column == null ? "(expression)" : oldName.apply(column);
                byIndex.computeIfAbsent(rs.getString("INDEX_NAME"), index -> new ArrayList<>())
                        .add(old);
            }
        } catch (SQLException e) {
            return Map.of("(indexes unreadable)", List.of("(indexes unreadable)"));
        }
        return byIndex;
    }

    /** A read of the new side's catalog, through its metadata ({@code null}: not given). */
    interface NewSideRead<T> {
        T read(DatabaseMetaData newMd) throws SQLException;
    }

    /** A separate new database's catalog, for one read at a time. */
    interface NewCatalog {

        <T> T read(NewSideRead<T> read) throws SQLException;

        /** Through a connection borrowed from {@code newDatabase} for each read ({@code null}: none). */
        static NewCatalog pooled(NewDatabase newDatabase) {
            return newDatabase == null
                    ? null
                    : new NewCatalog() {
                        @Override
                        public <T> T read(NewSideRead<T> read) throws SQLException {
                            try (Connection borrowed = newDatabase.borrow()) {
                                return read.read(borrowed.getMetaData());
                            }
                        }
                    };
        }

        /** Through {@code newMd}, which the caller keeps open ({@code null}: none). */
        static NewCatalog of(DatabaseMetaData newMd) {
            return newMd == null
                    ? null
                    : new NewCatalog() {
                        @Override
                        public <T> T read(NewSideRead<T> read) throws SQLException {
                            return read.read(newMd);
                        }
                    };
        }
    }

    /**
     * Reads the new side's catalog: through {@code md} with the new schema in the same database,
     * else through {@code newCatalog} ({@code null}, a preview: none).
     */
    private static <T> T onNewSide(
            MigrationConfig config, DatabaseMetaData md, NewCatalog newCatalog, NewSideRead<T> read)
            throws SQLException {
        if (!config.newSide().separateDatabase()) {
            return read.read(md);
        }
        return newCatalog == null ? read.read(null) : newCatalog.read(read);
    }

    /** Where a table is, as metadata calls take it: exact names, as the catalog stores them. */
    private record Place(String catalog, String schema, String table) {}

    /** Where {@code t}'s old table is: the connection's schema. */
    private static Place oldPlace(DatabaseMetaData md, TableMapping t) throws SQLException {
        Connection c = md.getConnection();
        return new Place(c.getCatalog(), c.getSchema(), stored(md, t.oldName()));
    }

    /** Where {@code t}'s new table is: the file's schema as written, else the connection's (MariaDB's database is its catalog). */
    private static Place newPlace(DatabaseMetaData md, Dialect dialect, TableMapping t) throws SQLException {
        Connection n = md.getConnection();
        String table = stored(md, t.newName());
        if (dialect == Dialect.MARIADB) {
            return new Place(t.newSchema() != null ? stored(md, t.newSchema()) : n.getCatalog(), null, table);
        }
        return new Place(n.getCatalog(), t.newSchema() != null ? stored(md, t.newSchema()) : n.getSchema(), table);
    }

    /** The columns of the table at {@code p}, with their defaults (a domain's included: MariaDB has none). */
    private static ColumnDefaults.Columns columns(DatabaseMetaData md, Dialect dialect, Place p) throws SQLException {
        String escape = md.getSearchStringEscape();
        return ColumnDefaults.read(
                md,
                dialect != Dialect.MARIADB,
                p.catalog(),
                p.schema() == null ? null : escaped(p.schema(), escape),
                escaped(p.table(), escape));
    }

    /**
     * The foreign keys of the mapped tables whose actions change one side's rows only ({@link
     * ForeignKeys#oneSided}), read through {@code md} and {@code newMd} ({@code null}: a separate
     * new database not given, whose keys count as none). {@code schemashift doctor} reports them.
     */
    static List<CascadingKey> cascadingKeys(
            MigrationConfig config, Dialect dialect, DatabaseMetaData md, DatabaseMetaData newMd) throws SQLException {
        List<CascadingKey> keys = new ArrayList<>();
        UnaryOperator<String> fold = storedCase(md);
        for (TableMapping t : config.mapping().tables()) {
            Place o = oldPlace(md, t);
            List<ForeignKeys.Key> old = ForeignKeys.read(md, o.catalog(), o.schema(), o.table());
            List<ForeignKeys.Key> neu = null;
            if (newMd != null) {
                Place n = newPlace(newMd, dialect, t);
                neu = ForeignKeys.read(newMd, n.catalog(), n.schema(), n.table());
            }
            keys.addAll(ForeignKeys.oneSided(
                    t, config.mapping(), old, neu, config.newSide().separateDatabase(), fold));
        }
        return keys;
    }

    /**
     * Each mapped table with the old columns whose default its new column does not share, those one
     * side generates and the other stores, those whose new type takes a cast of a written value
     * (PostgreSQL) or whose collation changes, the new table's unique indexes the old one lacks ({@link
     * #withNewUniqueKeys}), and without the derived columns the new table generates ({@link
     * ColumnDefaults}); logged when they differ from what {@code previous} read ({@code
     * null}: at the first read). Not read when the new side's metadata is not given (a preview of a
     * separate new database): none then.
     */
    private static Mapping withColumnFacts(
            MigrationConfig config,
            Mapping mapping,
            DatabaseMetaData md,
            DatabaseMetaData newMd,
            Dialect dialect,
            Mapping previous)
            throws SQLException {
        if (newMd == null) {
            return mapping;
        }
        List<TableMapping> tables = new ArrayList<>();
        for (TableMapping t : mapping.tables()) {
            Place oldPlace = oldPlace(md, t);
            ColumnDefaults.Columns old = columns(md, dialect, oldPlace);
            Place newPlace = newPlace(newMd, dialect, t);
            ColumnDefaults.Columns neu = columns(newMd, dialect, newPlace);
            Set<String> differing = ColumnDefaults.differing(t, old, neu);
            Map<String, TableMapping.ComputedBy> computed = ColumnDefaults.computedOnOneSide(t, old, neu);
            TableMapping before =
                    previous == null ? null : previous.table(t.oldName()).orElse(null);
            if (!differing.isEmpty() && (before == null || !differing.equals(before.differingDefaults()))) {
                LOG.warn(
                        "[{}] {}: the default of {} differs on {} (or is evaluated once per side): an INSERT that"
                                + " leaves such a column out runs on the primary only and is recorded; give the"
                                + " columns the same default",
                        config.migration(),
                        t.oldName(),
                        differing,
                        t.newName());
            }
            if (!computed.isEmpty() && (before == null || !computed.equals(before.computedOnOneSide()))) {
                LOG.warn(
                        "[{}] {}: columns one table computes (GENERATED) and the other stores, or whose two types"
                                + " store a written value apart (EACH_TABLE_ROUNDING: scale, fractional seconds,"
                                + " float width, a time zone, CHAR padding), by the table that computes each: {};"
                                + " every INSERT and"
                                + " UPDATE (of a generated column's table), or write that sets the column to a value"
                                + " beyond what both types keep alike (of a rounded one), is mirrored (leaving the new"
                                + " table's to it) and its rows recorded for repair; give the columns the same type"
                                + " and generation on both sides",
                        config.migration(),
                        t.oldName(),
                        computed);
            }
            Map<String, TableMapping.Retyped> retyped = new TreeMap<>(ColumnDefaults.collatedApart(
                    t,
                    Collations.read(
                            md.getConnection(), dialect, oldPlace.catalog(), oldPlace.schema(), oldPlace.table()),
                    Collations.read(
                            newMd.getConnection(), dialect, newPlace.catalog(), newPlace.schema(), newPlace.table())));
            // each set logged once: what the catalog read before ordered apart already was
            Set<String> apartBefore = before == null ? Set.of() : collated(before);
            if (!apartBefore.containsAll(retyped.keySet())) {
                LOG.warn(
                        "[{}] {}: the collation of {} differs on {}: each side orders their values its own way, so a"
                                + " write that compares one by order (WHERE {} < ?) is mirrored and its rows recorded"
                                + " (mirror_picked_by_other_rows); give the columns the same collation",
                        config.migration(),
                        t.oldName(),
                        retyped.keySet(),
                        t.newName(),
                        retyped.keySet().iterator().next());
            }
            if (dialect == Dialect.POSTGRESQL) {
                retyped.putAll(ColumnDefaults.retyped(
                        t, old, neu, newMd.getConnection(), newPlace.schema(), newPlace.table()));
            } else {
                Map<String, TableMapping.Retyped> typedApart = ColumnDefaults.typedApart(t, old, neu);
                if (!apartBefore.containsAll(typedApart.keySet())) {
                    LOG.warn(
                            "[{}] {}: {} holds text on one side and numbers or times on the other of {}: each side"
                                    + " orders their values its own way ('9' > '50' as text), so a write that compares"
                                    + " one by order is mirrored and its rows recorded (mirror_picked_by_other_rows)",
                            config.migration(),
                            t.oldName(),
                            typedApart.keySet(),
                            t.newName());
                }
                retyped.putAll(typedApart);
            }
            TableMapping withIndexes = t.uniqueKeys() == null
                    ? t
                    : t.withUniqueKeys(withNewUniqueKeys(
                            t,
                            uniqueKeys(
                                    newMd,
                                    newPlace.catalog(),
                                    newPlace.schema(),
                                    newPlace.table(),
                                    column -> oldColumnOf(t, column))));
            tables.add(withIndexes
                    .withDefaults(
                            differing,
                            ColumnDefaults.clockDefaults(t, old.defaults(), neu.defaults()),
                            ColumnDefaults.valuesLeftOut(t, old, dialect))
                    .withComputed(
                            computed, ColumnDefaults.keptAlike(t, old, neu), ColumnDefaults.generatedDerived(t, neu))
                    .withRetyped(retyped)
                    .withRoundingTypes(ColumnDefaults.roundingTypes(t, old, dialect)));
        }
        return Mapping.of(tables);
    }

    /**
     * {@code t}'s unique indexes with those of its new table ({@code newIndexes}, by old column
     * names) that no old index matches: MariaDB's {@code ON DUPLICATE KEY UPDATE} and {@code
     * REPLACE} hit a row on any unique index, so where only the new table has one (the migration
     * adds {@code UNIQUE (email)}) the new side updates or deletes a row under another key. An index
     * over a column the old table lacks keeps the new name, which no statement gives: such upserts
     * are recorded as the whole table.
     */
    private static Map<String, List<String>> withNewUniqueKeys(TableMapping t, Map<String, List<String>> newIndexes) {
        Map<String, List<String>> all = new LinkedHashMap<>(t.uniqueKeys());
        Set<Set<String>> held = new java.util.HashSet<>();
        t.uniqueKeys().values().forEach(columns -> held.add(lowerSet(columns)));
        newIndexes.forEach((index, columns) -> {
            if (held.add(lowerSet(columns))) {
                all.put("new table " + index, columns); // no constraint a statement names
            }
        });
        return all;
    }

    private static Set<String> lowerSet(List<String> columns) {
        Set<String> lower = new TreeSet<>();
        columns.forEach(c -> lower.add(c.toLowerCase(Locale.ROOT)));
        return lower;
    }

    /** The old column whose new column is {@code newColumn}; the new name where none is (a column the old table lacks). */
    private static String oldColumnOf(TableMapping t, String newColumn) {
        for (String old : t.oldColumns()) {
            if (newColumn.equalsIgnoreCase(t.newColumn(old))) {
                return old;
            }
        }
        return newColumn;
    }

    /** The columns of {@code table} whose collation differs between the sides (retyped without a cast). */
    private static Set<String> collated(TableMapping table) {
        Set<String> collated = new TreeSet<>();
        table.retyped().forEach((column, r) -> {
            if (r.newType() == null) {
                collated.add(column);
            }
        });
        return collated;
    }

    /**
     * {@code mapping} with the differing defaults, computed columns, casts, rounding types and unique indexes (the new
     * table's among them) {@code previous} read, where a re-read failed.
     */
    private static Mapping keptDefaults(Mapping mapping, Mapping previous) {
        List<TableMapping> tables = new ArrayList<>();
        for (TableMapping t : mapping.tables()) {
            TableMapping before = previous.table(t.oldName()).orElse(null);
            if (before == null) {
                tables.add(t);
                continue;
            }
            Set<String> generatedDerived = new java.util.HashSet<>(t.derived().keySet());
            generatedDerived.removeAll(before.derived().keySet());
            TableMapping indexes = before.uniqueKeys() == null ? t : t.withUniqueKeys(before.uniqueKeys());
            tables.add(indexes.withDefaults(before.differingDefaults(), before.clockDefaults(), before.valuesLeftOut())
                    .withComputed(before.computedOnOneSide(), before.keptAlike(), generatedDerived)
                    .withRetyped(before.retyped())
                    .withRoundingTypes(before.roundingTypes()));
        }
        return Mapping.of(tables);
    }

    /** A name the file gives, in the case the database stores unquoted names. */
    private static String stored(DatabaseMetaData md, String name) throws SQLException {
        return storedCase(md).apply(name);
    }

    /** How the database stores an unquoted name: {@link #stored} as a function. */
    private static UnaryOperator<String> storedCase(DatabaseMetaData md) throws SQLException {
        if (md.storesUpperCaseIdentifiers()) {
            return name -> name.toUpperCase(Locale.ROOT);
        }
        return md.storesLowerCaseIdentifiers() ? name -> name.toLowerCase(Locale.ROOT) : UnaryOperator.identity();
    }

    /** {@code name} as a metadata pattern that matches only itself: {@code _} and {@code %} escaped. */
    private static String escaped(String name, String escape) {
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    @Override
    public RewriteResult rewriteAway(String sql) {
        Started s = started;
        return counted(s, s.rewriter().awayFromOldSchema(newDatabase == null).rewrite(sql));
    }

    @Override
    public String lockTables(String sql) {
        MigrationConfig.Rollout rollout = rollout();
        return started.rewriter()
                .lockTables(
                        sql,
                        table -> rollout.phaseOf(table) != Phase.OLD_ONLY,
                        newDatabase == null,
                        config.writes().intent() ? List.of(config.writes().intentTable()) : List.of());
    }

    @Override
    public String oldSchema() {
        return started.rewriter().oldSchema();
    }

    /** Rewrites {@code sql} for the new schema (cached), and counts it in the statement coverage. */
    @Override
    public RewriteResult rewrite(String sql) {
        Started s = started;
        RewriteResult result = s.rewriter().rewrite(sql);
        if (result instanceof Refused r && r.reason() == RefusalReason.COLUMNS_UNKNOWN) {
            Rewriter refreshed = rereadCatalog(s, false, null);
            if (refreshed != null) {
                result = refreshed.rewrite(sql);
            }
        }
        return counted(s, result);
    }

    /**
     * Reads the catalog again once {@code control.catalogRefresh} has passed since the last read (on
     * the control loop's thread): a routine, trigger, rule or view another client created (psql, an
     * application not on the driver) is known within that time. At every call while a part of the
     * catalog has not been read once (a separate new database was down at the start, a catalog
     * table could not be read) and a separate new database's breaker is not open: until then every
     * mirrored write is recorded too.
     */
    void refreshCatalog() {
        Started s = started;
        if (s == null) {
            return;
        }
        boolean due = System.nanoTime() - catalogReadAt
                >= config.control().catalogRefresh().toNanos();
        // while the new database is known to be down (its breaker open), no read is tried, nor logged
        if (!due
                && (catalogRead
                        || (newDatabase != null && newDatabase.breaker().state() == CircuitBreaker.State.OPEN))) {
            return;
        }
        // opened before the read takes the lock: a drained pool makes only this loop wait, never a statement
        try (Connection c = s.primaryConnections().open()) {
            rereadCatalog(s, true, c);
        } catch (SQLException e) {
            LOG.warn(
                    "[{}] cannot open a connection to read the catalog again: {} (SQLState {})",
                    config.migration(),
                    e.getClass().getSimpleName(),
                    e.getSQLState());
        }
    }

    @Override
    public void catalogChanged(Connection through) {
        Started s = started;
        if (s == null) {
            return;
        }
        rereadCatalog(s, true, through);
    }

    /** {@code result}, counted in the statement coverage. */
    private RewriteResult counted(Started s, RewriteResult result) {
        if (s.coverage() != null) {
            s.coverage().seen(result, applied.rollout());
        }
        return result;
    }

    /**
     * The old column lists and what reaches mapped tables inside the database (routines, triggers,
     * views, foreign keys, partitions) are read at the first connection; a table created after
     * it (by Flyway or Liquibase at start-up, say) has no list, and {@code *} over it cannot be
     * expanded. So a statement refused for that reason reads the catalog again, at most once a
     * second, and so does every change of the rollout (on the control loop's thread, before it is
     * put in force), so that a routine created since start is known when a table leaves {@code
     * old-only}, and so does DDL the application sends through the driver once it took effect
     * ({@link #catalogChanged(Connection)}). The rewriter is rebuilt when what was read changed.
     *
     * @param force read even if the catalog was read less than a second ago
     * @param through the connection to read it through ({@code null}: one opened for it)
     * @return the new rewriter, or {@code null} when the catalog was read too recently or did not change
     */
    private synchronized Rewriter rereadCatalog(Started s, boolean force, Connection through) {
        long now = System.nanoTime();
        if ((!force && now - catalogReadAt < CATALOG_RETRY_NANOS) || started != s) {
            return started != s ? started.rewriter() : null;
        }
        catalogReadAt = now;
        try (Connection opened = through == null ? s.primaryConnections().open() : null) {
            return reread(s, through == null ? opened : through);
        } catch (SQLException | RuntimeException e) {
            LOG.warn(
                    "[{}] cannot read the old tables' column lists, routines, triggers, views and foreign keys: {} (SQLState {})",
                    config.migration(),
                    e.getClass().getSimpleName(),
                    e instanceof SQLException sql ? sql.getSQLState() : "-");
            return null;
        }
    }

    /**
     * The tables the user of {@code c} may not read, logged when any are; {@code previous} when the
     * privileges cannot be read.
     */
    private ReadableTables readableTables(Connection c, Dialect dialect, Mapping mapping, ReadableTables previous) {
        ReadableTables readable = new CatalogPass(config)
                .part("table privileges", previous, () -> ReadableTables.read(c, newDatabase, dialect, mapping));
        if (!readable.unreadable().isEmpty() && !readable.equals(previous)) {
            LOG.warn(
                    "[{}] the user may not read {}: an INSERT there that leaves its key to the database is recorded,"
                            + " not mirrored (PostgreSQL returns keys only to a user that may read the table), and"
                            + " read-new reads of a new table there are served by the old side; grant SELECT",
                    config.migration(),
                    readable.unreadable());
        }
        return readable;
    }

    /** Reads the catalog through {@code c}; the new rewriter, or {@code null} when nothing changed. */
    private Rewriter reread(Started s, Connection c) throws SQLException {
        CatalogPass pass = new CatalogPass(config, failingParts);
        Rewriter next = rewriter(pass, s.dialect(), c.getMetaData(), s.rewriter(), NewCatalog.pooled(newDatabase));
        failingParts = pass.failing();
        ReadableTables readable = readableTables(c, s.dialect(), next.mapping(), s.readable());
        boolean sameColumns = sameTables(next.mapping(), s.rewriter().mapping());
        Rewriter current = s.rewriter();
        if (!readable.equals(s.readable())) {
            started = s.with(current, readable); // a grant given or taken: no rewrite changes
        }
        if (sameColumns
                && next.routines().equals(current.routines())
                && next.volatileFunctions().equals(current.volatileFunctions())
                && next.triggers().equals(current.triggers())
                && java.util.Objects.equals(next.newTriggers(), current.newTriggers())
                && next.views().equals(current.views())
                && next.truncateCascades().equals(current.truncateCascades())
                && next.cascadingKeys().equals(current.cascadingKeys())
                && next.relatives().equals(current.relatives())) {
            wholeCatalogRead(pass);
            return null;
        }
        started = started.with(next, readable);
        rewriterVersion++; // only here, under this method's lock
        // once read, what was read is kept when a read fails; known as whole once statements see it
        wholeCatalogRead(pass);
        LOG.info(
                "[{}] the {} changed; statements are rewritten with what was read now",
                config.migration(),
                sameColumns
                        ? "database's routines, triggers, views or foreign keys"
                        : "old tables' column lists or unique indexes");
        return next;
    }

    /** Marks the catalog read once {@code pass} read every part, which the log says the first time. */
    private void wholeCatalogRead(CatalogPass pass) {
        if (!catalogRead && pass.whole()) {
            catalogRead = true;
            LOG.info(
                    "[{}] every part of the catalog is read now: mirrored writes are no longer recorded for it",
                    config.migration());
        }
    }

    /** Whether the catalog gave both mappings the same old columns and unique indexes. */
    private static boolean sameTables(Mapping a, Mapping b) {
        for (TableMapping t : a.tables()) {
            if (!b.table(t.oldName()).equals(Optional.of(t))) {
                return false;
            }
        }
        return true;
    }

    /** The statement coverage of this JVM, or {@code null} when {@code coverage.enabled} is false. */
    public StatementCoverage coverage() {
        return started.coverage();
    }

    /** The validated configuration, as loaded. */
    public MigrationConfig config() {
        return config;
    }

    /** The rollout in force now. */
    public MigrationConfig.Rollout rollout() {
        return applied.rollout();
    }

    /** The control-table version of the rollout in force; 0 when it comes from the configuration file. */
    public long version() {
        return applied.version();
    }

    Applied applied() {
        return applied;
    }

    /**
     * Whether statements that write mapped tables may run. False from start-up while {@code
     * control.table} is set and its rollout could not be read yet: the phase of the file may not
     * be the fleet's (the fleet may be in {@code new-primary} while the file says {@code
     * old-only}), so such writes fail closed with {@link #writesRefused(String)} until the control
     * loop reads the rollout (it retries every {@code control.poll}). Reads and statements on
     * unmapped tables are not affected. A volatile read: cheap on the statement path.
     */
    public boolean writesAllowed() {
        return writesAllowed;
    }

    /** The error for a write to mapped table {@code table} while {@link #writesAllowed()} is false. */
    public SQLException writesRefused(String table) {
        return ShiftSqlState.NOT_IN_PREREQUISITE_STATE.error("write to mapped table " + table
                + " refused: the rollout of migration " + config.migration() + " has not been read from control table "
                + config.control().controlTable().orElse("-") + " yet, and the file's phase may not be the fleet's;"
                + " retried every " + config.control().poll() + "; allowed once it is read (check the database,"
                + " 'schemashift init' and the grants on the control table)");
    }

    void allowWrites() {
        writesAllowed = true;
    }

    /**
     * Puts {@code next} (of control-table version {@code version}) in force; open transactions keep
     * the rollout they started with.
     */
    void apply(MigrationConfig.Rollout next, long version) {
        Started s = started;
        if (s != null && !next.equals(applied.rollout())) {
            rereadCatalog(s, true, null); // first: the new rollout starts with the routines and views there are now
        }
        synchronized (appliedChanged) {
            applied = new Applied(next, version);
            appliedChanged.notifyAll();
        }
    }

    /**
     * Waits until the rollout of control-table version {@code version} or a later one is in force.
     *
     * @return false if it was not within {@code timeout}
     */
    boolean awaitVersion(long version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (appliedChanged) {
            while (applied.version() < version) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(appliedChanged, left);
            }
        }
        return true;
    }

    public ShiftMetrics metrics() {
        return metrics;
    }

    public DivergenceLog divergences() {
        return started.divergences();
    }

    /** The intent records of transactions with rows not safe yet; {@code null} with {@code writes.intent: false}. */
    public IntentLog intents() {
        return started.intents();
    }

    /** Shadow reads: which reads are compared, and the executor that compares them. */
    public ShadowReads shadow() {
        return started.shadow();
    }

    @Override
    public boolean catalogRead() {
        return catalogRead;
    }

    @Override
    public int rewriterVersion() {
        return rewriterVersion;
    }

    /** The separate new-side database, or {@code null} when the new schema is in the same database. */
    public NewDatabase newDatabase() {
        return newDatabase;
    }

    /**
     * What the health check shows, read without blocking; the divergence backlog is 0 until the
     * first connection starts the runtime.
     */
    public Status status() {
        Started s = started;
        return new Status(
                config.migration(),
                applied.rollout().phase(),
                applied.version(),
                newDatabase == null ? null : newDatabase.breaker().state(),
                s == null ? 0 : s.divergences().backlog(),
                metrics.health().lost(),
                s != null,
                writesAllowed);
    }

    /**
     * A snapshot of the runtime for health checks.
     *
     * @param breaker the separate new side's breaker, {@code null} when the new schema is in the same database
     * @param divergencesLost divergence records and mismatch reports that could not be written since start
     * @param started whether a connection has started the runtime (dialect known, control loop running)
     * @param writesAllowed false while writes to mapped tables fail closed (the control row was never read)
     */
    public record Status(
            String migration,
            Phase phase,
            long version,
            CircuitBreaker.State breaker,
            long divergenceBacklog,
            long divergencesLost,
            boolean started,
            boolean writesAllowed) {}

    public Dialect dialect() {
        return started.dialect();
    }

    @Override
    public Mapping mapping() {
        return started.rewriter().mapping();
    }

    /**
     * The distance between the keys of one multi-row INSERT where the database hands them out
     * consecutively and its driver returns only the first (MariaDB); 0 where they cannot be inferred.
     */
    public long autoIncrementStep() {
        return started.autoIncrementStep();
    }

    @Override
    public boolean mayRead(String table, Side side) {
        return started.readable().mayRead(table, side);
    }

    /**
     * Stops the control loop and the shadow executor, writes the queued divergence records (waiting
     * at most 5 seconds; what is still queued then is counted as lost), writes a last heartbeat that
     * reports what was lost, and closes the new side's pool.
     */
    @Override
    public void close() {
        ControlLoop loop = control;
        if (loop != null) {
            loop.close();
        }
        Started s = started;
        if (s != null) {
            s.shadow().close();
            if (s.intents() != null) {
                s.intents().close();
            }
            if (s.coverage() != null) {
                s.coverage().close();
            }
            s.divergences().close(CLOSE_FLUSH);
            if (loop != null) {
                loop.lastBeat();
            }
        }
        if (newDatabase != null) {
            newDatabase.close();
        }
        metrics.removeAll();
    }

    @Override
    public String toString() {
        return "MigrationRuntime[" + config.migration() + " from " + location.description() + "]";
    }
}
