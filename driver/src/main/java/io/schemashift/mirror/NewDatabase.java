package io.schemashift.mirror;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.schemashift.config.MigrationConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A separate new-side database, reached through its own HikariCP pool. Every connection it hands
 * out carries the mirror budget as its network timeout, so a slow or dead new side costs the
 * application at most the budget; the circuit breaker then keeps it from paying even that on
 * every statement. The pool starts without connecting, so a dead new side never stops the
 * application from starting. Thread-safe.
 */
public final class NewDatabase implements AutoCloseable {

    private final HikariDataSource pool;
    private final HikariDataSource shadowPool;
    private final CircuitBreaker breaker;
    /** The session settings the connections of both pools were given. */
    private final SessionSettings.Given given = new SessionSettings.Given();

    private final int budgetMillis;
    private final ExecutorService timeouts = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "schemashift-new-side-timeout");
        t.setDaemon(true);
        return t;
    });

    /**
     * Opens the new side's pool (without connecting); its pools report HikariCP's meters
     * ({@code hikaricp.connections…}, tag {@code pool}) to {@code registry}.
     */
    public static NewDatabase open(MigrationConfig config, MeterRegistry registry) {
        return new NewDatabase(config, registry);
    }

    private NewDatabase(MigrationConfig config, MeterRegistry registry) {
        MigrationConfig.Writes writes = config.writes();
        HikariConfig hikari = poolConfig(config, "schemashift-" + config.migration());
        hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        // Waiting for a connection counts against the budget too (HikariCP's floor is 250 ms).
        hikari.setConnectionTimeout(Math.max(250, writes.budget().toMillis()));
        this.pool = new HikariDataSource(hikari);
        // Shadow reads hold a connection for up to shadow.timeout: a pool of their own, one
        // connection per shadow thread, so that they never make a mirror wait for one.
        HikariConfig shadowPool = poolConfig(config, "schemashift-" + config.migration() + "-shadow");
        shadowPool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        shadowPool.setMaximumPoolSize(config.shadow().threads());
        shadowPool.setMinimumIdle(0);
        shadowPool.setConnectionTimeout(Math.max(250, config.shadow().timeout().toMillis()));
        this.shadowPool = new HikariDataSource(shadowPool);
        this.budgetMillis = (int) Math.max(1, writes.budget().toMillis());
        this.breaker = new CircuitBreaker(writes.breakerFailures(), writes.breakerCooldown(), System::nanoTime);
    }

    private static HikariConfig poolConfig(MigrationConfig config, String name) {
        MigrationConfig.NewSide side = config.newSide();
        HikariConfig hikari = new HikariConfig(side.pool());
        hikari.setJdbcUrl(side.url());
        if (side.user() != null) {
            hikari.setUsername(side.user());
        }
        if (side.password() != null) {
            hikari.setPassword(side.password().reveal());
        }
        hikari.setPoolName(name);
        hikari.setExceptionOverrideClassName(KeepConnectionOnRefusal.class.getName());
        hikari.setInitializationFailTimeout(-1);
        hikari.setAutoCommit(false);
        return hikari;
    }

    /** The breaker guarding this side. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    /**
     * A connection for one transaction of the application, with auto-commit off.
     *
     * @throws SQLException if none can be had within the pool's connection timeout (the budget)
     */
    public Connection borrow() throws SQLException {
        return pool.getConnection();
    }

    /**
     * Puts the mirror budget on {@code c} as its network timeout (mirror work), or takes it off
     * (the new side as the primary).
     */
    public void budget(Connection c, boolean on) throws SQLException {
        c.setNetworkTimeout(timeouts, on ? budgetMillis : 0);
    }

    /**
     * Gives {@code c}, borrowed from either pool, the application connection's {@code settings}
     * ({@link SessionSettings.Given#align}).
     */
    public void align(Connection c, SessionSettings settings, boolean fresh) throws SQLException {
        given.align(c, settings, fresh);
    }

    /** A connection for a shadow read, from the shadow reads' own pool (never the mirrors'). */
    public Connection borrowForShadow() throws SQLException {
        return shadowPool.getConnection();
    }

    @Override
    public void close() {
        pool.close();
        shadowPool.close();
        timeouts.shutdownNow();
    }
}
