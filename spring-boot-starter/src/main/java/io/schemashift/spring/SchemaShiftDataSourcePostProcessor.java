package io.schemashift.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.schemashift.SchemaShift;
import io.schemashift.SchemaShiftDataSource;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Wraps every {@link DataSource} bean (HikariCP stays the pool inside) in a {@link
 * SchemaShiftDataSource}. Before the first wrap it binds the application's {@link MeterRegistry},
 * so the migration's meters land there and not in the global registry. When the context closes,
 * the migration is stopped (its queued divergence records written) before Spring closes the pool:
 * Spring calls the destroy method of the bean it created, the pool, not of the wrapper.
 * Thread-safe.
 */
final class SchemaShiftDataSourcePostProcessor implements DestructionAwareBeanPostProcessor, DisposableBean {

    private final Environment environment;
    private final ObjectProvider<MeterRegistry> registries;
    private volatile SchemaShiftProperties properties;
    private final Map<DataSource, SchemaShiftDataSource> wrapped = Collections.synchronizedMap(new IdentityHashMap<>());
    private MeterRegistry bound;

    SchemaShiftDataSourcePostProcessor(Environment environment, ObjectProvider<MeterRegistry> registries) {
        this.environment = environment;
        this.registries = registries;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof DataSource dataSource) || bean instanceof SchemaShiftDataSource) {
            return bean;
        }
        SchemaShiftProperties settings = settings();
        if (!settings.isEnabled()) {
            return bean;
        }
        bindMeters(settings);
        SchemaShiftDataSource shift = new SchemaShiftDataSource(dataSource);
        if (settings.getConfig() != null && !settings.getConfig().isBlank()) {
            shift.setConfig(settings.getConfig());
        }
        wrapped.put(dataSource, shift);
        return shift;
    }

    @Override
    public boolean requiresDestruction(Object bean) {
        return wrapped.containsKey(bean);
    }

    @Override
    public void postProcessBeforeDestruction(Object bean, String beanName) {
        SchemaShiftDataSource shift = wrapped.remove(bean);
        if (shift != null) {
            shift.shutdown();
        }
    }

    // Bound once, when the first DataSource is wrapped: before its first connection starts the migration.
    private synchronized void bindMeters(SchemaShiftProperties settings) {
        if (bound != null) {
            return;
        }
        SchemaShift.latencyHistograms(settings.getMetrics().isLatencyHistograms());
        MeterRegistry registry = registries.getIfUnique(); // the primary one when there are several
        if (registry != null) {
            SchemaShift.meterRegistry(registry);
            bound = registry;
        }
        String app = settings.getAppName() != null
                ? settings.getAppName()
                : environment.getProperty("spring.application.name");
        if (app != null && !app.isBlank() && System.getProperty("schemashift.app") == null) {
            System.setProperty("schemashift.app", app); // what the driver's heartbeat reads
        }
    }

    private SchemaShiftProperties settings() {
        SchemaShiftProperties p = properties;
        if (p == null) {
            // bound here, not injected: a BeanPostProcessor is created before configuration properties are
            p = Binder.get(environment)
                    .bind("schemashift", SchemaShiftProperties.class)
                    .orElseGet(SchemaShiftProperties::new);
            properties = p;
        }
        return p;
    }

    @Override
    public synchronized void destroy() {
        if (bound != null) {
            SchemaShift.unbindMeterRegistry(bound);
            bound = null;
        }
    }
}
